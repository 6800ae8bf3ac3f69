"""The optional LLM answer writer. Every sentence it writes is verified against its cited passage.

This is the only module that imports LangChain chat models, and only inside functions, so importing it
costs nothing. The model runs in a worker thread under a wall-clock deadline: a slow, hung or
unreachable server becomes a ``fallback_reason`` ("timeout", "llm_unavailable"), never an exception,
and the engine then shows the extractive answer instead.

Usage::

    writer = LLMWriter.from_settings(settings)          # None when CITECARE_LLM=none
    result = writer.write(question, [(1, chunk_a), (2, chunk_b)])
    if result.fallback_reason is None:
        show(result.text)                                # verified sentences with their [n] markers

    stream = writer.stream(question, passages)           # the same, streamed
    for delta in stream:                                 # RAW, unverified model text: a draft at most
        ...
    result = stream.result                               # the verified LLMResult, as from write()
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from citecare.answer.faithful import about
from citecare.answer.verify import Verification, verify_answer
from citecare.errors import LLMUnavailable
from citecare.prompts import NOT_COVERED, Prompts, load_prompts
from citecare.safety.output_policy import default_policy
from citecare.text import split_sentences

Allow = Callable[[str], bool]

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from citecare.config import Settings
    from citecare.types import Chunk

log = logging.getLogger("citecare.answer.llm_writer")

FallbackReason = Literal["llm_unavailable", "timeout", "too_little_supported", "not_covered", "cancelled"]
MAX_ANSWER_TOKENS = 400  # a patient answer is 2-5 sentences; this also bounds generation time

# --- chat models ---------------------------------------------------------------------------------


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model named by ``settings.llm``, or None for "none". Builds clients; makes no network call.

    Raises LLMUnavailable with a plain message when the model cannot be set up (missing extra, missing
    GGUF file, invalid settings).
    """
    builders = {"ollama": _ollama, "openai": _openai, "llamacpp": _llamacpp}
    if settings.llm == "none":
        return None
    try:
        return builders[settings.llm](settings)
    except LLMUnavailable:
        raise
    except ImportError as exc:
        raise LLMUnavailable(
            f"CITECARE_LLM={settings.llm} needs the optional extra: pip install 'citecare[llm]' ({exc.name})"
        ) from exc
    except Exception as exc:
        raise LLMUnavailable(f"The {settings.llm} answer writer could not be set up: {exc}") from exc


def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        temperature=settings.llm_temperature,
        num_predict=MAX_ANSWER_TOKENS,
        client_kwargs={"timeout": settings.llm_timeout_s},
    )


def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    # Local OpenAI-compatible servers (vLLM, llama.cpp) need no key, but the client insists on one.
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or SecretStr("not-needed"),
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        max_completion_tokens=MAX_ANSWER_TOKENS,
    )


def _llamacpp(settings: Settings) -> BaseChatModel:
    try:
        from langchain_community.chat_models import ChatLlamaCpp
    except ImportError as exc:
        raise LLMUnavailable(
            "CITECARE_LLM=llamacpp needs the optional extra: pip install 'citecare[llamacpp]'"
        ) from exc
    path = Path(settings.llm_model).expanduser()
    if not path.is_file():
        raise LLMUnavailable(f"CITECARE_LLM_MODEL must be the path of a GGUF file; {path} does not exist.")
    return ChatLlamaCpp(
        model_path=str(path),
        temperature=settings.llm_temperature,
        max_tokens=MAX_ANSWER_TOKENS,
        n_ctx=4096,
        verbose=False,
    )


# --- prompt rendering ----------------------------------------------------------------------------

_BRACKETS = str.maketrans({"<": "‹", ">": "›", "[": "(", "]": ")", '"': "'"})


def neutralise(text: str) -> str:
    """Make text inert inside the prompt: no "<" or ">" (so no fake or closing tags) and no "[n]" markers."""
    return text.translate(_BRACKETS)


def passage_text(chunk: Chunk) -> str:
    """The chunk's text without its quarantined sentences (those must never reach a patient)."""
    if not chunk.quarantined:
        return chunk.text
    blocked = set(chunk.quarantined)
    return " ".join(s for s in split_sentences(chunk.text) if s not in blocked)


def render_passages(passages: Sequence[tuple[int, Chunk]]) -> str:
    """Passages as delimited data blocks: ``<passage n="1" source="Title">text</passage>``."""
    blocks = []
    for n, chunk in passages:
        source = neutralise(chunk.meta.title + (f" — {chunk.heading}" if chunk.heading else ""))
        blocks.append(f'<passage n="{n}" source="{source}">\n{neutralise(passage_text(chunk))}\n</passage>')
    return "\n\n".join(blocks)


