from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casestore.core.db import Base


class Unit(Base):
    """A unit that handles cases (承办单位): city, district/county/zone or street office."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))  # city | district | street
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    kind: Mapped[str] = mapped_column(
        String(20)
    )  # city | district | county | dev_zone | street | town ... | department
    # Functional department kind (职能部门, e.g. "housing"); None for governments/offices.
    department: Mapped[str | None] = mapped_column(String(30), index=True)
