"""Who may call what: the service token for trusted callers; citizen look-up guard."""
