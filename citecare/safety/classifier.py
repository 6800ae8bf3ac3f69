"""The learned layer of triage: logistic regression over MiniLM sentence embeddings, plus prototypes.

Trained by ``scripts/train_triage.py`` (``make triage-model``) on the labelled messages in
``citecare/data/safety/triage-train*.jsonl``; the weights are a small JSON file and the prototype bank a
float16 array, both in ``citecare/data/safety/``. Inference is a dot product (numpy), no scikit-learn.
The classifier can raise an alarm the rules missed; the guard never lets it silence a rule.
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

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "safety"
MODEL_FILE = MODEL_DIR / "triage-model.json"
PROTOTYPES_FILE = MODEL_DIR / "triage-prototypes.npz"
LABELS = ("emergency", "urgent", "med_change", "info")


class ModelError(CiteCareError):
    """The triage model file is missing or does not fit the embedder."""


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]  # blended: logistic regression and nearest prototypes
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

    @property
    def dimension(self) -> int:
        return int(self.coef.shape[1])

    def predict(self, vector: Sequence[float]) -> Prediction:
        v = np.asarray(vector, dtype=np.float32)
        if v.shape != (self.dimension,):
            raise ModelError(f"triage model expects {self.dimension}-d vectors, got {v.shape}")
        logits = self.coef @ v + self.intercept
        logits -= logits.max()
        lr = np.exp(logits) / np.exp(logits).sum()
        sims = self.prototypes @ v
        top = np.argsort(-sims)[: self.knn]
        knn = dict.fromkeys(self.classes, 0.0)
        weights = np.maximum(sims[top], 0.0) + 1e-6
        for i, w in zip(top, weights, strict=True):
            knn[self.proto_labels[i]] += float(w)
        total = sum(knn.values()) or 1.0
        blended = {c: (1 - self.knn_weight) * float(lr[j]) + self.knn_weight * knn[c] / total
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
            "prototype_labels": list(self.proto_labels),
            "prototype_concepts": list(self.proto_concepts),
            **(meta or {}),
        }
        model_file.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        np.savez_compressed(prototypes_file, vectors=self.prototypes.astype(np.float16))

    @classmethod
    def load(cls, model_file: Path = MODEL_FILE, prototypes_file: Path = PROTOTYPES_FILE) -> TriageClassifier:
        try:
            data = json.loads(model_file.read_text(encoding="utf-8"))
            with np.load(prototypes_file) as arrays:
                prototypes = arrays["vectors"].astype(np.float32)
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
        )


@lru_cache(maxsize=2)
def load_classifier(model_file: Path = MODEL_FILE, prototypes_file: Path = PROTOTYPES_FILE) -> TriageClassifier:
    return TriageClassifier.load(model_file, prototypes_file)
