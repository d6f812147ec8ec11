"""Hot issues (热点问题): mining the case store, incremental updates, the ranked list.

- :func:`mine` (batch): the cases of the last year (at most ``MAX_MINED``, newest
  first) are represented (``mining.vectors``), clustered (``mining.clustering``),
  named (``mining.naming``) and stored in the ``hot_issue_*`` tables, replacing
  the previous run. About 15 s for 4,300 real messages on 2 cores.
- :func:`assign_case` (incremental): a newly registered case joins the most
  similar cluster (same place rules) or opens its own; tens of milliseconds.
  Called from case registration through :func:`on_case_registered`, which never
  raises: a mining error must not fail a registration.
- :func:`top_hot_issues`: clusters of at least two cases in the actor's scope
  (own unit and below), ranked by heat (``mining.heat``).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel
from sqlalchemy import String, case, cast, delete, func, insert, select
from sqlalchemy.orm import Session

from casestore.analytics.mining.clustering import (
    ASSIGN_THRESHOLD,
    centroid_similarities,
    cluster,
    place_factor,
)
from casestore.analytics.mining.heat import IssueCounts, growth, heat
from casestore.analytics.mining.models import (
    HotIssueCluster,
    HotIssueMember,
    HotIssueModel,
    HotIssuePlace,
)
from casestore.analytics.mining.naming import IssueName, name_issue
from casestore.analytics.mining.places import find_places, key_tails
from casestore.analytics.mining.text import case_text, words
from casestore.analytics.mining.vectors import (
    BLOCKS,
    OFFSETS,
    Centroid,
    IdfModel,
    MiningText,
    raw_matrix,
    weigh,
)
from casestore.cases.lifecycle import Actor
from casestore.cases.models import Case
from casestore.core.logging import get_logger

if TYPE_CHECKING:
    from casestore.cases.service import CaseServices

logger = get_logger(__name__)

WINDOW_DAYS = 365  # cases mined and counted: the last year before the newest case
MAX_MINED = 6000  # newest cases clustered in one batch (dense pairwise similarity)
MIN_CASES = 2  # a hot issue is raised by at least two cases
RENAME_UP_TO = 60  # an issue growing incrementally is renamed from its members up to this size
CANDIDATES_RECENT = 300  # recent multi-case clusters compared with a new case
CANDIDATES_SINGLE = 150  # recent one-case clusters compared with a new case
ASSIGN_PER_CALL = 200  # unassigned cases caught up per list call
EXAMPLES = 3

_mine_lock = threading.Lock()
_idf_cache: dict[int, tuple[IdfModel, np.ndarray]] = {}  # model id → (model, IDF)


# ---- schemas (API contract, see casestore/README.md) ------------------------------


class HotIssueOut(BaseModel):
    id: int
    name: str
    place: str | None
    problem: str
    heat: float
    case_count: int
    recent_count: int
    growth: float
    likes: int
    category: str | None
    first_seen: datetime
    last_seen: datetime
    example_case_numbers: list[str]


class HotIssuesOut(BaseModel):
    generated_at: datetime
    items: list[HotIssueOut]


@dataclass
class MiningReport:
    cases: int = 0
    clusters: int = 0
    issues: int = 0  # clusters of at least MIN_CASES
    seconds: float = 0.0
    as_of: datetime | None = None


# ---- representation of stored cases -----------------------------------------------

_CASE_COLUMNS = (
    Case.id,
    Case.summary,
    Case.description,
    Case.district,
    Case.street,
    Case.community,
    Case.address,
    Case.category_name,
    Case.created_at,
)


def known_districts(services: CaseServices) -> tuple[str, ...]:
    """District and city names of the gazetteer (prefixes stripped from place names)."""
    city = services.places.city
    names = [*city.all_names("district"), city.city_name, *city.city_aliases]
    return tuple(sorted({n for n in names if n and len(n) >= 3}, key=len, reverse=True))


def mining_text(row: Any, known: Sequence[str]) -> MiningText:
    title, body = case_text(row.summary, row.description)
    where = " ".join(p for p in (row.street, row.community, row.address) if p)
    places = find_places(f"{where}。{title}。{body}", known)
    if row.district and row.district not in places.districts:
        places.districts.insert(0, row.district)
    return MiningText(title, body, places)


class TitleDf:
    """Document frequency of a title word, read from the model's hashed title block."""

    def __init__(self, model: IdfModel) -> None:
        from sklearn.utils import murmurhash3_32

        self._hash = murmurhash3_32
        self._df = model.df
        self._offset = int(OFFSETS[0])
        self._width = BLOCKS[0][1]
        self.n = model.n_docs

    def get(self, word: str, default: int = 0) -> int:
        index = self._offset + abs(int(self._hash(word, seed=0))) % self._width
        return int(self._df[index])


