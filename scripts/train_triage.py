"""Train the learned triage layer (``make triage-model``): an RBF support-vector classifier over MiniLM embeddings.

Training data (all in the repo): ``citecare/data/safety/triage-train*.jsonl`` (labelled messages written for
training, without the rules), ``evals/safety.jsonl`` (the regression set), the ordinary questions of
``evals/seed.jsonl`` as information messages, the single-turn messages of the first eight safety dev splits
(``TRAINING_DEV_SPLITS``: eight writers' patient wording, already tuned on) and the questions of the first five
answer dev splits as information messages (``TRAINING_ANSWER_SPLITS``). Thresholds are chosen on the later safety
dev splits only (``threshold_splits``), which the classifier never sees; the frozen test splits are never read.

The output is deterministic for the same data and model: ``citecare/data/safety/triage-model.json`` (weights,
thresholds, a hash of the training data) and ``triage-prototypes.npz`` (float16 embeddings of the training
messages, for the nearest-prototype vote).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from citecare.config import PROJECT_ROOT, Settings
from citecare.safety.classifier import LABELS, MODEL_DIR, TriageClassifier
from citecare.safety.guard import SELF_HARM_CONCEPTS
from citecare.safety.rules import load_rules
from citecare.safety.svm_probability import PairwiseSvm
from citecare.safety.triage import RuleTriage
from citecare.store.embedder import set_offline_env, triage_embedder
from citecare.vocab import load_medicines

# Off-topic, injection and junk messages are "info" for the classifier: nothing to triage.
SAFETY_KIND_TO_LABEL = {"emergency": "emergency", "urgent": "urgent", "medical_advice": "med_change",
                        "answer": "info", "no_evidence": "info", "out_of_scope": "info", "invalid_input": "info"}


THRESHOLD_FLOOR = 0.3
EVALS = PROJECT_ROOT / "evals"
# Dev splits whose messages the classifier learns from. Cross-validated (evals/README.md, eleventh session), they
# caught more emergencies of kinds held out of training, at a few more information alarms. The splits after them
# stay unseen, so the thresholds set on them are set on messages the classifier did not learn.
TRAINING_DEV_SPLITS = ("safety-dev.jsonl",) + tuple(f"safety-dev-{n}.jsonl" for n in range(2, 9))
# Answer dev splits: every question in them is an information question about the library ("my fentanyl patch keeps
# lifting at the edges, what can I do"), the wording the emergency examples must not swallow.
TRAINING_ANSWER_SPLITS = ("answers-dev.jsonl",) + tuple(f"answers-dev-{n}.jsonl" for n in range(2, 6))
DEV_TAG_TO_LABEL = {"emergency": "emergency", "urgent": "urgent", "med_change": "med_change", "info": "info"}


def training_files() -> list[Path]:
    return sorted(MODEL_DIR.glob("triage-train*.jsonl")) + [EVALS / "safety.jsonl", EVALS / "seed.jsonl"] + [
        EVALS / name for name in TRAINING_DEV_SPLITS + TRAINING_ANSWER_SPLITS]


def data_hash(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_training(with_dev_splits: bool = True) -> tuple[list[str], list[str], list[str]]:
    texts, labels, concepts = [], [], []
    for path in sorted(MODEL_DIR.glob("triage-train*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                texts.append(row["text"])
                labels.append(row["label"])
                concepts.append(row.get("concept", row["label"]))
    for name in ("safety.jsonl", "seed.jsonl"):
        for line in (PROJECT_ROOT / "evals" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            kinds = case.get("expected_kind_any") or [case["expected_kind"]]
            label = SAFETY_KIND_TO_LABEL.get(kinds[0])
            if label is None:
                continue
            tags = [t for t in case.get("tags", []) if t not in ("emergency", "typo", "third_person")]
            texts.append(case["question"])
            labels.append(label)
            concepts.append(tags[0] if tags else label)
    if with_dev_splits:
        for text, label, concept in dev_training_rows() + answer_training_rows():
            texts.append(text)
            labels.append(label)
            concepts.append(concept)
    return texts, labels, mark_self_harm(texts, labels, concepts)


def dev_training_rows() -> list[tuple[str, str, str]]:
    """(text, label, concept) of the training dev splits' single-turn messages; a follow-up's label depends on
    the turns before it, which the classifier does not read. The concept is the writer's second tag
    ("self_harm", "near_miss"…), which the guard's nearest-example vote reads."""
    rows = []
    for name in TRAINING_DEV_SPLITS:
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            label = DEV_TAG_TO_LABEL.get(case["tags"][0])
            if label is None or case.get("history"):
                continue
            concept = case["tags"][1] if len(case["tags"]) > 1 else label
            rows.append((case["question"], label, f"dev_{concept}"))
    return rows


def mark_self_harm(texts: list[str], labels: list[str], concepts: list[str]) -> list[str]:
    """An emergency example the rules read as self-harm is named so ("self_harm_<concept>"): the guard picks
    the crisis-line message, and adds the crisis line, by the concepts of the nearest examples, and the
    writers' concept names ("cats_fed", "location_bridge") do not say it."""
    rules = RuleTriage(load_rules(), load_medicines())
    out = []
    for text, label, concept in zip(texts, labels, concepts, strict=True):
        if label == "emergency" and not concept.startswith("self_harm") and \
                {a.concept for a in rules.read(text).assertions} & SELF_HARM_CONCEPTS:
            concept = f"self_harm_{concept}"
        out.append(concept)
    return out


def answer_training_rows() -> list[tuple[str, str, str]]:
    """The answer dev splits' questions, as information messages."""
    rows = []
    for name in TRAINING_ANSWER_SPLITS:
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append((json.loads(line)["question"], "info", "answer_question"))
    return rows


