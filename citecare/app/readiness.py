"""Start the engine in the background so the server can answer `/healthz` ("starting…") at once.

`EngineStarter` is an `AnswerEngine`: before the engine is ready, `health()` says
``{"ok": false, "ready": false, "status": "starting", ...}`` and `ask`/`stream` raise `EngineStarting`
(the UI shows its "not loaded yet" message, the JSON API answers 503 with Retry-After). It becomes
ready only after the model is loaded, the first snapshot of the library is loaded and one question has
gone through the whole flow (warm-up), so the first patient never pays for a cold path. When the index
is missing or empty it says ``status: "unavailable"`` with the reason, and tries again every few
seconds, so a later `citecare ingest` makes a running app ready without a restart. Once ready, the same
thread runs the engine's ``watch`` (when it has one): new library versions are loaded in the background.

The /healthz contract (other parts build on it): JSON with at least ``ok`` (bool: answers will work),
``ready`` (bool: start-up finished), ``documents``, ``chunks``, ``index_version`` (ints), plus
``status`` ("starting" | "ready" | "unavailable") and, when not ready, ``message``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from citecare.errors import CiteCareError, EngineStarting
from citecare.protocols import AnswerEngine
from citecare.types import Answer, LibraryOverview, StreamEvent, Turn

log = logging.getLogger("citecare.readiness")

STARTING_MESSAGE = "CiteCare is starting: loading its sources. Please try again in a few seconds."
_RETRY_S = 5.0


class EngineStarter:
    """An AnswerEngine that loads the real one in a background thread and reports readiness."""

    def __init__(self, factory: Callable[[], AnswerEngine], *, retry_s: float = _RETRY_S) -> None:
        self._factory = factory
        self._retry_s = retry_s
        self._engine: AnswerEngine | None = None
        self._problem = ""
        self._started = time.monotonic()
        self._ready_after_s: float | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def start(self) -> EngineStarter:
        """Begin loading (idempotent); returns self."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="citecare-engine-start", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until ready (True) or the timeout passes (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._engine is None:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    @property
    def engine(self) -> AnswerEngine | None:
        return self._engine

    @property
    def ready_after_s(self) -> float | None:
        """Seconds from construction to ready (None while not ready)."""
        return self._ready_after_s

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                engine = self._factory()
                warm = getattr(engine, "warm_up", None)
                if callable(warm):
                    warm()
            except CiteCareError as exc:  # no index yet, model missing: say so and try again
                self._problem = str(exc)
                log.warning("engine not ready: %s", exc)
                self._stop.wait(self._retry_s)
                continue
            except Exception as exc:  # unexpected: keep the server up, report it, retry
                self._problem = f"the engine failed to start ({type(exc).__name__}); see the server log"
                log.exception("engine start failed")
                self._stop.wait(self._retry_s)
                continue
            self._ready_after_s = round(time.monotonic() - self._started, 2)
            self._problem = ""
            self._engine = engine
            log.info("engine ready after %.1f s", self._ready_after_s)
            watch = getattr(engine, "watch", None)
            if callable(watch):  # from now on, this thread picks up new library versions
                watch(self._stop)
            return

    # --- AnswerEngine ------------------------------------------------------------------------
    def _ready_engine(self) -> AnswerEngine:
        if self._engine is None:
            raise EngineStarting(self._problem or STARTING_MESSAGE)
        return self._engine

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        return self._ready_engine().ask(question, history)

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        return self._ready_engine().stream(question, history)

    def overview(self) -> LibraryOverview:
        return self._ready_engine().overview()

    def suggest_follow_ups(self, answer: Answer, history: Sequence[Turn] = ()) -> list[str]:
        return self._ready_engine().suggest_follow_ups(answer, history)

    def health(self) -> dict[str, Any]:
        if self._engine is not None:
            health = dict(self._engine.health())
            health.setdefault("ready", True)
            health.setdefault("status", "ready" if health.get("ok") else "unavailable")
            health["ready_after_s"] = self._ready_after_s
            return health
        return {
            "ok": False,
            "ready": False,
            "status": "unavailable" if self._problem else "starting",
            "message": self._problem or STARTING_MESSAGE,
            "documents": 0,
            "chunks": 0,
            "index_version": 0,
            "starting_for_s": round(time.monotonic() - self._started, 1),
        }
