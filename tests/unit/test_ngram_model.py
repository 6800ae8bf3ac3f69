"""The triage n-gram reader computes scikit-learn's TF-IDF (hashed instead of a stored vocabulary), and the
classifier blends it only when given the message's text."""

from __future__ import annotations

import numpy as np
import pytest

from citecare.safety.classifier import ModelError, TriageClassifier
from citecare.safety.ngram_model import BLOCKS, NgramLogistic

TEXTS = [
    "can i skip my methotrexate this week", "can i stop my prednisone early", "should i double up on my pred",
    "can i skip my dose tonight", "is it ok to stop my tablets", "can i cut my pred down myself",
    "what is methotrexate used for", "how does prednisone work", "why is methotrexate taken weekly",
    "what are the side effects of prednisone", "how long does methotrexate take to work", "what is lupus",
    "crushing chest pain and cant breathe", "my lips are swelling after a bee sting", "chest pain spreading to my arm",
]
LABELS = ["med_change"] * 6 + ["info"] * 6 + ["emergency"] * 3
CLASSES = ("emergency", "med_change", "info")


def test_features_are_scikit_learns_tfidf() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    model = NgramLogistic.fit(TEXTS, LABELS, CLASSES)
    queries = ["can i skip my prednisone", "what is prednisone", "unrelated words entirely"]
    ours = model.features(queries).toarray()
    assert ours.shape[1] == len(model.kept)
    offset = 0
    for analyzer, ngrams, min_df in BLOCKS:
        reference = TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, min_df=min_df, sublinear_tf=True)
        reference.fit(TEXTS)
        expected = reference.transform(queries).toarray()
        width = len(reference.vocabulary_)
        block = ours[:, offset: offset + width]
        # Same values per row (hashing orders columns differently, and no two kept n-grams collide here).
        assert np.allclose(np.sort(block, axis=1), np.sort(expected, axis=1))
        offset += width
    assert offset == ours.shape[1]


def test_learns_the_words_that_matter_and_round_trips() -> None:
    model = NgramLogistic.fit(TEXTS, LABELS, CLASSES)
    p = model.probabilities(["can i skip my pred tomorrow", "what is pred used for"])
    assert p[0].argmax() == CLASSES.index("med_change")
    assert p[1].argmax() == CLASSES.index("info")
    again = NgramLogistic.from_arrays(CLASSES, model.arrays())
    assert np.allclose(again.probabilities(["can i skip my pred tomorrow"]), p[:1], atol=1e-5)


def _classifier(ngram: NgramLogistic | None) -> TriageClassifier:
    rng = np.random.default_rng(0)
    bank = rng.normal(size=(len(TEXTS), 8)).astype(np.float32)
    bank /= np.linalg.norm(bank, axis=1, keepdims=True)
    coef = np.zeros((len(CLASSES), 8), dtype=np.float32)
    return TriageClassifier(CLASSES, coef, np.zeros(len(CLASSES)), bank, LABELS, LABELS, knn=3, ngram=ngram)


def test_the_blend_needs_the_text() -> None:
    with_words = _classifier(NgramLogistic.fit(TEXTS, LABELS, CLASSES))
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    with pytest.raises(ModelError):
        with_words.predict(vector)
    embeddings_only = _classifier(None).predict(vector)
    blended = with_words.predict(vector, "can i skip my methotrexate")
    assert blended.p("med_change") > embeddings_only.p("med_change")
    assert abs(sum(blended.probabilities.values()) - 1.0) < 1e-6
