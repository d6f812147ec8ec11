"""Text representation: hashed TF-IDF over three blocks, each L2-normalised and weighted.

- words (jieba) of the title: what the citizen says the matter is;
- words of the opening of the body: the details;
- character bigrams of both (title twice): robust to segmentation errors, typos
  and paraphrase ("嗓声"/"噪声", "油烟直排"/"排放油烟");
- places: each compound or organisation named, full and core name ("万科魅力之城",
  "魅力之城"), roads at half weight; binary (no IDF: a place is a place, however
  often named). The clustering also multiplies the similarity by place agreement.

The features are hashed (no vocabulary to keep), so a case registered later is
represented in the same space; the document frequencies seen at mining time are
kept (:class:`IdfModel`, stored compressed) for the IDF of later cases.
Cosine similarity of two vectors = Σ weight × cosine of the blocks present in both.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from casestore.analytics.mining.places import Places, key_tails
from casestore.analytics.mining.text import char_bigrams, words

# (name, hashed width, weight): weights sum to 1.
BLOCKS: tuple[tuple[str, int, float], ...] = (
    ("title", 2**18, 0.38),
    ("body", 2**19, 0.17),
    ("chars", 2**19, 0.30),
    ("places", 2**16, 0.15),
)
OFFSETS = np.cumsum([0] + [width for _, width, _ in BLOCKS])
DIMENSIONS = int(OFFSETS[-1])
CENTROID_TERMS = 400
ROAD_ONLY_STRENGTH = 0.5  # a stored centroid keeps its heaviest terms only


@dataclass(frozen=True)
class MiningText:
    """One case as the miner sees it."""

    title: str
    body: str
    places: Places


def block_features(doc: MiningText) -> list[dict[str, float]]:
    title = Counter(words(doc.title))
    body = Counter(words(doc.body))
    chars = Counter(char_bigrams(doc.title) * 2 + char_bigrams(doc.body))
    places: dict[str, float] = {}
    for mention in doc.places.mentions:
        if mention.kind == "road":
            places.setdefault(mention.key, 0.5)
            continue
        tails = key_tails(mention.key)
        for name in {tails[0], tails[-1]}:
            places[name] = 1.0
    return [dict(title), dict(body), dict(chars), places]


def raw_matrix(docs: Sequence[MiningText]) -> Any:
    """Hashed term counts, one row per document (scipy CSR, DIMENSIONS columns)."""
    from scipy import sparse
    from sklearn.feature_extraction import FeatureHasher

    features = [block_features(doc) for doc in docs]
    blocks = []
    for index, (name, width, _) in enumerate(BLOCKS):
        hasher = FeatureHasher(n_features=width, input_type="dict", alternate_sign=False)
        blocks.append(hasher.transform(f[index] for f in features))
        del name
    return sparse.hstack(blocks, format="csr", dtype=np.float64)


@dataclass
class IdfModel:
    """Document frequencies over the mined cases (smoothed IDF as scikit-learn's)."""

    n_docs: int
    df: np.ndarray  # int32, DIMENSIONS

    @classmethod
    def fit(cls, raw: Any) -> IdfModel:
        df = np.bincount(raw.indices, minlength=DIMENSIONS).astype(np.int32)
        return cls(n_docs=raw.shape[0], df=df)

    @property
    def idf(self) -> np.ndarray:
        idf = np.log((1.0 + self.n_docs) / (1.0 + self.df)) + 1.0
        idf[int(OFFSETS[-2]) :] = 1.0  # the place block
        return idf

    def to_bytes(self) -> bytes:
        nonzero = np.flatnonzero(self.df).astype(np.int32)
        header = np.array([self.n_docs, nonzero.size], dtype=np.int64).tobytes()
        return zlib.compress(header + nonzero.tobytes() + self.df[nonzero].tobytes(), 6)

    @classmethod
    def from_bytes(cls, blob: bytes) -> IdfModel:
        data = zlib.decompress(blob)
        n_docs, size = np.frombuffer(data[:16], dtype=np.int64)
        indices = np.frombuffer(data[16 : 16 + 4 * size], dtype=np.int32)
        counts = np.frombuffer(data[16 + 4 * size :], dtype=np.int32)
        df = np.zeros(DIMENSIONS, dtype=np.int32)
        df[indices] = counts
        return cls(n_docs=int(n_docs), df=df)


def weigh(raw: Any, idf: np.ndarray) -> Any:
    """Sublinear TF × IDF, each block L2-normalised and scaled by √weight (CSR in, CSR out)."""
    matrix = raw.tocsr(copy=True).astype(np.float64)
    counts = matrix.data
    matrix.data = np.where(counts > 1.0, 1.0 + np.log(np.maximum(counts, 1.0)), counts)
    matrix.data *= idf[matrix.indices]
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    block = np.searchsorted(OFFSETS, matrix.indices, side="right") - 1
    key = rows * len(BLOCKS) + block
    norms = np.sqrt(np.bincount(key, matrix.data**2, minlength=matrix.shape[0] * len(BLOCKS)))
    weights = np.sqrt(np.array([w for _, _, w in BLOCKS]))
    matrix.data *= weights[block] / norms[key]
    return matrix


# ---- sparse centroids (sum of member vectors) ------------------------------------


@dataclass
class Centroid:
    indices: np.ndarray  # int32, sorted
    values: np.ndarray  # float32

    @classmethod
    def of_rows(cls, matrix: Any) -> Centroid:
        """Sum of the rows of a CSR matrix (sparse: never a dense row of DIMENSIONS)."""
        keys, inverse = np.unique(matrix.indices, return_inverse=True)
        summed = np.bincount(inverse, weights=matrix.data, minlength=keys.size)
        return cls(keys.astype(np.int32), summed.astype(np.float32)).truncated()

    def truncated(self, terms: int = CENTROID_TERMS) -> Centroid:
        if self.indices.size <= terms:
            return self
        keep = np.sort(np.argpartition(-self.values, terms)[:terms])
        return Centroid(self.indices[keep], self.values[keep])

    def plus(self, row: Any) -> Centroid:
        merged: dict[int, float] = dict(
            zip(self.indices.tolist(), self.values.tolist(), strict=True)
        )
        for index, value in zip(row.indices.tolist(), row.data.tolist(), strict=True):
            merged[index] = merged.get(index, 0.0) + value
        keys = np.array(sorted(merged), dtype=np.int32)
        return Centroid(
            keys, np.array([merged[k] for k in keys.tolist()], dtype=np.float32)
        ).truncated()

    def cosine(self, row: Any) -> float:
        """Cosine between a weighted row (norm 1) and this centroid."""
        norm = float(np.sqrt(np.dot(self.values, self.values)))
        if norm == 0.0 or row.nnz == 0:
            return 0.0
        positions = np.searchsorted(self.indices, row.indices)
        positions[positions >= self.indices.size] = 0
        hit = self.indices[positions] == row.indices
        return float(np.dot(row.data[hit], self.values[positions[hit]])) / norm

    def to_bytes(self) -> bytes:
        size = np.array([self.indices.size], dtype=np.int32).tobytes()
        return (
            size
            + self.indices.astype(np.int32).tobytes()
            + self.values.astype(np.float32).tobytes()
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> Centroid:
        size = int(np.frombuffer(blob[:4], dtype=np.int32)[0])
        indices = np.frombuffer(blob[4 : 4 + 4 * size], dtype=np.int32)
        values = np.frombuffer(blob[4 + 4 * size : 4 + 8 * size], dtype=np.float32)
        return cls(indices, values)
