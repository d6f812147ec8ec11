"""Custom Rasa NLU components of the 智慧信访 assistant (loaded by config.yml)."""
