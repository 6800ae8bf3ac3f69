"""Train the learned triage layer (``make triage-model``): an RBF support-vector classifier over MiniLM embeddings,
blended with a logistic regression over the messages' word and letter n-grams (``citecare/safety/ngram_model.py``).

Training data (all in the repo): ``citecare/data/safety/triage-train*.jsonl`` (labelled messages written for
training, without the rules), ``evals/safety.jsonl`` (the regression set), the ordinary questions of
``evals/seed.jsonl`` as information messages, the single-turn messages of the safety dev splits but the newest
(``TRAINING_DEV_SPLITS``: twelve writers' patient wording, already tuned on) and the questions of the answer dev
splits but the newest as information messages (``TRAINING_ANSWER_SPLITS``). The newest dev splits stay unseen, to
measure a retrain on. Thresholds are set out of fold (``out_of_fold_predictions``): the training dev splits are
split into folds by split (by writer), a classifier trained without one fold predicts that fold's messages, and
each threshold is the one with the fewest errors (missed messages of its tier plus information messages over it)
on the pooled predictions for every training dev split's messages, each made by a classifier that never saw it. The frozen test splits are never read.

The output is deterministic for the same data and model: ``citecare/data/safety/triage-model.json`` (weights,
thresholds, a hash of the training data) and ``triage-prototypes.npz`` (float16 embeddings of the training
messages, for the SVM and the nearest-prototype vote, and the n-gram weights).
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
from citecare.safety.ngram_model import NgramLogistic
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
# caught more emergencies of kinds held out of training, at a few more information alarms. The newest split is left
# out, to measure the retrain on messages no part of it saw (twelfth session).
TRAINING_DEV_SPLITS = ("safety-dev.jsonl",) + tuple(f"safety-dev-{n}.jsonl" for n in range(2, 13))
# Answer dev splits: every question in them is an information question about the library ("my fentanyl patch keeps
# lifting at the edges, what can I do"), the wording the emergency examples must not swallow.
TRAINING_ANSWER_SPLITS = ("answers-dev.jsonl",) + tuple(f"answers-dev-{n}.jsonl" for n in range(2, 7))
# Thresholds from one model's scores on a few hundred unseen information messages moved with single messages (the
# medication threshold 0.63 -> 0.80 in the eleventh session was one message of 280); out of fold, every training
# dev split's messages count.
THRESHOLD_FOLDS = 4
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


def load_training_groups() -> tuple[list[str], list[str], list[str], list[str]]:
    """As ``load_training``, plus each message's group: the dev split it comes from ("" for the rest)."""
    texts, labels, concepts = load_training(with_dev_splits=False)
    groups = [""] * len(texts)
    for name in TRAINING_DEV_SPLITS + TRAINING_ANSWER_SPLITS:
        rows = dev_training_rows((name,)) if name in TRAINING_DEV_SPLITS else answer_training_rows((name,))
        for text, label, concept in rows:
            texts.append(text)
            labels.append(label)
            concepts.append(concept)
            groups.append(name)
    return texts, labels, mark_self_harm(texts, labels, concepts), groups


def load_training(with_dev_splits: bool = True) -> tuple[list[str], list[str], list[str]]:
    if with_dev_splits:
        texts, labels, concepts, _ = load_training_groups()
        return texts, labels, concepts
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
    return texts, labels, mark_self_harm(texts, labels, concepts)


def dev_training_rows(names: tuple[str, ...] = TRAINING_DEV_SPLITS) -> list[tuple[str, str, str]]:
    """(text, label, concept) of the training dev splits' single-turn messages; a follow-up's label depends on
    the turns before it, which the classifier does not read. The concept is the writer's second tag
    ("near_miss"…), which the guard's nearest-example vote reads; "self_harm" wherever the writer tagged it: the
    vote picks the crisis-line message by it ("emergency, overdose, self_harm" was read as an overdose)."""
    return [(case["question"], label, "dev_self_harm" if "self_harm" in case["tags"]
             else f"dev_{case['tags'][1] if len(case['tags']) > 1 else label}")
            for case, label in labelled_dev_cases(names) if not case.get("history")]


