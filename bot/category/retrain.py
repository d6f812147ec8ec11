"""Retrain the category classifier from an export of historical cases.

Usage:
  python -m bot.category.retrain --input cases.jsonl --out var/category/model.pkl
  python -m bot.category.retrain --input cases.jsonl --cv 5      # only measure

Each line of the JSONL is one handled case: `text` (or `title` + `detail`)
and `label`, a level-1 category of the taxonomy. The city's cases are added to
the project's seed data (which keeps every category known even when the
archive lacks some); `--no-seed` trains on the archive alone. Point `model_file` of `bot.components.category.
CategoryClassifier` in config.yml at the output, then `make train`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.category import seed
from bot.category.model import CategoryModel, case_text

#: How much one archived case counts against one seed example.
ARCHIVE_WEIGHT = 1.0


def read_cases(path: Path) -> List[Dict[str, str]]:
    known = set(seed.categories())
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            label = record.get("label")
            if label not in known:
                print(
                    f"line {number}: label {label!r} is not a level-1 category, skipped",
                    file=sys.stderr,
                )
                continue
            if not case_text(record).strip():
                continue
            records.append(record)
    return records


def train_from_cases(
    records: Sequence[Dict[str, str]],
    with_seed: bool = True,
    archive_weight: float = ARCHIVE_WEIGHT,
    c: float = 1.0,
) -> CategoryModel:
    texts = [case_text(r) for r in records]
    labels = [r["label"] for r in records]
    weights = [archive_weight] * len(texts)
    if with_seed:
        seed_texts, seed_labels = seed.build()
        texts = seed_texts + texts
        labels = seed_labels + labels
        weights = [1.0] * len(seed_texts) + weights
    return CategoryModel(seed.categories(), c=c).fit(texts, labels, sample_weight=weights)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the categories that occur in the gold labels."""
    from sklearn.metrics import f1_score

    return float(
        f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    )


def cross_validate(
    records: Sequence[Dict[str, str]], folds: int = 5, seed_value: int = 42
) -> Dict[str, object]:
    from sklearn.model_selection import StratifiedKFold

    labels = [r["label"] for r in records]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed_value)
    predicted: List[Optional[str]] = [None] * len(records)
    for train_index, test_index in splitter.split(labels, labels):
        model = train_from_cases([records[i] for i in train_index])
        for i, label in zip(
            test_index, model.predict([case_text(records[i]) for i in test_index]), strict=True
        ):
            predicted[i] = label
    return {"macro_f1": macro_f1(labels, predicted), "predicted": predicted}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Retrain the category classifier from historical cases."
    )
    parser.add_argument("--input", required=True, help="JSONL: text (or title + detail) and label")
    parser.add_argument("--out", help="where to write the model (pickle)")
    parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation only")
    parser.add_argument("--no-seed", action="store_true", help="train on the archive alone")
    args = parser.parse_args(argv)
    records = read_cases(Path(args.input))
    if not records:
        print("no usable cases in the input", file=sys.stderr)
        return 2
    if args.cv:
        result = cross_validate(records, args.cv)
        print(
            json.dumps(
                {"cases": len(records), "folds": args.cv, "macro_f1": round(result["macro_f1"], 4)}
            )
        )
        return 0
    if not args.out:
        parser.error("--out is required unless --cv is given")
    model = train_from_cases(records, with_seed=not args.no_seed)
    model.save(Path(args.out))
    print(f"trained on {len(records)} cases (+ seed data: {not args.no_seed}) → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
