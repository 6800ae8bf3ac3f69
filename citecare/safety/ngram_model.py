"""The learned layer's word and letter n-gram reader: a logistic regression over TF-IDF n-grams of the message.

Sentence embeddings blur the few words that make a request a medication change or a report an emergency ("can
i *skip* my", "*not* waking up"); n-grams keep them. Out of fold on the twelve training dev splits (by writer),
blending this reader's probabilities half and half with the SVM over embeddings cut the classifier's errors from
224 to 126 (evals/README.md, thirteenth session).

Features are hashed (scikit-learn's ``HashingVectorizer``: no vocabulary to store, the same analyser as
``TfidfVectorizer``): word 1-2-grams and letter 3-5-grams within words, sublinear term frequency, smoothed IDF
from the training messages, L2-normalised per block. Only n-grams seen in enough training messages are kept;
their hashed indices, IDF and weights are stored in the prototypes ``.npz`` (arrays, no pickle).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

HASH_FEATURES = 2**20
# (analyser, n-gram range, fewest training messages an n-gram must be in to be kept)
BLOCKS = (("word", (1, 2), 2), ("char_wb", (3, 5), 3))


@lru_cache(maxsize=1)
def _hashers() -> tuple[Any, ...]:
    """One hashing vectorizer per block (stateless: nothing fitted, the same for training and the guard)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return tuple(HashingVectorizer(analyzer=analyzer, ngram_range=ngrams, n_features=HASH_FEATURES,
                                   alternate_sign=False, norm=None, dtype=np.float64) for analyzer, ngrams, _ in BLOCKS)


def _counts(texts: Sequence[str]) -> Any:
    """N-gram counts over every hashed column of every block, side by side."""
    from scipy.sparse import hstack

    return hstack([hasher.transform(texts) for hasher in _hashers()]).tocoo()


class NgramLogistic:
    """Class probabilities of a message from its n-grams (classes in the order given)."""

    def __init__(self, classes: Sequence[str], kept: np.ndarray, idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray) -> None:
        self.classes = tuple(classes)
        self.kept = kept.astype(np.int64)  # sorted global indices: block b's n-gram h is b * HASH_FEATURES + h
        self.idf = idf.astype(np.float64)
        self.coef = coef.astype(np.float64)  # (kept n-grams, classes)
        self.intercept = intercept.astype(np.float64)

    def features(self, texts: Sequence[str]) -> Any:
        """TF-IDF rows over the kept n-grams (sparse, one L2-normalised part per block)."""
        return _tfidf(_counts(texts), self.kept, self.idf)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        logits = self.features(texts) @ self.coef + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    # --- training and files --------------------------------------------------------------------------
    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[str], classes: Sequence[str], c: float = 10.0
            ) -> NgramLogistic:
        from sklearn.linear_model import LogisticRegression

        counts = _counts(texts).tocsr()
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        min_df = np.repeat([m for _, _, m in BLOCKS], HASH_FEATURES)
        kept = np.flatnonzero(df >= min_df)
        idf = np.log((1 + len(texts)) / (1 + df[kept])) + 1.0
        x = _tfidf(counts, kept, idf)
        clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, list(labels))
        order = [list(clf.classes_).index(label) for label in classes]
        return cls(classes, kept, idf, clf.coef_[order].T, clf.intercept_[order])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"ngram_kept": self.kept.astype(np.int32), "ngram_idf": self.idf.astype(np.float32),
                "ngram_coef": self.coef.astype(np.float32), "ngram_intercept": self.intercept.astype(np.float32)}

    @classmethod
    def from_arrays(cls, classes: Sequence[str], arrays: Any) -> NgramLogistic:
        return cls(classes, arrays["ngram_kept"], arrays["ngram_idf"], arrays["ngram_coef"],
                   arrays["ngram_intercept"])


def _tfidf(counts: Any, kept: np.ndarray, idf: np.ndarray) -> Any:
    """Counts (all hashed columns) -> sublinear TF x IDF on the kept columns, each block L2-normalised."""
    from scipy.sparse import csr_matrix

    coo = counts.tocoo()
    rows, cols, values = coo.row, coo.col.astype(np.int64), coo.data
    where = np.minimum(np.searchsorted(kept, cols), len(kept) - 1)
    hit = kept[where] == cols
    rows, cols, where, values = rows[hit], cols[hit], where[hit], values[hit]
    weights = (1.0 + np.log(values)) * idf[where]
    blocks = cols // HASH_FEATURES
    norms = np.zeros((counts.shape[0], len(BLOCKS)))
    np.add.at(norms, (rows, blocks), weights**2)
    weights = weights / np.sqrt(np.maximum(norms[rows, blocks], 1e-24))
    return csr_matrix((weights, (rows, where)), shape=(counts.shape[0], len(kept)))