def labelled_dev_cases(names: tuple[str, ...]) -> list[tuple[dict[str, Any], str]]:
    """(case, classifier label) of every case of the named safety dev splits whose category the classifier has."""
    out = []
    for name in names:
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                if label := DEV_TAG_TO_LABEL.get(case["tags"][0]):
                    out.append((case, label))
    return out


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


def answer_training_rows(names: tuple[str, ...] = TRAINING_ANSWER_SPLITS) -> list[tuple[str, str, str]]:
    """The answer dev splits' questions, as information messages."""
    rows = []
    for name in names:
        for line in (EVALS / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append((json.loads(line)["question"], "info", "answer_question"))
    return rows


def dev_cases(names: tuple[str, ...] = TRAINING_DEV_SPLITS) -> list[tuple[str, str, list[str]]]:
    """(message, label, the patient's earlier messages) of every case of the named safety dev splits."""
    return [(case["question"], label, [t["content"] for t in case.get("history", []) if t["role"] == "user"])
            for case, label in labelled_dev_cases(names)]


def threshold_folds() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(safety dev splits, answer dev splits) held out together in each fold: whole splits, so a fold's
    messages come from writers its classifier did not learn from."""
    return [(TRAINING_DEV_SPLITS[f::THRESHOLD_FOLDS], TRAINING_ANSWER_SPLITS[f::THRESHOLD_FOLDS])
            for f in range(THRESHOLD_FOLDS)]


def choose_thresholds(predictions: list[tuple[Any, str]], miss_cost: float) -> dict[str, float]:
    """Per tier, the threshold with the fewest errors on the out-of-fold predictions: messages of the tier under
    it (each costing ``miss_cost``) plus information messages over it. A budget of information alarms (1.5 %)
    set the emergency threshold at 0.51 out of fold, where it missed 52 more of 1,189 emergencies to spare 36 of
    1,445 information messages; a missed emergency costs at least as much as an alarm."""
    info = [p for p, label in predictions if label == "info"]
    thresholds = {}
    for label in ("emergency", "urgent", "med_change"):
        positives = [p for p, lab in predictions if lab == label]

        def cost(t: float, label: str = label, positives: list[Any] = positives) -> float:
            return miss_cost * sum(p.p(label) < t for p in positives) + sum(p.p(label) >= t for p in info)

        best = min((t / 100 for t in range(20, 96)), key=lambda t: (cost(t), t))
        # A floor keeps a hair trigger out (on a small dev split the regression set showed 0.2 was one).
        thresholds[label] = max(best, THRESHOLD_FLOOR)
    return thresholds


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


def make_model(x: np.ndarray, texts: list[str], labels: list[str], concepts: list[str], args: argparse.Namespace,
               embedding_model: str) -> tuple[TriageClassifier, float]:
    ngram = NgramLogistic.fit(texts, labels, LABELS, c=args.ngram_c) if args.ngram_weight > 0 else None
    if args.model == "svm":
        c = args.c or 4.0
        svc = fit_svm(x, labels, c)
        svm = PairwiseSvm.from_sklearn(svc, np.arange(len(x)))
        check_same_as_sklearn(svc, svm, x[:200], x)
        return TriageClassifier(LABELS, np.zeros((0, x.shape[1])), np.zeros(0), x, labels, concepts, knn=args.knn,
                                knn_weight=args.knn_weight, embedding_model=embedding_model, svm=svm,
                                svm_classes=[str(k) for k in svc.classes_], ngram=ngram,
                                ngram_weight=args.ngram_weight), c
    c = args.c or 16.0
    coef, intercept = fit(x, labels, c)
    return TriageClassifier(LABELS, coef, intercept, x, labels, concepts, knn=args.knn, knn_weight=args.knn_weight,
                            embedding_model=embedding_model, ngram=ngram, ngram_weight=args.ngram_weight), c


def out_of_fold_predictions(embedder: Any, x: np.ndarray, texts: list[str], labels: list[str], concepts: list[str],
                            groups: list[str], args: argparse.Namespace) -> list[tuple[Any, str]]:
    """(prediction, label) for every case of the training dev splits, each by a classifier trained without the
    fold its split is in (messages as the guard reads them alone, follow-ups included)."""
    out = []
    for f, (dev_names, answer_names) in enumerate(threshold_folds()):
        held = set(dev_names) | set(answer_names)
        keep = [i for i, g in enumerate(groups) if g not in held]
        model, _ = make_model(x[keep], [texts[i] for i in keep], [labels[i] for i in keep],
                              [concepts[i] for i in keep], args, "")
        cases = dev_cases(dev_names)
        vectors = np.asarray(embedder.embed_documents([q for q, _, _ in cases]), dtype=np.float32)
        out += [(model.predict(v, q), label) for v, (q, label, _) in zip(vectors, cases, strict=True)]
        print(f"fold {f + 1}/{THRESHOLD_FOLDS}: held out {', '.join(sorted(held))}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("svm", "logistic"), default="svm")
    parser.add_argument("--c", type=float, default=None,
                        help="inverse regularisation strength (default: 4 for the SVM, 16 for logistic regression)")
    parser.add_argument("--knn", type=int, default=7)
    parser.add_argument("--knn-weight", type=float, default=0.3)
    parser.add_argument("--ngram-weight", type=float, default=0.5,
                        help="share of the n-gram logistic regression in the blend (0: embeddings only)")
    parser.add_argument("--ngram-c", type=float, default=10.0,
                        help="inverse regularisation strength of the n-gram logistic regression")
    parser.add_argument("--miss-cost", type=float, default=1.0,
                        help="what a missed message of a tier costs against one information message over the "
                             "threshold (thresholds minimise the sum out of fold)")
    parser.add_argument("--out-of-fold", type=Path,
                        help="also write the out-of-fold probabilities here (JSONL: label, probabilities)")
    args = parser.parse_args()

    set_offline_env()
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = triage_embedder(settings.model_copy(update={"torch_threads": 2}))  # what the guard reads with
    texts, labels, concepts, groups = load_training_groups()
    print(f"training messages: {len(texts)} " + " ".join(f"{lab}={labels.count(lab)}" for lab in LABELS))
    # Rounded as the bank is stored (float16), so training and the guard see the same vectors.
    x = np.asarray(embedder.embed_documents(texts), dtype=np.float32).astype(np.float16).astype(np.float32)
    embedding_model = f"{Path(settings.embedding_model).name}|{embedder.backend}"

    predictions = out_of_fold_predictions(embedder, x, texts, labels, concepts, groups, args)
    if args.out_of_fold:
        args.out_of_fold.write_text("".join(json.dumps({"label": label, "p": p.probabilities}) + "\n"
                                            for p, label in predictions), encoding="utf-8")
    thresholds = choose_thresholds(predictions, args.miss_cost)
    model, c = make_model(x, texts, labels, concepts, args, embedding_model)
    model.thresholds = thresholds
    model.save(meta={"training_data_sha256": data_hash(training_files()), "training_messages": len(texts),
                     "c": c, "ngram_c": args.ngram_c})
    info = [p for p, label in predictions if label == "info"]
    for label in ("emergency", "urgent", "med_change"):
        hits = sum(p.p(label) >= thresholds[label] for p, lab in predictions if lab == label)
        total = sum(1 for _, lab in predictions if lab == label)
        alarms = sum(p.p(label) >= thresholds[label] for p in info)
        print(f"out of fold {label}: threshold {thresholds[label]:.2f}, recall {hits}/{total}, information over it "
              f"{alarms}/{len(info)} (classifier alone)")


if __name__ == "__main__":
    main()
