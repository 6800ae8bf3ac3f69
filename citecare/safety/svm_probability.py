"""Class probabilities of a trained RBF support-vector classifier, computed with numpy.

scikit-learn's ``SVC(probability=True)`` (libsvm) trains one classifier per pair of classes, turns each pair's
decision value into a probability with Platt's sigmoid, and couples the pairs into one distribution (Wu, Lin
and Weng 2004, "Probability estimates for multi-class classification by pairwise coupling", method 2). The
guard runs the same arithmetic on arrays stored with the triage model, so the committed model file holds
numbers, not a pickle; ``scripts/train_triage.py`` checks that the result equals scikit-learn's
``predict_proba`` before it saves a model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

_MIN_PROBABILITY = 1e-7  # libsvm's clamp for a pair's probability


@dataclass(frozen=True)
class PairwiseSvm:
    """An RBF SVC in libsvm's one-vs-one layout. ``support`` indexes the support vectors in a vector bank."""

    support: np.ndarray  # (n_sv,) int: rows of the vector bank, grouped by class as ``n_support`` says
    n_support: np.ndarray  # (n_classes,) int
    dual_coef: np.ndarray  # (n_classes - 1, n_sv)
    intercept: np.ndarray  # (n_pairs,) in the order (0,1), (0,2), …, (1,2), …
    prob_a: np.ndarray  # (n_pairs,) Platt sigmoid slope
    prob_b: np.ndarray  # (n_pairs,) Platt sigmoid offset
    gamma: float
    _cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False,
                                                                         repr=False)

    @classmethod
    def from_sklearn(cls, svc: Any, bank_rows: np.ndarray) -> PairwiseSvm:
        """From a fitted ``SVC(kernel="rbf", probability=True)``; ``bank_rows`` maps its training rows to bank rows."""
        import warnings

        with warnings.catch_warnings():  # probA_/probB_ are deprecated with probability=True (scikit-learn 1.9)
            warnings.simplefilter("ignore", FutureWarning)
            prob_a, prob_b = np.asarray(svc.probA_, dtype=np.float64), np.asarray(svc.probB_, dtype=np.float64)
        sign = -1.0 if len(svc.classes_) == 2 else 1.0  # scikit-learn flips a two-class SVC's sign for its API
        return cls(np.asarray(bank_rows)[svc.support_].astype(np.int32), np.asarray(svc.n_support_, dtype=np.int32),
                   sign * np.asarray(svc.dual_coef_, dtype=np.float32),
                   sign * np.asarray(svc.intercept_, dtype=np.float32),
                   prob_a, prob_b, float(svc._gamma))

    def arrays(self) -> dict[str, np.ndarray]:
        return {"svm_support": self.support, "svm_n_support": self.n_support, "svm_dual_coef": self.dual_coef,
                "svm_intercept": self.intercept, "svm_prob_a": self.prob_a, "svm_prob_b": self.prob_b,
                "svm_gamma": np.asarray([self.gamma])}

    @classmethod
    def from_arrays(cls, arrays: Any) -> PairwiseSvm:
        return cls(arrays["svm_support"].astype(np.int32), arrays["svm_n_support"].astype(np.int32),
                   arrays["svm_dual_coef"].astype(np.float32), arrays["svm_intercept"].astype(np.float32),
                   arrays["svm_prob_a"].astype(np.float64), arrays["svm_prob_b"].astype(np.float64),
                   float(arrays["svm_gamma"][0]))

    def _support_vectors(self, bank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The support vectors and their squared norms, gathered from the bank once (not on every message)."""
        cached = self._cache.get(id(bank))
        if cached is None or cached[0] is not bank:
            sv = np.ascontiguousarray(bank[self.support])
            cached = (bank, sv, (sv * sv).sum(1))
            self._cache.clear()
            self._cache[id(bank)] = cached
        return cached[1], cached[2]

    def decision_values(self, vectors: np.ndarray, bank: np.ndarray) -> np.ndarray:
        """One decision value per pair of classes, for each row of ``vectors`` (positive: the first class)."""
        sv, sv_norms = self._support_vectors(bank)
        squared = (vectors * vectors).sum(1)[:, None] + sv_norms[None, :] - 2.0 * vectors @ sv.T
        kernel = np.exp(-self.gamma * np.maximum(squared, 0.0))
        starts = np.concatenate([[0], np.cumsum(self.n_support)])
        out = np.zeros((len(vectors), len(self.intercept)), dtype=np.float64)
        for p, (i, j) in enumerate(combinations(range(len(self.n_support)), 2)):
            rows_i, rows_j = slice(starts[i], starts[i + 1]), slice(starts[j], starts[j + 1])
            out[:, p] = (kernel[:, rows_i] @ self.dual_coef[j - 1, rows_i] + kernel[:, rows_j] @ self.dual_coef[i, rows_j]
                         + self.intercept[p])
        return out

    def probabilities(self, vectors: np.ndarray, bank: np.ndarray) -> np.ndarray:
        """Class probabilities (rows sum to 1), columns in the classes' sorted order, as scikit-learn gives them."""
        decisions = self.decision_values(vectors, bank)
        k = len(self.n_support)
        out = np.zeros((len(vectors), k))
        for row, values in enumerate(decisions):
            pairwise = np.zeros((k, k))
            for p, (i, j) in enumerate(combinations(range(k), 2)):
                r = _platt(values[p], self.prob_a[p], self.prob_b[p])
                pairwise[i, j], pairwise[j, i] = r, 1.0 - r
            out[row] = couple(pairwise)
        return out


def _platt(value: float, a: float, b: float) -> float:
    f = value * a + b
    r = np.exp(-f) / (1.0 + np.exp(-f)) if f >= 0 else 1.0 / (1.0 + np.exp(f))
    return float(min(max(r, _MIN_PROBABILITY), 1 - _MIN_PROBABILITY))


def couple(r: np.ndarray) -> np.ndarray:
    """libsvm's ``multiclass_probability``: ``r[i, j]`` is P(class i | class i or j); returns P(class)."""
    k = len(r)
    q = -r.T * r
    np.fill_diagonal(q, (r**2).sum(0) - np.diag(r) ** 2)
    p = np.full(k, 1.0 / k)
    for _ in range(max(100, k)):
        qp = q @ p
        pqp = float(p @ qp)
        if np.max(np.abs(qp - pqp)) < 0.005 / k:
            break
        for t in range(k):
            diff = (-qp[t] + pqp) / q[t, t]
            p[t] += diff
            pqp = (pqp + diff * (diff * q[t, t] + 2 * qp[t])) / (1 + diff) / (1 + diff)
            qp = (qp + diff * q[t]) / (1 + diff)
            p /= 1 + diff
    return p
