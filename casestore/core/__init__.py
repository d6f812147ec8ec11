"""Cross-cutting pieces of the case store: settings, database, security, errors."""
