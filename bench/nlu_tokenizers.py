"""Tokeniser comparison: jieba vs SentencePiece (trained here) vs characters.

Run in the Rasa environment (after `make gazetteer` and the generator):
  PYTHONPATH=. .venv/rasa/bin/python bench/nlu_tokenizers.py

The same linear classifier (TF-IDF unigrams+bigrams of the tokens, LinearSVC)
on top of each tokeniser, on two tasks:
  - intents: trained on nlu_data/ + var/nlu_generated/, tested on the
    held-out set tests/nlu_heldout/ (macro-F1);
  - category: trained on the project's seed data, tested on the real messages
    of ../shared/data/messages_labeled_sample.jsonl (macro-F1; skipped if absent).
The SentencePiece model (unigram, 4,000 pieces) is trained on the project's own
text only (training data and seed data; never the held-out set or shared data).
This compares tokenisers for linear models cheaply; it is not a DIET retraining
per tokeniser (each of those takes minutes on this machine).
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    import jieba
    import sentencepiece as spm
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.svm import LinearSVC

    from bot.category import retrain, seed
    from bot.category.model import case_text
    from bot.components.normalizer import normalize_for_nlu

    jieba.setLogLevel(logging.WARNING)
    places = ROOT / "var" / "jieba_dict" / "places.txt"
    if places.exists():
        jieba.load_userdict(str(places))
    logging.disable(logging.WARNING)

    train = []
    for path in [
        ROOT / "nlu_data" / "nlu.yml",
        *sorted((ROOT / "var" / "nlu_generated").glob("generated*.yml")),
    ]:
        train += [
            (normalize_for_nlu(e.get("text")), e.get("intent"))
            for e in load_data(str(path)).training_examples
            if e.get("intent")
        ]
    test = [
        (normalize_for_nlu(e.get("text")), e.get("intent"))
        for e in load_data(str(ROOT / "tests" / "nlu_heldout" / "heldout.yml")).training_examples
    ]
    seed_texts, seed_labels = seed.build()

    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus.txt"
        corpus.write_text("\n".join([t for t, _ in train] + seed_texts), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(Path(work) / "sp"),
            vocab_size=4000,
            model_type="unigram",
            character_coverage=0.9995,
            minloglevel=2,
        )
        sp = spm.SentencePieceProcessor(model_file=str(Path(work) / "sp.model"))

    tokenisers = {
        "jieba (+ gazetteer dict)": lambda s: [w for w in jieba.lcut(s) if w.strip()],
        "sentencepiece (own corpus)": lambda s: sp.encode(s, out_type=str),
        "characters": lambda s: [c for c in s if c.strip()],
    }
    shared = ROOT.parent / "shared" / "data" / "messages_labeled_sample.jsonl"
    real = retrain.read_cases(shared) if shared.exists() else []
    results = {}
    for name, tokenise in tokenisers.items():

        def fit_predict(x_train, y_train, x_test, tokenise=tokenise):
            vectorizer = TfidfVectorizer(
                tokenizer=tokenise,
                token_pattern=None,
                lowercase=True,
                ngram_range=(1, 2),
                sublinear_tf=True,
            )
            model = LinearSVC(C=1.0).fit(vectorizer.fit_transform(x_train), y_train)
            return model.predict(vectorizer.transform(x_test))

        started = time.perf_counter()
        predicted = fit_predict([t for t, _ in train], [i for _, i in train], [t for t, _ in test])
        gold = [i for _, i in test]
        intent_f1 = f1_score(
            gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0
        )
        row = {"intent_macro_f1": round(float(intent_f1), 4)}
        if real:
            category = fit_predict(seed_texts, seed_labels, [case_text(r) for r in real])
            row["category_macro_f1"] = round(
                retrain.macro_f1([r["label"] for r in real], list(category)), 4
            )
        row["seconds"] = round(time.perf_counter() - started, 1)
        sample = tokenise("俺们小区门口嘞烧烤摊天天半夜吵得睡不着管城回族区南关街道")
        print(f"{name:28s} {row}  e.g. {'/'.join(sample)}")
        results[name] = row
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
