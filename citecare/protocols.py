"""Small protocols at the seams, so collaborators can be passed in and faked in unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from citecare.types import Answer, DenseHit, LibraryOverview, StreamEvent, Turn


class Embedder(Protocol):
    """Turns texts into unit-length vectors."""

    @property
    def dimension(self) -> int: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def count_tokens(self, text: str) -> int: ...


class DenseSearch(Protocol):
    """Nearest chunks to a query vector."""

    def query(self, vector: Sequence[float], k: int) -> list[DenseHit]: ...


class AnswerEngine(Protocol):
    """What the UI, the CLI and the evals need from the engine."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer: ...

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]: ...

    def health(self) -> dict[str, Any]: ...

    def overview(self) -> LibraryOverview: ...

    def suggest_follow_ups(self, answer: Answer, history: Sequence[Turn] = ()) -> list[str]: ...
