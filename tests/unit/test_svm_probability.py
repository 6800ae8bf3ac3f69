"""The guard's numpy SVM gives scikit-learn's (libsvm's) probabilities, so the model file needs no pickle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from citecare.safety.svm_probability import PairwiseSvm, couple


def _fitted(seed: int, classes: int) -> tuple[object, np.ndarray, np.ndarray]:
    from sklearn.svm import SVC

    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, 16))
    x = np.vstack([c + 0.9 * rng.normal(size=(60, 16)) for c in centres]).astype(np.float32)
    y = np.repeat([f"label{i}" for i in range(classes)], 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        svc = SVC(C=4, kernel="rbf", gamma="scale", probability=True, class_weight="balanced", random_state=0,
                  decision_function_shape="ovo").fit(x, y)
    queries = (centres[rng.integers(0, classes, 40)] + 1.2 * rng.normal(size=(40, 16))).astype(np.float32)
    return svc, x, queries


@pytest.mark.parametrize("classes", [2, 3, 4])
def test_probabilities_equal_scikit_learn(classes: int) -> None:
    svc, x, queries = _fitted(classes, classes)
    svm = PairwiseSvm.from_sklearn(svc, np.arange(len(x)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        expected = svc.predict_proba(queries)  # type: ignore[attr-defined]
    got = svm.probabilities(queries, x)
    assert np.allclose(got.sum(1), 1.0)
    assert np.abs(got - expected).max() < 1e-4


def test_arrays_round_trip() -> None:
    svc, x, queries = _fitted(7, 4)
    svm = PairwiseSvm.from_sklearn(svc, np.arange(len(x)))
    again = PairwiseSvm.from_arrays(svm.arrays())
    assert np.allclose(again.probabilities(queries, x), svm.probabilities(queries, x))


def test_coupling_of_agreeing_pairs() -> None:
    # Class 0 beats everyone 9 to 1, the others are even: class 0 gets most of the mass, the rest share alike
    # (to libsvm's stopping tolerance, 0.005 / k).
    r = np.full((3, 3), 0.5)
    r[0, 1:], r[1:, 0] = 0.9, 0.1
    np.fill_diagonal(r, 0.0)
    p = couple(r)
    assert p.argmax() == 0 and abs(p[1] - p[2]) < 0.005 and abs(p.sum() - 1) < 1e-9