def threshold_splits() -> list[Path]:
    """The dev splits not trained on (safety-dev-9 and later): thresholds set on their pooled information
    questions are steadier than on one small split. The frozen test splits are never read."""
    return sorted(p for p in EVALS.glob("safety-dev*.jsonl") if p.name not in TRAINING_DEV_SPLITS)


def dev_cases() -> list[tuple[str, str, list[str]]]:
    out = []
    lines = [line for path in threshold_splits() for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    for line in lines:
        case = json.loads(line)
        label = DEV_TAG_TO_LABEL.get(case["tags"][0])
        if label:
            history = [t["content"] for t in case.get("history", []) if t["role"] == "user"]
            out.append((case["question"], label, history))
    return out


def fit(x: np.ndarray, y: list[str], c: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit(x, y)
    order = [list(clf.classes_).index(label) for label in LABELS]
    return clf.coef_[order], clf.intercept_[order]


def fit_svm(x: np.ndarray, y: list[str], c: float) -> Any:
    """libsvm's one-vs-one SVC with Platt probabilities. On the pooled dev splits, at the same false-alarm rate,
    it caught more emergencies and medication changes than the logistic regression it replaced (evals/README.md).
    ``probability=True`` is deprecated from scikit-learn 1.9 and removed in 1.11 (hence the pin below 1.11)."""
    import warnings

    from sklearn.svm import SVC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return SVC(C=c, kernel="rbf", gamma="scale", probability=True, class_weight="balanced", random_state=0,
                   decision_function_shape="ovo").fit(x, y)


def check_same_as_sklearn(svc: Any, svm: PairwiseSvm, vectors: np.ndarray, bank: np.ndarray) -> None:
    """The guard's numpy arithmetic gives scikit-learn's probabilities (else the model is not saved)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        expected = svc.predict_proba(vectors)
    gap = float(np.abs(svm.probabilities(vectors, bank) - expected).max())
    if gap > 1e-3:
        raise SystemExit(f"numpy SVM probabilities differ from scikit-learn's by {gap:.2e}: not saving")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("svm", "logistic"), default="svm")
    parser.add_argument("--c", type=float, default=None,
                        help="inverse regularisation strength (default: 4 for the SVM, 16 for logistic regression)")
    parser.add_argument("--knn", type=int, default=7)
    parser.add_argument("--knn-weight", type=float, default=0.3)
    parser.add_argument("--max-false-alarm", type=float, default=0.015,
                        help="emergency and urgent thresholds: the lowest with at most this false-alarm rate on dev info")
    parser.add_argument("--max-false-alarm-med", type=float, default=0.005,
                        help="the same for medication change, stricter: a referral instead of an answer is the "
                             "false alarm patients meet most, and a missed emergency costs more than a missed referral")
    args = parser.parse_args()

    set_offline_env()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = triage_embedder(settings.model_copy(update={"torch_threads": 2}))  # what the guard reads with
    texts, labels, concepts = load_training()
    print(f"training messages: {len(texts)} " + " ".join(f"{lab}={labels.count(lab)}" for lab in LABELS))
    # Rounded as the bank is stored (float16), so training and the guard see the same vectors.
    x = np.asarray(embedder.embed_documents(texts), dtype=np.float32).astype(np.float16).astype(np.float32)
    embedding_model = f"{Path(settings.embedding_model).name}|{embedder.backend}"
    dev = dev_cases()
    dev_vectors = np.asarray(embedder.embed_documents([q for q, _, _ in dev]), dtype=np.float32)
    if args.model == "svm":
        c = args.c or 4.0
        svc = fit_svm(x, labels, c)
        svm = PairwiseSvm.from_sklearn(svc, np.arange(len(x)))
        check_same_as_sklearn(svc, svm, dev_vectors[:200], x)
        model = TriageClassifier(LABELS, np.zeros((0, x.shape[1])), np.zeros(0), x, labels, concepts, knn=args.knn,
                                 knn_weight=args.knn_weight, embedding_model=embedding_model, svm=svm,
                                 svm_classes=[str(k) for k in svc.classes_])
    else:
        c = args.c or 16.0
        coef, intercept = fit(x, labels, c)
        model = TriageClassifier(LABELS, coef, intercept, x, labels, concepts, knn=args.knn,
                                 knn_weight=args.knn_weight, embedding_model=embedding_model)

    # Thresholds from the dev split only.
    preds = [model.predict(v) for v in dev_vectors]
    thresholds: dict[str, float] = {}
    info = [p for p, (_, lab, _) in zip(preds, dev, strict=True) if lab == "info"]
    for label in ("emergency", "urgent", "med_change"):
        candidates = [t / 100 for t in range(20, 96)]
        ok = [t for t in candidates
              if sum(p.p(label) >= t for p in info) / max(1, len(info)) <= (
                  args.max_false_alarm_med if label == "med_change" else args.max_false_alarm)]
        # A floor keeps a small dev split from setting a hair trigger (the regression set showed 0.2 was one).
        thresholds[label] = max(min(ok) if ok else 0.95, THRESHOLD_FLOOR)
    model.thresholds = thresholds
    model.save(meta={"training_data_sha256": data_hash(training_files()), "training_messages": len(texts),
                     "c": c})
    for label in ("emergency", "urgent", "med_change"):
        hits = sum(p.p(label) >= thresholds[label] for p, (_, lab, _) in zip(preds, dev, strict=True) if lab == label)
        total = sum(1 for _, lab, _ in dev if lab == label)
        print(f"dev {label}: threshold {thresholds[label]:.2f}, recall {hits}/{total} (classifier alone)")


if __name__ == "__main__":
    main()
