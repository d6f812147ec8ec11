"""Tables of the hot-issue miner (热点问题): the fitted text model, clusters, their
place keys and the cluster of every mined case. Written by the miner only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casestore.core.db import Base, UTCDateTime


class HotIssueModel(Base):
    """One mining run: document frequencies for the IDF of cases assigned later."""

    __tablename__ = "hot_issue_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    n_docs: Mapped[int] = mapped_column(Integer)
    idf: Mapped[bytes] = mapped_column(LargeBinary)
    seconds: Mapped[float] = mapped_column(Float)


class HotIssueCluster(Base):
    """A group of cases about the same matter (同一事项), named place + problem."""

    __tablename__ = "hot_issue_clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    place: Mapped[str | None] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(100))
    category_name: Mapped[str | None] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    districts: Mapped[str] = mapped_column(Text, default="")  # "|"-joined, for the place rules
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class HotIssuePlace(Base):
    """Place keys (with their tails) of a cluster: candidates for a new case by place."""

    __tablename__ = "hot_issue_places"

    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("hot_issue_clusters.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_hot_issue_places_key", "key"),)


class HotIssueMember(Base):
    """The cluster a case belongs to."""

    __tablename__ = "hot_issue_members"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("hot_issue_clusters.id", ondelete="CASCADE"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
