"""Grouping cases that concern the same matter (同一事项): average-linkage
agglomerative clustering on cosine similarity, adjusted for place agreement.

Same place and same problem, whoever writes and however: the text similarity
is multiplied up when two cases name the same compound or organisation and
down when they name different ones (or different districts), so "油烟扰民" at
two compounds stays two issues and "楼板开裂" and "油烟扰民" at one compound too. Average linkage (UPGMA) joins groups while the mean similarity between
them stays above the threshold; unlike single linkage it does not chain
loosely related cases into one large group.

Incremental: a new case joins the most similar cluster (centroid similarity,
same place rules) above ``ASSIGN_THRESHOLD``, or opens a cluster of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from casestore.analytics.mining.places import Places
from casestore.analytics.mining.vectors import Centroid

LINK_THRESHOLD = 0.28  # mean pairwise similarity for two groups to merge
ASSIGN_THRESHOLD = 0.36  # centroid similarity for a new case to join (calibrated: bench)
PLACE_AGREE = 1.4  # factor when both name the same compound/organisation
PLACE_CONFLICT = 0.60  # factor when both name specific places and none agree
DISTRICT_CONFLICT = 0.80  # factor when both name districts and none agree


@dataclass(frozen=True)
class PlaceAgreement:
    """Incidence of place keys (with the shorter keys they contain) and district tokens."""

    keys: Any  # CSR docs × keys, 0/1
    districts: Any  # CSR docs × districts, 0/1


def place_incidence(places: Sequence[Places]) -> PlaceAgreement:
    from scipy import sparse

    vocabulary = sorted({k for p in places for k in p.keys})
    index = {k: i for i, k in enumerate(vocabulary)}
    # A key also stands for the known keys it contains ("万科魅力之城" ⊃ "魅力之城").
    contained = {
        key: {
            index[key[i:j]]
            for i in range(len(key))
            for j in range(i + 3, len(key) + 1)
            if key[i:j] in index
        }
        | {index[key]}
        for key in vocabulary
    }
    rows, cols = [], []
    for row, p in enumerate(places):
        for col in {c for key in p.keys for c in contained[key]}:
            rows.append(row)
            cols.append(col)
    keys = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(places), len(vocabulary))
    )
    district_names = sorted({d for p in places for d in p.districts})
    dindex = {d: i for i, d in enumerate(district_names)}
    drows = [r for r, p in enumerate(places) for d in p.districts]
    dcols = [dindex[d] for p in places for d in p.districts]
    districts = sparse.csr_matrix(
        (np.ones(len(drows), dtype=np.float32), (drows, dcols)),
        shape=(len(places), len(district_names)),
    )
    return PlaceAgreement(keys, districts)


def adjusted_similarity(matrix: Any, places: Sequence[Places]) -> np.ndarray:
    """Dense pairwise similarity (float32) with the place rules applied."""
    similarity = (matrix @ matrix.T).toarray().astype(np.float32)
    agreement = place_incidence(places)
    has_keys = np.asarray(agreement.keys.sum(axis=1)).ravel() > 0
    has_district = np.asarray(agreement.districts.sum(axis=1)).ravel() > 0
    agree = (agreement.keys @ agreement.keys.T).toarray() > 0
    district_agree = (agreement.districts @ agreement.districts.T).toarray() > 0
    both_keys = np.logical_and.outer(has_keys, has_keys)
    both_districts = np.logical_and.outer(has_district, has_district)
    similarity[agree] *= PLACE_AGREE
    similarity[both_keys & ~agree] *= PLACE_CONFLICT
    similarity[both_districts & ~district_agree] *= DISTRICT_CONFLICT
    np.clip(similarity, 0.0, 1.0, out=similarity)
    np.fill_diagonal(similarity, 1.0)
    return similarity


def cluster(matrix: Any, places: Sequence[Places], threshold: float = LINK_THRESHOLD) -> np.ndarray:
    """Cluster labels 0..k-1 for the rows of ``matrix`` (weighted vectors, see vectors.weigh)."""
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - adjusted_similarity(matrix, places)
    condensed = squareform(distance, checks=False).astype(np.float64)
    del distance
    tree = linkage(condensed, method="average")
    labels = fcluster(tree, t=1.0 - threshold, criterion="distance")
    return np.asarray(labels, dtype=np.int64) - 1


def place_factor(
    case_tails: set[str],
    case_districts: set[str],
    cluster_keys: set[str],
    cluster_districts: set[str],
) -> float:
    """The place rules' factor between a case and a cluster. Both key sets hold the tails
    of the names (``places.key_tails``), so sharing one is agreeing on the place."""
    factor = 1.0
    if case_tails and cluster_keys:
        factor *= PLACE_AGREE if case_tails & cluster_keys else PLACE_CONFLICT
    if case_districts and cluster_districts and not case_districts & cluster_districts:
        factor *= DISTRICT_CONFLICT
    return factor


def centroid_similarities(row: Any, centroids: Sequence[Centroid]) -> np.ndarray:
    """Cosine of one weighted row with each centroid, in one sparse product."""
    from scipy import sparse

    if not centroids:
        return np.zeros(0)
    indptr = np.cumsum([0] + [c.indices.size for c in centroids])
    matrix = sparse.csr_matrix(
        (
            np.concatenate([c.values for c in centroids]),
            np.concatenate([c.indices for c in centroids]),
            indptr,
        ),
        shape=(len(centroids), row.shape[1]),
    )
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    dots = np.asarray((matrix @ row.T).todense()).ravel()
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
