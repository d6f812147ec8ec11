"""Twilio Voice gateway: phone calls <-> the Rasa agent, in Mandarin."""
