"""The lean HTTP path: `GET /healthz` (readiness) and `POST /api/answer` (JSON, optionally streamed).

Mounted into the web app by one `include_router` call; no Gradio here, so a programmatic client or a
load test pays for one JSON round trip, not for Gradio's queue and event stream.

`POST /api/answer` takes ``{"question": str, "history": [{"role", "content"}, ...], "stream": bool}``
and returns the `Answer` as JSON (or, with ``stream``, NDJSON lines ``{"delta": ...}`` and a last
``{"answer": {...}}``). Protection so one client cannot starve the others:
- an input cap (request body bytes, question length, history length): 413 / 422;
- a per-client token bucket (`CITECARE_API_RATE_PER_MINUTE`, burst `CITECARE_API_BURST`): 429 + Retry-After;
- at most `CITECARE_MAX_CONCURRENCY` answers computed at once (the engine is CPU-bound: more threads
  than cores only adds contention) and at most `CITECARE_MAX_QUEUE` waiting: 503 + Retry-After;
- 503 + Retry-After while the engine is starting (`/healthz` says ``ready: false``).
The client is the socket's peer address; behind a reverse proxy every patient shares the proxy's
address, so the proxy should rate-limit per patient instead.

`/healthz` answers 200 when ``ok`` (ready and serving a non-empty library) and 503 otherwise, with
the JSON described in `citecare.app.readiness`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field, ValidationError

from citecare.config import Settings
from citecare.errors import EngineStarting, IndexNotReady
from citecare.protocols import AnswerEngine
from citecare.text import parse_history
from citecare.types import Answer, Turn

log = logging.getLogger("citecare.api")

MAX_HISTORY_MESSAGES = 40
SORRY = "Sorry, something went wrong on our side and I couldn't answer that. Please try again in a moment."
BUSY = "CiteCare is busy right now. Please try again in a few seconds."


class AnswerRequest(BaseModel):
    question: str = Field(min_length=1)
    history: list[dict[str, Any]] = Field(default_factory=list, max_length=MAX_HISTORY_MESSAGES)
    stream: bool = False


class TokenBuckets:
    """Per-client token buckets: ``rate_per_minute`` sustained, ``burst`` at once. Thread-safe, bounded."""

    def __init__(self, rate_per_minute: float, burst: int, *, max_clients: int = 10_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(max(1, burst))
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds to wait before the next one."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            if wait == 0.0:
                tokens -= 1.0
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


def _error(status: int, code: str, message: str, retry_after: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(1, int(retry_after + 0.999)))} if retry_after is not None else None
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def build_api_router(engine: AnswerEngine, settings: Settings) -> APIRouter:
    """`/healthz` and `/api/answer` around an engine (an `EngineStarter` while the app starts)."""
    router = APIRouter()
    buckets = TokenBuckets(settings.api_rate_per_minute, settings.api_burst)
    limiter = anyio.CapacityLimiter(settings.max_concurrency)
    waiting = {"n": 0}
    max_question = settings.max_question_chars * 2  # the engine refuses long questions kindly; this bounds work

    @router.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            health = dict(engine.health())
        except Exception as exc:
            log.error("health check failed: %s", type(exc).__name__)
            return JSONResponse({"ok": False, "ready": False, "status": "unavailable", "error": type(exc).__name__,
                                 "documents": 0, "chunks": 0, "index_version": 0}, status_code=503)
        health.setdefault("ready", bool(health.get("ok")))
        return JSONResponse(health, status_code=200 if health.get("ok") else 503)

    @router.post("/api/answer", response_model=None)
    async def answer(request: Request) -> JSONResponse | StreamingResponse:
        client = request.client.host if request.client else "unknown"
        wait = buckets.take(client)
        if wait > 0:
            return _error(429, "rate_limited", "Too many questions at once; please wait a moment.", wait)
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_request_bytes:
            return _error(413, "too_large", "The request is too large.")
        body = await request.body()
        if len(body) > settings.max_request_bytes:
            return _error(413, "too_large", "The request is too large.")
        try:
            req = AnswerRequest.model_validate_json(body)
            history = parse_history(req.history, limit=MAX_HISTORY_MESSAGES)
        except (ValidationError, ValueError) as exc:
            return _error(422, "invalid_request", _first_problem(exc))
        if len(req.question) > max_question:
            return _error(413, "too_large", f"Questions are limited to {settings.max_question_chars} characters.")
        if waiting["n"] >= settings.max_queue:
            return _error(503, "busy", BUSY, 2)
        if req.stream:
            return StreamingResponse(_stream(engine, req.question, history, limiter, waiting),
                                     media_type="application/x-ndjson")
        waiting["n"] += 1
        try:
            result = await anyio.to_thread.run_sync(engine.ask, req.question, history, limiter=limiter)
        except EngineStarting as exc:
            return _error(503, "starting", str(exc), 5)
        except IndexNotReady as exc:
            return _error(503, "not_ready", str(exc), 30)
        except Exception as exc:  # never a traceback to a client
            log.error("api answer failed: %s", type(exc).__name__)
            return _error(500, "internal", SORRY)
        finally:
            waiting["n"] -= 1
        return JSONResponse(result.to_dict())

    return router


async def _stream(engine: AnswerEngine, question: str, history: tuple[Turn, ...], limiter: anyio.CapacityLimiter,
                  waiting: dict[str, int]) -> Any:
    """NDJSON: {"delta": "..."} lines, then {"answer": {...}} (or {"error": ...})."""
    waiting["n"] += 1
    try:
        async with limiter:
            events: Iterator[Any] = iter(())
            try:
                events = await anyio.to_thread.run_sync(engine.stream, question, history)
                while True:
                    event = await anyio.to_thread.run_sync(next, events, None)
                    if event is None:
                        break
                    if event.answer is not None:
                        yield _line({"answer": Answer.to_dict(event.answer)})
                        return
                    yield _line({"delta": event.delta})
            except IndexNotReady as exc:
                yield _line({"error": "starting" if isinstance(exc, EngineStarting) else "not_ready",
                             "message": str(exc)})
            except Exception as exc:
                log.error("api stream failed: %s", type(exc).__name__)
                yield _line({"error": "internal", "message": SORRY})
    finally:
        waiting["n"] -= 1


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False) + "\n").encode()


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ())) or "body"
        return f"{where}: {err.get('msg', 'invalid')}"
    return str(exc)
