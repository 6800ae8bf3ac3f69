"""How the learned triage layer generalises to kinds of message it never saw: grouped cross-validation.

The training messages (``citecare/data/safety/triage-train*.jsonl``) are split into folds by their concept (all
"adrenal_crisis_ran_out" messages in one fold), so each message is judged by a guard whose classifier was trained
without any message of its kind: closer to a new writer than a random split, where near-paraphrases leak. Each
fold uses the shipped model's thresholds (``train_triage.py`` sets them out of fold on the dev splits, which are
now all trained on). The whole guard runs (rules + learned layer), so the figures are what a patient would get.
The training dev splits' messages (safety and answer splits), and the files given with ``--extra``, are always
trained on and never judged (so that new training data is measured against the same messages);
``--without-dev-splits`` leaves the dev splits out, to measure what they add.

    .venv/bin/python scripts/triage_cv.py [--without-dev-splits] [--extra FILE ...] [--c 4] [--out cv.json]

Prints: emergencies caught, urgent or higher on urgent messages, medication changes routed, information messages
with an alarm or a referral, and the crisis line on self-harm emergencies. Takes ~5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_triage import (  # noqa: E402
    MODEL_DIR,
    answer_training_rows,
    dev_training_rows,
    fit_svm,
    load_training,
)

from citecare.config import Settings  # noqa: E402
from citecare.prompts import Messages  # noqa: E402
from citecare.safety.classifier import LABELS, TriageClassifier, load_classifier  # noqa: E402
from citecare.safety.guard import Guard  # noqa: E402
from citecare.safety.ngram_model import NgramLogistic  # noqa: E402
from citecare.safety.rules import load_rules, rules_classifier_messages  # noqa: E402
from citecare.safety.svm_probability import PairwiseSvm  # noqa: E402
from citecare.store.embedder import set_offline_env, triage_embedder  # noqa: E402
from citecare.vocab import load_medicines  # noqa: E402

FOLDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", nargs="*", default=[], help="JSONL files (text, label, concept) always trained on")
    parser.add_argument("--without-dev-splits", action="store_true", help="train without the training dev splits")
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--knn-weight", type=float, default=0.3)
    parser.add_argument("--ngram-weight", type=float, default=None,
                        help="share of the n-gram reader (default: the shipped model's; 0: embeddings only)")
    parser.add_argument("--out", type=Path, help="every judged message with the guard's outcome (JSON)")
    args = parser.parse_args()

    set_offline_env()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = triage_embedder(settings.model_copy(update={"torch_threads": 2}))
    texts, labels, concepts = load_training(with_dev_splits=False)
    judged = sum(1 for p in sorted(MODEL_DIR.glob("triage-train*.jsonl"))
                 for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    n_base = len(texts)
    extra = [] if args.without_dev_splits else dev_training_rows() + answer_training_rows()
    for text, label, concept in extra:
        texts.append(text)
        labels.append(label)
        concepts.append(concept)
    for path in args.extra:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(row["text"])
                labels.append(row["label"])
                concepts.append(row["concept"])
    x = np.asarray(embedder.embed_documents(texts), dtype=np.float32).astype(np.float16).astype(np.float32)
    shipped = load_classifier()
    shipped_thresholds = shipped.thresholds
    ngram_weight = shipped.ngram_weight if args.ngram_weight is None else args.ngram_weight
    kinds = sorted({re.sub(r"^self_harm_", "", c) for c in concepts[:n_base]})
    order = np.random.default_rng(0).permutation(len(kinds))
    fold_of = {k: int(order[i] % FOLDS) for i, k in enumerate(kinds)}
    fold = np.array([fold_of[re.sub(r"^self_harm_", "", c)] for c in concepts[:n_base]] + [-1] * (len(texts) - n_base))
    vectors = dict(zip(texts, x, strict=True))
    self_harm_keys = rules_classifier_messages()["emergency_self_harm"]
    results: dict[int, dict[str, object]] = {}
    for f in range(FOLDS):
        train = np.where(fold != f)[0]
        svc = fit_svm(x[train], [labels[i] for i in train], args.c)
        ngram = NgramLogistic.fit([texts[i] for i in train], [labels[i] for i in train], LABELS) \
            if ngram_weight > 0 else None
        model = TriageClassifier(LABELS, np.zeros((0, x.shape[1])), np.zeros(0), x[train],
                                 [labels[i] for i in train], [concepts[i] for i in train],
                                 knn_weight=args.knn_weight, svm=PairwiseSvm.from_sklearn(svc, np.arange(len(train))),
                                 svm_classes=[str(k) for k in svc.classes_], ngram=ngram,
                                 ngram_weight=ngram_weight)
        model.thresholds = dict(shipped_thresholds)
        guard = Guard(settings, Messages(settings), load_rules(), load_medicines(), model,
                      lambda t: vectors[t] if t in vectors else embedder.embed_query(t))
        for i in np.where(fold == f)[0]:
            if i >= judged:  # evals/safety.jsonl and the seed set: trained on, not judged
                continue
            r = guard.check(texts[i])
            results[int(i)] = {"text": texts[i], "label": labels[i], "concept": concepts[i], "kind": r.kind,
                               "crisis_line": "988" in r.message}
        print(f"fold {f + 1}/{FOLDS}: thresholds {model.thresholds}", flush=True)
    counts: Counter[str] = Counter()
    for row in results.values():
        label, kind = row["label"], row["kind"]
        counts[f"{label}_n"] += 1
        counts["emergency"] += label == "emergency" and kind == "emergency"
        counts["urgent"] += label == "urgent" and kind in ("urgent", "emergency")
        counts["med_change"] += label == "med_change" and kind == "medical_advice"
        counts["info"] += label == "info" and kind in ("urgent", "emergency", "medical_advice")
        if label == "emergency" and any(k in str(row["concept"]) for k in self_harm_keys):
            counts["self_harm_n"] += 1
            counts["crisis_line"] += bool(row["crisis_line"])
    print(f"emergency {counts['emergency']}/{counts['emergency_n']}, urgent or higher {counts['urgent']}/"
          f"{counts['urgent_n']}, medication change routed {counts['med_change']}/{counts['med_change_n']}, "
          f"information with an alarm or referral {counts['info']}/{counts['info_n']}, crisis line on self-harm "
          f"{counts['crisis_line']}/{counts['self_harm_n']}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
