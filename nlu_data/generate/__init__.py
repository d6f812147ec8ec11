"""Template generator of NLU training data (see generate.py)."""
