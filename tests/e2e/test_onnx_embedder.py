"""The ONNX int8 backend against the torch model it stands in for (real weights of both)."""

from __future__ import annotations

import numpy as np

from citecare.config import Settings
from citecare.store.embedder import SentenceTransformerEmbedder, make_embedder
from citecare.store.onnx_embedder import OnnxEmbedder
from tests.conftest import SEED_DOC

QUERIES = ["Why do I need blood tests on immunosuppressants?", "can methotrexat hurt my liver", "shingles vaccine"]


def test_onnx_int8_agrees_with_torch(embedder: SentenceTransformerEmbedder) -> None:
    onnx = make_embedder(Settings(_env_file=None, embedding_backend="onnx-int8"))  # type: ignore[call-arg]
    assert isinstance(onnx, OnnxEmbedder) and onnx.identity == "all-MiniLM-L6-v2|onnx-int8"
    assert embedder.identity == "all-MiniLM-L6-v2|torch"
    paragraphs = [p for p in SEED_DOC.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 8][:20]
    texts = [*QUERIES, *paragraphs, "word " * 400]  # the last one is cut at 256 word pieces by both
    ref = np.asarray(embedder.embed_documents(texts))
    got = np.asarray(onnx.embed_documents(texts))
    cosine = (ref * got).sum(axis=1)
    assert cosine.min() > 0.99, cosine
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    single = np.asarray(onnx.embed_query(QUERIES[0]))
    assert float(single @ got[0]) > 0.9999  # batching (padding) does not change a vector
    for text in [*QUERIES, paragraphs[0]]:
        assert onnx.count_tokens(text) == embedder.count_tokens(text)
