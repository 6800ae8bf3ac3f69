"""The learned layer of triage: a support-vector classifier (RBF kernel) over MiniLM sentence embeddings,
blended with a vote of the nearest training messages (prototypes), and that blend half and half with a logistic
regression over the message's word and letter n-grams (``ngram_model``).

Trained by ``scripts/train_triage.py`` (``make triage-model``) on the labelled messages in
``citecare/data/safety/triage-train*.jsonl``. The model is a small JSON file (thresholds, labels, meta) and
an array file: the training messages' float16 embeddings, which are both the prototype bank and the support
vectors, the SVM's coefficients and the n-gram weights. Inference is numpy (``svm_probability``), no pickle.
A logistic regression (``coef``/``intercept``) is still read when a model file has no SVM. The classifier can
raise an alarm the rules missed; the guard never lets it silence a rule.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from citecare.errors import CiteCareError
from citecare.safety.ngram_model import NgramLogistic
from citecare.safety.svm_probability import PairwiseSvm

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "safety"
MODEL_FILE = MODEL_DIR / "triage-model.json"
PROTOTYPES_FILE = MODEL_DIR / "triage-prototypes.npz"
LABELS = ("emergency", "urgent", "med_change", "info")


class ModelError(CiteCareError):
    """The triage model file is missing or does not fit the embedder."""


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]  # blended: the SVM (or logistic regression), nearest prototypes, n-grams
    neighbours: tuple[tuple[str, str, float], ...]  # (label, concept, similarity) of the closest prototypes

    def p(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)

    def concept_vote(self, label: str) -> str | None:
        """The concept most of the close prototypes of ``label`` share (picks the message template)."""
        votes = Counter(c for lab, c, _ in self.neighbours if lab == label)
        return votes.most_common(1)[0][0] if votes else None


class TriageClassifier:
    def __init__(
        self,
        classes: Sequence[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        prototypes: np.ndarray,
        proto_labels: Sequence[str],
        proto_concepts: Sequence[str],
        *,
        knn: int = 7,
        knn_weight: float = 0.3,
        thresholds: dict[str, float] | None = None,
        embedding_model: str = "",
        svm: PairwiseSvm | None = None,
        svm_classes: Sequence[str] = (),
        ngram: NgramLogistic | None = None,
        ngram_weight: float = 0.5,
    ) -> None:
        self.classes = tuple(classes)
        self.coef = coef.astype(np.float32)
        self.intercept = intercept.astype(np.float32)
        self.prototypes = prototypes.astype(np.float32)
        self.proto_labels = tuple(proto_labels)
        self.proto_concepts = tuple(proto_concepts)
        self.knn = knn
        self.knn_weight = knn_weight
        self.thresholds = dict(thresholds or {})
        self.embedding_model = embedding_model
        self.svm = svm
        self.svm_order = [list(svm_classes).index(c) for c in self.classes] if svm is not None else []
        self.ngram = ngram
        self.ngram_weight = ngram_weight if ngram is not None else 0.0

    @property
    def dimension(self) -> int:
        return int(self.prototypes.shape[1])

    def _model_probabilities(self, v: np.ndarray) -> np.ndarray:
        """The SVM's (or the logistic regression's) class probabilities, in ``classes`` order."""
        if self.svm is not None:
            return self.svm.probabilities(v[None, :], self.prototypes)[0][self.svm_order]
        logits = self.coef @ v + self.intercept
        logits -= logits.max()
        return np.exp(logits) / np.exp(logits).sum()

    def predict(self, vector: Sequence[float], text: str | None = None) -> Prediction:
        """Probabilities for a message from its embedding and, when the model has an n-gram reader, its text
        (a model with one must be given the text: the thresholds were set on the blend)."""
        v = np.asarray(vector, dtype=np.float32)
        if v.shape != (self.dimension,):
            raise ModelError(f"triage model expects {self.dimension}-d vectors, got {v.shape}")
        lr = self._model_probabilities(v)
        sims = self.prototypes @ v
        top = np.argsort(-sims)[: self.knn]
        knn = dict.fromkeys(self.classes, 0.0)
        weights = np.maximum(sims[top], 0.0) + 1e-6
        for i, w in zip(top, weights, strict=True):
            knn[self.proto_labels[i]] += float(w)
        total = sum(knn.values()) or 1.0
        blended = {c: (1 - self.knn_weight) * float(lr[j]) + self.knn_weight * knn[c] / total
                   for j, c in enumerate(self.classes)}
        if self.ngram is not None:
            if text is None:
                raise ModelError("this triage model reads the message's words too: pass its text")
            ngram = self.ngram.probabilities([text])[0]
            blended = {c: (1 - self.ngram_weight) * blended[c] + self.ngram_weight * float(ngram[j])
                       for j, c in enumerate(self.classes)}
        neighbours = tuple((self.proto_labels[i], self.proto_concepts[i], round(float(sims[i]), 4)) for i in top)
        return Prediction(blended, neighbours)

    def threshold(self, label: str, default: float = 0.5) -> float:
        return self.thresholds.get(label, default)

    # --- files -------------------------------------------------------------------------------------------
    def save(self, model_file: Path = MODEL_FILE, prototypes_file: Path = PROTOTYPES_FILE,
             meta: dict[str, object] | None = None) -> None:
        payload = {
            "classes": list(self.classes),
            "coef": [[round(float(x), 6) for x in row] for row in self.coef],
            "intercept": [round(float(x), 6) for x in self.intercept],
            "knn": self.knn,
            "knn_weight": self.knn_weight,
            "thresholds": self.thresholds,
            "embedding_model": self.embedding_model,
            "model": ("svm-rbf" if self.svm is not None else "logistic-regression") + ("+ngram" if self.ngram else ""),
            "ngram_weight": self.ngram_weight,
            "svm_classes": [self.classes[i] for i in np.argsort(self.svm_order)] if self.svm is not None else [],
            "prototype_labels": list(self.proto_labels),
            "prototype_concepts": list(self.proto_concepts),
            **(meta or {}),
        }
        model_file.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        np.savez_compressed(prototypes_file, vectors=self.prototypes.astype(np.float16),
                            **(self.svm.arrays() if self.svm is not None else {}),
                            **(self.ngram.arrays() if self.ngram is not None else {}))

    @classmethod
    def load(cls, model_file: Path = MODEL_FILE, prototypes_file: Path = PROTOTYPES_FILE) -> TriageClassifier:
        try:
            data = json.loads(model_file.read_text(encoding="utf-8"))
            with np.load(prototypes_file) as arrays:
                prototypes = arrays["vectors"].astype(np.float32)
                svm = PairwiseSvm.from_arrays(arrays) if "svm_support" in arrays else None
                ngram = NgramLogistic.from_arrays(data["classes"], arrays) if "ngram_kept" in arrays else None
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load the triage model ({model_file}): {exc}; run `make triage-model`") from exc
        if len(data["prototype_labels"]) != len(prototypes):
            raise ModelError("triage model and prototype bank do not match: run `make triage-model`")
        return cls(
            data["classes"],
            np.asarray(data["coef"], dtype=np.float32),
            np.asarray(data["intercept"], dtype=np.float32),
            prototypes,
            data["prototype_labels"],
            data["prototype_concepts"],
            knn=int(data.get("knn", 7)),
            knn_weight=float(data.get("knn_weight", 0.3)),
            thresholds={k: float(v) for k, v in dict(data.get("thresholds", {})).items()},
            embedding_model=str(data.get("embedding_model", "")),
            svm=svm,
            svm_classes=list(data.get("svm_classes", [])),
            ngram=ngram,
            ngram_weight=float(data.get("ngram_weight", 0.5)),
        )


@lru_cache(maxsize=2)
def load_classifier(model_file: Path = MODEL_FILE, prototypes_file: Path = PROTOTYPES_FILE) -> TriageClassifier:
    return TriageClassifier.load(model_file, prototypes_file)
