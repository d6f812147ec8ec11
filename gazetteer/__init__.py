"""City gazetteer: official districts, streets and communities, and place matching.

Reads the JSON written by ``python -m gazetteer.build``; standard library only,
so it runs in both the Rasa env and the services env. See docs/contracts-draft.md.
"""

from gazetteer.model import (
    District,
    Gazetteer,
    OtherCityMatch,
    PlaceMatch,
    Street,
    load,
)

__all__ = ["District", "Gazetteer", "OtherCityMatch", "PlaceMatch", "Street", "load"]
