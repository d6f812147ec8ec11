from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class ResponsibleUnitOut(BaseModel):
    """承办单位 as shown to callers."""

    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: Literal["city", "district", "street"]