def _name(docs: Sequence[MiningText], districts: Sequence[str | None], df: TitleDf) -> IssueName:
    return name_issue(docs, [words(d.title) for d in docs], df, df.n, districts)


def _majority(values: Sequence[str | None]) -> str | None:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


# ---- batch mining -------------------------------------------------------------------


def _clear(session: Session) -> None:
    for table in (HotIssueMember, HotIssuePlace, HotIssueCluster, HotIssueModel):
        session.execute(delete(table))


def mine(services: CaseServices) -> MiningReport:
    """Cluster the last year's cases afresh and store the result (replaces the previous run).

    Reads, computes without a transaction open (SQLite writers are not held up for the
    seconds of computing), then replaces the tables in one short transaction. Cases
    registered meanwhile are caught up by :func:`catch_up`.
    """
    started = time.perf_counter()
    report = MiningReport()
    known = known_districts(services)
    with _mine_lock:
        with services.sessions() as session:
            latest = session.scalar(select(func.max(Case.created_at)))
            rows = []
            if latest is not None:
                rows = list(
                    session.execute(
                        select(*_CASE_COLUMNS)
                        .where(Case.created_at >= latest - timedelta(days=WINDOW_DAYS))
                        .order_by(Case.created_at.desc(), Case.id.desc())
                        .limit(MAX_MINED)
                    )
                )
        if latest is None:
            with services.sessions() as session:
                _clear(session)
                session.commit()
            return report
        docs = [mining_text(r, known) for r in rows]
        raw = raw_matrix(docs)
        model = IdfModel.fit(raw)
        matrix = weigh(raw, model.idf)
        labels = cluster(matrix, [d.places for d in docs])
        groups: dict[int, list[int]] = {}
        for index, label in enumerate(labels.tolist()):
            groups.setdefault(label, []).append(index)
        title_df = TitleDf(model)
        now = services.clock()
        values, keys, centroids = [], [], []
        for indices in groups.values():
            centroid = Centroid.of_rows(matrix[indices])
            value, key_set = _cluster_values(
                [docs[i] for i in indices], [rows[i] for i in indices], centroid, title_df, now
            )
            values.append(value)
            keys.append(key_set)
            centroids.append(centroid)
            report.issues += len(indices) >= MIN_CASES
        similarity = {
            rows[i].id: round(centroid.cosine(matrix.getrow(i)), 4)
            for centroid, indices in zip(centroids, groups.values(), strict=True)
            for i in indices
        }
        report.cases, report.clusters, report.as_of = len(rows), len(groups), latest
        report.seconds = round(time.perf_counter() - started, 2)
        with services.sessions() as session:
            _store(session, model, latest, now, report.seconds)
            ids = list(
                session.scalars(
                    insert(HotIssueCluster).returning(
                        HotIssueCluster.id, sort_by_parameter_order=True
                    ),
                    values,
                )
            )
            places = [
                {"cluster_id": i, "key": k} for i, ks in zip(ids, keys, strict=True) for k in ks
            ]
            if places:
                session.execute(insert(HotIssuePlace), places)
            members = [
                {
                    "case_id": rows[i].id,
                    "cluster_id": cluster_id,
                    "similarity": similarity[rows[i].id],
                    "assigned_at": now,
                }
                for cluster_id, indices in zip(ids, groups.values(), strict=True)
                for i in indices
            ]
            if members:
                session.execute(insert(HotIssueMember), members)
            session.commit()
    report.seconds = round(time.perf_counter() - started, 2)
    logger.info(
        "hot issues mined: %d cases, %d clusters (%d of ≥%d cases) in %.1f s",
        report.cases,
        report.clusters,
        report.issues,
        MIN_CASES,
        report.seconds,
    )
    return report