# --- results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LLMResult:
    """What the LLM writer produced, after verification.

    ``text`` holds only the kept, verified sentences, each followed by the markers of the passages that
    support it; it is "" whenever ``fallback_reason`` is set, and the engine must then use the
    extractive answer. ``raw`` is the unverified model output, for educators and logs.
    """

    text: str
    used_numbers: tuple[int, ...]
    verification: Verification
    fallback_reason: FallbackReason | None
    raw: str = ""
    elapsed_ms: float = 0.0
    error: str = field(default="", compare=False)  # exception type when the model failed

    @property
    def ok(self) -> bool:
        return self.fallback_reason is None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly metadata for ``Answer.verification``."""
        return {
            "method": "llm",
            "fallback_reason": self.fallback_reason,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "error": self.error,
            **self.verification.to_dict(),
        }


def _failure(reason: FallbackReason, started: float, raw: str = "", error: str = "") -> LLMResult:
    return LLMResult("", (), Verification(), reason, raw, (time.monotonic() - started) * 1000, error)


def _reason_for(exc: BaseException) -> FallbackReason:
    # httpx.ReadTimeout, openai.APITimeoutError, ollama's timeouts: all name themselves so.
    if isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    return "llm_unavailable"


def _says_not_covered(raw: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s.replace("’", "'").lower()).strip()

    return norm(NOT_COVERED) in norm(raw)


# --- the writer ----------------------------------------------------------------------------------


def _pump(
    model: Any,
    messages: list[Any],
    out: queue.SimpleQueue[tuple[str, Any]],
    cancel: threading.Event,
    lock: AbstractContextManager[Any],
) -> None:
    """Worker thread: stream the model into ``out`` until done, failed or cancelled."""
    try:
        with lock:
            _pump_chunks(model, messages, out, cancel)
    except Exception as exc:
        out.put(("error", exc))


def _pump_chunks(
    model: Any, messages: list[Any], out: queue.SimpleQueue[tuple[str, Any]], cancel: threading.Event
) -> None:
    if cancel.is_set():  # waited for the lock past the deadline
        return
    chunks = model.stream(messages)
    try:
        for chunk in chunks:
            if cancel.is_set():
                return
            if text := chunk.text:
                out.put(("delta", text))
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # stops generation in an in-process model, frees the HTTP stream otherwise
    out.put(("done", None))


class LLMStream:
    """One streamed answer: iterate it for raw text deltas, then read ``result``.

    Iteration ends by itself at the deadline. ``result`` is the verified LLMResult; reading it before
    the iteration has finished consumes the rest of the stream first. Raw deltas are unverified: show
    them as a draft at most, and replace them with ``result.text`` (or the extractive answer).
    """

    def __init__(
        self, writer: LLMWriter, question: str, passages: Sequence[tuple[int, Chunk]], allow: Allow | None = None,
        subjects: Sequence[str] = (),
    ) -> None:
        self._writer = writer
        self._question = question
        self._passages = list(passages)
        self._allow = allow
        self._subjects = tuple(subjects)
        self._result: LLMResult | None = None
        self._deltas = self._run()

    def __iter__(self) -> Iterator[str]:
        return self._deltas

    @property
    def result(self) -> LLMResult:
        """The verified result (drains the stream if needed)."""
        for _ in self._deltas:
            pass
        if self._result is None:  # closed before it ever started
            self._result = _failure("cancelled", time.monotonic())
        return self._result

    def _run(self) -> Iterator[str]:
        started = time.monotonic()
        deadline = started + self._writer.timeout_s
        if not self._passages:
            self._result = _failure("too_little_supported", started)
            return
        out: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        cancel = threading.Event()
        messages = self._writer.messages(self._question, self._passages)
        # A daemon thread: a hung server must not keep the process alive or the patient waiting.
        threading.Thread(
            target=_pump,
            args=(self._writer.chat_model, messages, out, cancel, self._writer.model_lock),
            name="citecare-llm",
            daemon=True,
        ).start()
        parts: list[str] = []
        try:
            while True:
                try:
                    kind, payload = out.get(timeout=max(deadline - time.monotonic(), 0.001))
                except queue.Empty:
                    log.warning("LLM writer timed out after %.1f s", self._writer.timeout_s)
                    self._result = _failure("timeout", started, "".join(parts))
                    return
                if kind == "error":
                    log.warning("LLM writer failed: %s", type(payload).__name__)
                    self._result = _failure(
                        _reason_for(payload), started, "".join(parts), type(payload).__name__
                    )
                    return
                if kind == "done":
                    break
                parts.append(payload)
                yield payload
            self._result = self._writer.verify("".join(parts), self._passages, started=started, allow=self._allow,
                                               subjects=self._subjects)
        finally:
            cancel.set()
            if self._result is None:  # the consumer stopped iterating early
                self._result = _failure("cancelled", started, "".join(parts))


class LLMWriter:
    """Writes a cited answer with a chat model, then keeps only the sentences its sources support."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        prompts: Prompts,
        *,
        timeout_s: float,
        min_kept_sentences: int = 1,
        min_overlap: float = 0.6,
        serial: bool = False,
    ) -> None:
        """``serial`` runs one generation at a time: needed for in-process models (llama.cpp), which are
        not thread-safe; a caller waiting for the model past its deadline falls back with "timeout"."""
        self.chat_model = chat_model
        self.prompts = prompts
        self.timeout_s = timeout_s
        self.min_kept_sentences = min_kept_sentences
        self.min_overlap = min_overlap
        self.model_lock: AbstractContextManager[Any] = threading.Lock() if serial else nullcontext()
        self.system_prompt = prompts.render("answer_system", not_covered=NOT_COVERED)

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMWriter | None:
        """The writer configured by ``settings``, or None when ``settings.llm`` is "none"."""
        model = build_chat_model(settings)
        if model is None:
            return None
        return cls(
            model, load_prompts(settings), timeout_s=settings.llm_timeout_s, serial=settings.llm == "llamacpp"
        )

    def messages(self, question: str, passages: Sequence[tuple[int, Chunk]]) -> list[BaseMessage]:
        """The chat messages sent to the model: rules as the system message, passages as delimited data."""
        from langchain_core.messages import HumanMessage, SystemMessage

        user = self.prompts.render(
            "answer_user", question=neutralise(question), passages=render_passages(passages)
        )
        return [SystemMessage(content=self.system_prompt), HumanMessage(content=user)]

    def write(self, question: str, passages: Sequence[tuple[int, Chunk]], allow: Allow | None = None,
              subjects: Sequence[str] = ()) -> LLMResult:
        """Answer ``question`` from ``passages`` (numbered as cited); never raises for model failures.
        ``subjects`` (names of what was asked about): a sentence about something else is dropped."""
        return self.stream(question, passages, allow, subjects).result

    def stream(self, question: str, passages: Sequence[tuple[int, Chunk]], allow: Allow | None = None,
               subjects: Sequence[str] = ()) -> LLMStream:
        """Like ``write``, streamed: iterate the returned LLMStream for raw deltas, then read ``.result``."""
        return LLMStream(self, question, passages, allow, subjects)

    def check(self, text: str, passages: Sequence[tuple[int, Chunk]], allow: Allow | None = None,
              subjects: Sequence[str] = ()) -> Verification:
        """THE check of model text, used for every streamed sentence and for the final answer alike: each
        sentence must be supported by a passage it cites (quarantined sentences removed), keep each number with
        its own drug, be about the asked ``subjects``, and pass the output policy (``allow``; default: the
        safety policy every writer obeys)."""
        allow = allow or default_policy().allows
        texts = {n: passage_text(chunk) for n, chunk in passages}

        def policy(sentence: str) -> tuple[str, ...]:
            if allow(sentence):
                return ()
            return default_policy().reasons(sentence) or ("output_policy",)

        return verify_answer(text, texts, min_overlap=self.min_overlap, policy=policy,
                             about={n: about(chunk) for n, chunk in passages}, subjects=subjects)

    def verify(
        self, raw: str, passages: Sequence[tuple[int, Chunk]], *, started: float | None = None,
        allow: Allow | None = None, subjects: Sequence[str] = (),
    ) -> LLMResult:
        """Verify a raw model answer against ``passages`` and build the result (also usable on stored output)."""
        started = time.monotonic() if started is None else started
        checked = self.check(raw, passages, allow, subjects)
        if len(checked.kept) < self.min_kept_sentences:
            reason: FallbackReason = "not_covered" if _says_not_covered(raw) else "too_little_supported"
            return LLMResult("", (), checked, reason, raw, (time.monotonic() - started) * 1000)
        used = tuple(sorted({n for s in checked.kept for n in s.supported_by}))
        text = " ".join(s.with_markers() for s in checked.kept)
        return LLMResult(text, used, checked, None, raw, (time.monotonic() - started) * 1000)
