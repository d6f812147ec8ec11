"""The Rasa side of the assistant: NLU components, category model, channels."""

from bot import rasa_patches

rasa_patches.apply()
