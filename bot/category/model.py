"""The category classifier: TF-IDF on characters and jieba words, linear model.

The first sentence of a message (its title, in exported cases) says what it is
about, so it is weighted up. Confidences are a softmax over the linear
SVM's margins over every level-1 category of the taxonomy (categories the
model has no example of get 0).
"""

from __future__ import annotations

import logging
import pickle
import re
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

logger = logging.getLogger(__name__)

MAX_CHARS = 2000
HEAD_CHARS = 40
#: Softmax sharpness over the SVM's margins (margins are ~[-1.5, 1.5]).
TEMPERATURE = 4.0
_HEAD_END = re.compile(r"[。！？!?\n]")
_jieba = None


def _words(text: str) -> List[str]:
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        _jieba = jieba
    return [w for w in _jieba.lcut(text) if w.strip()]


def prepare(text: str) -> str:
    """What the model reads: the head (first sentence) twice more, then the text."""
    text = (text or "")[:MAX_CHARS]
    match = _HEAD_END.search(text)
    head = text[: match.start()] if match and match.start() > 0 else text[:HEAD_CHARS]
    head = head[:HEAD_CHARS]
    return f"{head}。{head}。{text}"


def case_text(record: Dict[str, str]) -> str:
    """One text of an exported case: `text`, or `title` and `detail`."""
    if record.get("text"):
        return str(record["text"])
    title = str(record.get("title") or "").strip()
    detail = str(record.get("detail") or "").strip()
    return f"{title}\n{detail}" if title else detail


class CategoryModel:
    """Character and word TF-IDF features, linear SVM, softmax confidences."""

    def __init__(self, labels: Sequence[str], c: float = 1.0) -> None:
        self.labels = list(labels)
        self.c = c
        self.chars = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1, max_features=200000
        )
        self.words = TfidfVectorizer(
            tokenizer=_words,
            token_pattern=None,
            lowercase=True,
            ngram_range=(1, 2),
            sublinear_tf=True,
            max_features=200000,
        )
        self.classifier: Optional[LinearSVC] = None

    def _features(self, texts: Iterable[str], fit: bool = False) -> sparse.csr_matrix:
        prepared = [prepare(t) for t in texts]
        if fit:
            return sparse.hstack(
                [self.chars.fit_transform(prepared), self.words.fit_transform(prepared)]
            ).tocsr()
        return sparse.hstack(
            [self.chars.transform(prepared), self.words.transform(prepared)]
        ).tocsr()

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Optional[Sequence[float]] = None,
    ) -> CategoryModel:
        features = self._features(texts, fit=True)
        self.classifier = LinearSVC(C=self.c)
        self.classifier.fit(
            features,
            list(labels),
            sample_weight=None if sample_weight is None else np.asarray(sample_weight),
        )
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, one column per category of `self.labels`."""
        assert self.classifier is not None, "the category model is not trained"
        scores = np.atleast_2d(self.classifier.decision_function(self._features(texts)))
        scores = (scores - scores.max(axis=1, keepdims=True)) * TEMPERATURE
        known = np.exp(scores)
        known /= known.sum(axis=1, keepdims=True)
        result = np.zeros((len(texts), len(self.labels)))
        for column, name in enumerate(self.classifier.classes_):
            if name in self.labels:
                result[:, self.labels.index(name)] = known[:, column]
        return result

    def predict(self, texts: Sequence[str]) -> List[str]:
        return [self.labels[i] for i in self.predict_proba(texts).argmax(axis=1)]

    def rank(self, text: str, top: Optional[int] = None) -> Dict[str, object]:
        """The `category` object of the parse result."""
        probabilities = self.predict_proba([text])[0]
        order = np.argsort(-probabilities)
        ranking = [
            {"name": self.labels[i], "confidence": round(float(probabilities[i]), 4)}
            for i in order[: top or len(order)]
        ]
        return {
            "name": ranking[0]["name"],
            "confidence": ranking[0]["confidence"],
            "ranking": ranking,
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def load(path: Path) -> CategoryModel:
        with Path(path).open("rb") as handle:
            model = pickle.load(handle)
        if not isinstance(model, CategoryModel):
            raise TypeError(f"{path} is not a category model")
        return model


def train_seed_model(c: float = 1.0) -> CategoryModel:
    """The shipped model: trained on the project's own seed data only."""
    from bot.category import seed

    texts, labels = seed.build()
    return CategoryModel(seed.categories(), c=c).fit(texts, labels)
