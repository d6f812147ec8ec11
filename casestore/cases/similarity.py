"""Text similarity for repeat detection (重访): character 1-2-gram TF-IDF cosine.

Why this method: complaints are short colloquial Chinese without spaces, so
word segmentation is unreliable and adds a dependency; character bigrams
capture words and place names ("路灯", "花园路"), single characters catch
paraphrases that share few bigrams ("暖气不热" / "供暖不达标"); TF-IDF weighting
lets the rare, matter-specific bigrams ("井盖", "噪音") count more than those
every complaint shares ("反映", "小区"). The IDF is computed over the
comparison pool (recent cases of the same district), so no corpus ships with
the code. Standard library only: the pool is at most a few hundred short
texts, well within a millisecond-scale budget.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

_DROP = re.compile(r"[\W_]+", re.UNICODE)
MAX_CHARS = 400  # the opening of a story names the matter; long tails only add noise and time


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, letters/digits/CJK only."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def ngrams(text: str) -> Counter[str]:
    """Character unigrams and bigrams of the normalised text (first MAX_CHARS characters)."""
    clean = normalize(text)[:MAX_CHARS]
    grams = Counter(clean)
    grams.update(map(operator.add, clean, clean[1:]))
    return grams


def idf_weights(docs: Sequence[Counter[str]]) -> dict[str, float]:
    """Smoothed IDF (as scikit-learn's ``smooth_idf``): ln((1+n)/(1+df)) + 1."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    return {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}


def _vector(doc: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    # Sublinear TF: a bigram repeated in a long story should not dominate.
    return {t: idf[t] if c == 1 else (1.0 + math.log(c)) * idf[t] for t, c in doc.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def similarities(query: str, pool: Sequence[str]) -> list[float]:
    """Cosine similarity of ``query`` to every text of ``pool`` (TF-IDF over pool + query)."""
    docs = [ngrams(text) for text in pool]
    query_doc = ngrams(query)
    idf = idf_weights([*docs, query_doc])
    query_vec = _vector(query_doc, idf)
    return [cosine(query_vec, _vector(doc, idf)) for doc in docs]