def _store(
    session: Session,
    model: IdfModel,
    as_of: datetime,
    now: datetime,
    seconds: float,
) -> None:
    """Replace the previous run by this one's model (clusters follow)."""
    _clear(session)
    session.add(
        HotIssueModel(
            fitted_at=now, as_of=as_of, n_docs=model.n_docs, idf=model.to_bytes(), seconds=seconds
        )
    )
    session.flush()


def _cluster_values(
    docs: Sequence[MiningText],
    rows: Sequence[Any],
    centroid: Centroid,
    title_df: TitleDf,
    now: datetime,
) -> tuple[dict[str, Any], list[str]]:
    """Column values of a new cluster and its place keys."""
    issue_name = _name(docs, [r.district for r in rows], title_df)
    times = [r.created_at for r in rows]
    values = {
        "name": issue_name.name,
        "place": issue_name.place,
        "problem": issue_name.problem,
        "district": issue_name.district,
        "category_name": _majority([r.category_name for r in rows]),
        "size": len(rows),
        "districts": "|".join(sorted({d for doc in docs for d in doc.places.districts})),
        "centroid": centroid.to_bytes(),
        "first_seen": min(times),
        "last_seen": max(times),
        "updated_at": now,
    }
    keys = sorted({t[:100] for doc in docs for k in doc.places.keys for t in key_tails(k)})
    return values, keys


def _new_cluster(
    session: Session,
    docs: Sequence[MiningText],
    rows: Sequence[Any],
    centroid: Centroid,
    title_df: TitleDf,
    now: datetime,
) -> HotIssueCluster:
    values, keys = _cluster_values(docs, rows, centroid, title_df, now)
    issue = HotIssueCluster(**values)
    session.add(issue)
    session.flush()
    if keys:
        session.execute(insert(HotIssuePlace), [{"cluster_id": issue.id, "key": k} for k in keys])
    return issue


# ---- incremental ---------------------------------------------------------------------


def _latest_model(session: Session) -> tuple[int, IdfModel] | None:
    model_id = session.scalar(select(func.max(HotIssueModel.id)))
    if model_id is None:
        return None
    if model_id not in _idf_cache:
        blob = session.scalar(select(HotIssueModel.idf).where(HotIssueModel.id == model_id))
        model = IdfModel.from_bytes(blob or b"")
        _idf_cache.clear()
        _idf_cache[model_id] = (model, model.idf)
    return model_id, _idf_cache[model_id][0]


def _idf(model_id: int) -> np.ndarray:
    return _idf_cache[model_id][1]


def _candidates(session: Session, keys: set[str], since: datetime) -> list[Any]:
    """Clusters worth comparing with a new case: those naming its place, and the most
    recently active ones (multi-case first). Rows of (id, centroid, districts)."""
    ids: set[int] = set()
    for many, limit in ((True, CANDIDATES_RECENT), (False, CANDIDATES_SINGLE)):
        size = HotIssueCluster.size >= MIN_CASES if many else HotIssueCluster.size < MIN_CASES
        ids.update(
            session.scalars(
                select(HotIssueCluster.id)
                .where(HotIssueCluster.last_seen >= since, size)
                .order_by(HotIssueCluster.last_seen.desc())
                .limit(limit)
            )
        )
    if keys:
        ids.update(
            session.scalars(
                select(HotIssuePlace.cluster_id).where(HotIssuePlace.key.in_(sorted(keys)))
            )
        )
    if not ids:
        return []
    return list(
        session.execute(
            select(HotIssueCluster.id, HotIssueCluster.centroid, HotIssueCluster.districts).where(
                HotIssueCluster.id.in_(ids)
            )
        )
    )


