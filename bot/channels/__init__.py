"""Custom Rasa input channels of the 智慧信访 assistant."""
