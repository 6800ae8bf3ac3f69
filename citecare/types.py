"""Frozen value types that cross module boundaries (ingest, retrieval, engine, UI, CLI, evals)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

AnswerKind = Literal[
    "answer", "no_evidence", "out_of_scope", "emergency", "urgent", "medical_advice", "invalid_input"
]
ANSWER_KINDS: tuple[str, ...] = (
    "answer",
    "no_evidence",
    "out_of_scope",
    "emergency",
    "urgent",
    "medical_advice",
    "invalid_input",
)
Writer = Literal["extractive", "llm"]


@dataclass(frozen=True)
class SourceMeta:
    """Governance metadata of one source; travels with every chunk so answers can cite it."""

    doc_id: str
    title: str
    publisher: str = ""
    url: str = ""
    licence: str = ""
    reviewed: str = ""  # ISO date or year-month of the last review, "" when unknown
    audience: str = "patients"
    path: str = ""

    def label(self) -> str:
        """'Title — Publisher, reviewed 2024-05' as shown under an answer."""
        parts = [self.title]
        if self.publisher:
            parts.append(f" — {self.publisher}")
        if self.reviewed:
            parts.append(f", reviewed {self.reviewed}")
        return "".join(parts)


@dataclass(frozen=True)
class Section:
    """A run of text under one heading (and, for PDFs, on one page)."""

    text: str
    heading: str = ""
    page: int | None = None


@dataclass(frozen=True)
class Document:
    """A loaded source document."""

    doc_id: str
    sections: tuple[Section, ...]
    meta: SourceMeta
    content_hash: str

    @property
    def text(self) -> str:
        return "\n\n".join(s.text for s in self.sections)


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage of a document."""

    chunk_id: str
    doc_id: str
    text: str
    ordinal: int
    meta: SourceMeta
    heading: str = ""
    page: int | None = None
    # Source sentences never shown to patients (instructions to an assistant, advice to stop medicines).
    quarantined: tuple[str, ...] = ()

    def embedding_text(self) -> str:
        """What gets embedded and BM25-indexed: the title and heading give context to short passages."""
        head = self.meta.title
        if self.heading and self.heading.lower() not in head.lower():
            head = f"{head} — {self.heading}"
        return f"{head}\n{self.text}"


@dataclass(frozen=True)
class DenseHit:
    """One nearest neighbour from the vector store."""

    chunk_id: str
    similarity: float  # cosine similarity


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with the evidence of why it was retrieved."""

    chunk: Chunk
    score: float  # fused score, higher is better
    dense_rank: int | None = None  # 1-based, None when the dense retriever did not return it
    bm25_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered citation: the passage an answer sentence came from, and the sentence itself."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str  # the publisher
    url: str
    reviewed: str
    passage: str
    quote: str  # the exact source sentence used, for highlighting
    outdated: bool = False  # the source's review date is older than the configured age
    quotes: tuple[str, ...] = ()  # every source sentence used from this passage (quote is the first)


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class RetrievedInfo:
    """What an educator sees about one retrieved chunk."""

    chunk_id: str
    doc_id: str
    title: str
    score: float
    dense_rank: int | None
    bm25_rank: int | None
    dense_score: float | None
    text: str
    used: bool = False
    quarantined: tuple[str, ...] = ()  # source sentences kept out of answers (shown to educators only)


@dataclass(frozen=True)
class Answer:
    """The one answer contract used by the UI, the CLI and the evals."""

    kind: AnswerKind
    text: str
    citations: tuple[Citation, ...] = ()
    disclaimer: str = ""
    resolved_question: str = ""
    writer: Writer = "extractive"
    verification: dict[str, Any] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieved: tuple[RetrievedInfo, ...] = ()
    # Guidance shown before the cited answer (a medication referral, or when to seek care for a symptom);
    # ``text`` starts with it. It is CiteCare's own wording, not a quote.
    notice: str = ""

    @property
    def cited_text(self) -> str:
        """The part of ``text`` made of cited source sentences."""
        return self.text[len(self.notice) :] if self.notice and self.text.startswith(self.notice) else self.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        return cls(
            kind=data["kind"],
            text=data["text"],
            citations=tuple(
                Citation(**{**c, "quotes": tuple(c.get("quotes", ()))}) for c in data.get("citations", [])
            ),
            disclaimer=data.get("disclaimer", ""),
            resolved_question=data.get("resolved_question", ""),
            writer=data.get("writer", "extractive"),
            verification=dict(data.get("verification", {})),
            timings_ms=dict(data.get("timings_ms", {})),
            retrieved=tuple(
                RetrievedInfo(**{**r, "quarantined": tuple(r.get("quarantined", ()))})
                for r in data.get("retrieved", [])
            ),
            notice=data.get("notice", ""),
        )


@dataclass(frozen=True)
class StreamEvent:
    """A piece of a streamed answer: text deltas first, then one event carrying the final Answer."""

    delta: str = ""
    answer: Answer | None = None


@dataclass(frozen=True)
class LibraryOverview:
    """What the library covers, for a first screen: taken from the indexed documents, never hard-coded."""

    documents: int
    topics: tuple[str, ...] = ()  # the topics most documents are about, most first
    publishers: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()  # questions the engine has checked it answers with citations
