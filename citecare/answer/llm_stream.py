"""Glue between the engine and the optional LLM writer: stream only verified sentences, fall back safely."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from citecare.answer.compose import Composition
from citecare.answer.query import content_terms
from citecare.text import split_sentences
from citecare.types import Citation, Hit


@dataclass
class LLMOutcome:
    """Filled in while the stream runs; read after it ends."""

    composition: Composition | None = None  # None: use the extractive answer
    verification: dict[str, Any] | None = None


def _closest_sentence(claim: str, passage: str) -> str:
    """The passage sentence that shares most words with the model's sentence, for highlighting."""
    words = content_terms(claim)
    sentences = split_sentences(passage) or [passage]
    return max(sentences, key=lambda s: len(words & content_terms(s)))


def _citations(
    numbered: Sequence[tuple[int, Hit]], kept: Sequence[Any], outdated: Sequence[bool]
) -> tuple[Citation, ...]:
    by_number = {n: (hit, old) for (n, hit), old in zip(numbered, outdated, strict=True)}
    quotes: dict[int, list[str]] = {}
    for sentence in kept:
        for n in sentence.supported_by or sentence.cited:
            if n in by_number:
                quotes.setdefault(n, []).append(_closest_sentence(sentence.text, by_number[n][0].chunk.text))
    citations = []
    for n in sorted(quotes):
        hit, old = by_number[n]
        chunk = hit.chunk
        citations.append(
            Citation(
                n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.meta.title,
                source=chunk.meta.publisher, url=chunk.meta.url, reviewed=chunk.meta.reviewed,
                passage=chunk.text, quote=quotes[n][0], quotes=tuple(dict.fromkeys(quotes[n])), outdated=old,
            )
        )
    return tuple(citations)


def stream_llm_answer(
    writer: Any, question: str, hits: Sequence[Hit], outdated: Sequence[bool], outcome: LLMOutcome,
    subjects: Sequence[str] = (), allow: Callable[[str], bool] | None = None,
) -> Iterator[str]:
    """Yield each model sentence once it is complete, supported by a passage it cites, and allowed by the
    output policy — the same check (``LLMWriter.check``) as the final answer, so nothing reaches the screen
    that the final answer would drop.

    When the model fails, times out or too little survives verification, nothing more is yielded and
    ``outcome.composition`` stays None so the engine shows the extractive answer instead.
    """
    numbered = [(n, hit) for n, hit in enumerate(hits, start=1)]
    passages = [(n, hit.chunk) for n, hit in numbered]
    stream = writer.stream(question, passages, allow, subjects)
    buffer = ""
    checked_count = 0
    yielded: set[str] = set()
    for delta in stream:
        buffer += delta
        sentences = split_sentences(buffer)
        for sentence in sentences[checked_count:-1]:  # the last one may still be growing
            checked_count += 1
            for checked in writer.check(sentence, passages, allow, subjects).kept:
                yielded.add(checked.text)
                yield checked.with_markers() + " "
    result = stream.result
    verification = {"method": "llm", **result.to_dict()}
    if result.fallback_reason is not None:
        outcome.verification = {**verification, "fell_back_to": "extractive"}
        return
    kept = result.verification.kept
    for checked in kept:
        if checked.text not in yielded:
            yield checked.with_markers() + " "
    outcome.composition = Composition(result.text, _citations(numbered, kept, outdated), ())
    outcome.verification = verification