def assign_case(services: CaseServices, case_id: int) -> int | None:
    """Put one case into its cluster (joining the nearest or opening one); returns the cluster id.

    None when nothing was mined yet (the first :func:`mine` takes every case).
    """
    with services.sessions() as session:
        found = _latest_model(session)
        if found is None:
            return None
        model_id, model = found
        existing = session.get(HotIssueMember, case_id)
        if existing is not None:
            return existing.cluster_id
        row = session.execute(select(*_CASE_COLUMNS).where(Case.id == case_id)).one_or_none()
        if row is None:
            return None
        cluster_id = _assign(session, services, model, _idf(model_id), row)
        session.commit()
        return cluster_id


def _assign(
    session: Session, services: CaseServices, model: IdfModel, idf: np.ndarray, row: Any
) -> int:
    known = known_districts(services)
    doc = mining_text(row, known)
    vector = weigh(raw_matrix([doc]), idf).getrow(0)
    keys = {t for k in doc.places.keys for t in key_tails(k)}
    since = row.created_at - timedelta(days=WINDOW_DAYS)
    candidates = _candidates(session, keys, since)
    keys_of: dict[int, set[str]] = {c.id: set() for c in candidates}
    if candidates:
        for cluster_id, key in session.execute(
            select(HotIssuePlace.cluster_id, HotIssuePlace.key).where(
                HotIssuePlace.cluster_id.in_(list(keys_of))
            )
        ):
            keys_of[cluster_id].add(key)
    cosines = centroid_similarities(vector, [Centroid.from_bytes(c.centroid) for c in candidates])
    case_districts = set(doc.places.districts)
    best_id, best_score = None, 0.0
    for candidate, cosine in zip(candidates, cosines.tolist(), strict=True):
        districts = {d for d in candidate.districts.split("|") if d}
        score = cosine * place_factor(keys, case_districts, keys_of[candidate.id], districts)
        if score > best_score:
            best_id, best_score = candidate.id, score
    best = session.get(HotIssueCluster, best_id) if best_id is not None else None
    now = services.clock()
    if best is None or best_score < ASSIGN_THRESHOLD:
        centroid = Centroid.of_rows(vector)
        issue = _new_cluster(session, [doc], [row], centroid, TitleDf(model), now)
        similarity = 1.0
    else:
        issue = best
        _join(session, services, model, issue, doc, row, vector, now)
        similarity = best_score
    session.add(
        HotIssueMember(
            case_id=row.id, cluster_id=issue.id, similarity=round(similarity, 4), assigned_at=now
        )
    )
    return issue.id


def _join(
    session: Session,
    services: CaseServices,
    model: IdfModel,
    issue: HotIssueCluster,
    doc: MiningText,
    row: Any,
    vector: Any,
    now: datetime,
) -> None:
    issue.centroid = Centroid.from_bytes(issue.centroid).plus(vector).to_bytes()
    issue.size = HotIssueCluster.size + 1  # type: ignore[assignment]  # atomic in SQL
    issue.first_seen = min(issue.first_seen, row.created_at)
    issue.last_seen = max(issue.last_seen, row.created_at)
    issue.districts = "|".join(
        sorted({d for d in issue.districts.split("|") if d} | set(doc.places.districts))
    )
    issue.category_name = issue.category_name or row.category_name
    issue.updated_at = now
    known_keys = set(
        session.scalars(select(HotIssuePlace.key).where(HotIssuePlace.cluster_id == issue.id))
    )
    new_keys = {t for k in doc.places.keys for t in key_tails(k)} - known_keys
    if new_keys:
        session.execute(
            insert(HotIssuePlace),
            [{"cluster_id": issue.id, "key": k[:100]} for k in sorted(new_keys)],
        )
    session.flush()
    if issue.size <= RENAME_UP_TO:
        member_rows = session.execute(
            select(*_CASE_COLUMNS)
            .join(HotIssueMember, HotIssueMember.case_id == Case.id)
            .where(HotIssueMember.cluster_id == issue.id)
        ).all()
        member_rows = [*member_rows, row]
        known = known_districts(services)
        docs = [mining_text(r, known) for r in member_rows]
        named = _name(docs, [r.district for r in member_rows], TitleDf(model))
        issue.name, issue.place, issue.problem = named.name, named.place, named.problem
        issue.district = named.district


