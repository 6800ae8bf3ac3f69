"""Document → chunks: section- and sentence-aware, within the embedder's word-piece limit, stable ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace

from langchain_text_splitters import RecursiveCharacterTextSplitter

from citecare.types import Chunk, Document

# Paragraphs first, then sentences, then clauses: a chunk boundary falls at the largest break that fits.
SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""]
# all-MiniLM-L6-v2 reads at most 256 word pieces; [CLS]/[SEP] take two of them.
MODEL_TOKEN_LIMIT = 254


def chunk_id(doc_id: str, text: str) -> str:
    """Same document and same embedded text → same id, so unchanged chunks are never re-embedded."""
    digest = hashlib.sha256(f"{doc_id}\x00{text}".encode()).hexdigest()[:20]
    return f"{doc_id}::{digest}"


def chunk_document(
    doc: Document,
    count_tokens: Callable[[str], int],
    *,
    chunk_tokens: int = 200,
    overlap_tokens: int = 30,
) -> list[Chunk]:
    """Split each section into passages that, with their title header, fit the embedding model."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for section in doc.sections:
        probe = Chunk(chunk_id="", doc_id=doc.doc_id, text="", ordinal=0, meta=doc.meta, heading=section.heading)
        header_tokens = count_tokens(probe.embedding_text())
        budget = max(48, min(chunk_tokens, MODEL_TOKEN_LIMIT - header_tokens))
        splitter = RecursiveCharacterTextSplitter(
            separators=SEPARATORS,
            chunk_size=budget,
            chunk_overlap=min(overlap_tokens, budget // 4),
            length_function=count_tokens,
            keep_separator="end",
            strip_whitespace=True,
        )
        for piece in splitter.split_text(section.text):
            text = piece.strip()
            if not text:
                continue
            chunk = replace(probe, text=text, ordinal=len(chunks), page=section.page)
            cid = chunk_id(doc.doc_id, chunk.embedding_text())
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(replace(chunk, chunk_id=cid))
    return chunks