_updates: ThreadPoolExecutor | None = None
_updates_lock = threading.Lock()


def _update_queue() -> ThreadPoolExecutor:
    """One background thread, created on first use: updates run in registration order."""
    global _updates
    with _updates_lock:
        if _updates is None:
            _updates = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hot-issues")
        return _updates


def on_case_registered(services: CaseServices, case_id: int) -> None:
    """Registration hook: queues the hot-issue update, so a citizen never waits for it.

    A lost update (the process stops first) is caught up by :func:`catch_up`.
    """
    try:
        _update_queue().submit(_assign_logged, services, case_id)
    except RuntimeError:  # the interpreter is shutting down
        logger.warning("hot-issue update for case id %s not queued (shutting down)", case_id)


def _assign_logged(services: CaseServices, case_id: int) -> None:
    try:
        assign_case(services, case_id)
    except Exception:  # a mining problem must never fail a registration
        logger.exception(
            "hot-issue update failed for case id %s (next mining run catches up)", case_id
        )


def wait_for_updates(timeout: float = 30.0) -> None:
    """Blocks until every queued update has run (tests and benches)."""
    if _updates is not None:
        _updates.submit(lambda: None).result(timeout)


def catch_up(services: CaseServices, limit: int = ASSIGN_PER_CALL) -> int:
    """Mine when nothing was mined or many cases are new (e.g. after a bulk import);
    otherwise assign the few unassigned cases. Returns the cases handled."""
    with services.sessions() as session:
        model = session.execute(
            select(HotIssueModel.n_docs, HotIssueModel.as_of).order_by(HotIssueModel.id.desc())
        ).first()
        latest = session.scalar(select(func.max(Case.created_at)))
        if latest is None:
            return 0
        since = latest - timedelta(days=WINDOW_DAYS)
        pending = list(
            session.scalars(
                select(Case.id)
                .outerjoin(HotIssueMember, HotIssueMember.case_id == Case.id)
                .where(HotIssueMember.case_id.is_(None), Case.created_at >= since)
                .order_by(Case.created_at, Case.id)
                .limit(max(limit, 1) + 1)
            )
        )
    if model is None or len(pending) > limit or len(pending) > max(20, model.n_docs // 10):
        return mine(services).cases
    for case_id in pending:
        assign_case(services, case_id)
    return len(pending)


# ---- ranked list ---------------------------------------------------------------------


def _scope(services: CaseServices, actor: Actor) -> list[str] | None:
    scope = actor.unit_code or services.tree.root_code
    if scope == services.tree.root_code:
        return None
    return sorted(services.tree.subtree(scope))


def _since(as_of: datetime, days: int) -> datetime:
    return as_of - timedelta(days=days)


def top_hot_issues(
    services: CaseServices, actor: Actor, limit: int = 10, *, refresh: bool = True
) -> HotIssuesOut:
    """The hottest issues of the actor's unit and below (as of the newest case in scope)."""
    if refresh:
        catch_up(services)
    units = _scope(services, actor)
    generated_at = services.clock().astimezone(UTC)
    with services.sessions() as session:
        scoped = select(func.max(Case.created_at)).join(
            HotIssueMember, HotIssueMember.case_id == Case.id
        )
        if units is not None:
            scoped = scoped.where(Case.responsible_unit_code.in_(units))
        as_of = session.scalar(scoped)
        if as_of is None:
            return HotIssuesOut(generated_at=generated_at, items=[])
        counts = _counts(session, as_of, units)
        ranked = sorted(
            counts.items(), key=lambda item: (-heat(item[1][0]), -item[1][0].total, item[0])
        )[:limit]
        clusters = {
            c.id: c
            for c in session.scalars(
                select(HotIssueCluster).where(HotIssueCluster.id.in_([i for i, _ in ranked]))
            )
        }
        items = []
        for cluster_id, (c, first_seen, last_seen) in ranked:
            issue = clusters[cluster_id]
            items.append(
                HotIssueOut(
                    id=cluster_id,
                    name=issue.name,
                    place=issue.place,
                    problem=issue.problem,
                    heat=heat(c),
                    case_count=c.total,
                    recent_count=c.last30,
                    growth=growth(c),
                    likes=c.likes,
                    category=issue.category_name,
                    first_seen=first_seen.astimezone(services.tz),
                    last_seen=last_seen.astimezone(services.tz),
                    example_case_numbers=_examples(session, cluster_id, units, as_of),
                )
            )
    return HotIssuesOut(generated_at=generated_at, items=items)


def _window(as_of: datetime, days: int) -> Any:
    return func.sum(case((Case.created_at > _since(as_of, days), 1), else_=0))


def _person() -> Any:
    """Who complained: ID number, phone or source account (keyed hashes); else the case itself."""
    return func.coalesce(
        Case.id_hash, Case.phone_hash, Case.source_account_hash, cast(Case.id, String)
    )


def _counts(
    session: Session, as_of: datetime, units: list[str] | None
) -> dict[int, tuple[IssueCounts, datetime, datetime]]:
    before = case(
        (
            (Case.created_at <= _since(as_of, 30)) & (Case.created_at > _since(as_of, 120)),
            1,
        ),
        else_=0,
    )
    query = (
        select(
            HotIssueMember.cluster_id,
            func.count(Case.id),
            func.count(func.distinct(_person())),
            _window(as_of, 30),
            _window(as_of, 90),
            _window(as_of, 180),
            func.sum(before),
            func.coalesce(func.sum(Case.public_support), 0),
            func.min(Case.created_at),
            func.max(Case.created_at),
        )
        .join(Case, Case.id == HotIssueMember.case_id)
        .join(HotIssueCluster, HotIssueCluster.id == HotIssueMember.cluster_id)
        .where(
            HotIssueCluster.size >= MIN_CASES,
            Case.created_at > _since(as_of, WINDOW_DAYS),
            Case.created_at <= as_of,
        )
        .group_by(HotIssueMember.cluster_id)
        .having(func.count(Case.id) >= MIN_CASES)
    )
    if units is not None:
        query = query.where(Case.responsible_unit_code.in_(units))
    out = {}
    for row in session.execute(query):
        cluster_id, total, people, c30, c90, c180, prev, likes, first, last = row
        counts = IssueCounts(
            total=int(total),
            people=int(people),
            last30=int(c30 or 0),
            last90=int(c90 or 0),
            last180=int(c180 or 0),
            before30=int(prev or 0),
            likes=int(likes or 0),
        )
        out[int(cluster_id)] = (counts, first, last)
    return out


def _examples(
    session: Session, cluster_id: int, units: list[str] | None, as_of: datetime
) -> list[str]:
    query = (
        select(Case.number)
        .join(HotIssueMember, HotIssueMember.case_id == Case.id)
        .where(HotIssueMember.cluster_id == cluster_id, Case.created_at <= as_of)
        .order_by(
            func.coalesce(Case.public_support, 0).desc(),
            Case.created_at.desc(),
            Case.id.desc(),
        )
        .limit(EXAMPLES)
    )
    if units is not None:
        query = query.where(Case.responsible_unit_code.in_(units))
    return list(session.scalars(query))


__all__ = [
    "HotIssueOut",
    "HotIssuesOut",
    "MiningReport",
    "assign_case",
    "catch_up",
    "mine",
    "on_case_registered",
    "wait_for_updates",
    "top_hot_issues",
]
