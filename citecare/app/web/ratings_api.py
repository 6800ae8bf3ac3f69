"""Educator ratings over plain HTTP, from any replica: the same store as the workbench (shared when
CITECARE_DATABASE_URL points at PostgreSQL), for scripts and for checking a multi-replica deployment.

    POST /api/ratings   {"question", "answer": <Answer JSON>, "thumbs": "up"|"down",
                         "labels"?: [...RATING_LABELS], "comment"?: str, "history"?: [{role, content}]}
                        → 201 {"id": n}
    GET  /api/ratings   → the eval cases of `citecare export-ratings` (JSONL)

Both need the educator credentials (HTTP Basic, compared in constant time); when none are configured the
routes answer 404, like the workbench being off. Bad input gets 422, an unreachable database 503.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel, Field

from citecare.app.ratings import Rating
from citecare.app.ratings_store import RatingsStore, RatingsUnavailable
from citecare.app.web.workbench import check_credentials, workbench_enabled
from citecare.config import Settings
from citecare.text import parse_history
from citecare.types import Answer

log = logging.getLogger(__name__)
_basic = HTTPBasic(auto_error=False)


class RatingIn(BaseModel):
    question: str = Field(min_length=1, max_length=20_000)
    answer: dict[str, Any]
    thumbs: Literal["up", "down"]
    labels: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field("", max_length=5_000)
    history: list[dict[str, Any]] = Field(default_factory=list, max_length=40)


def add_ratings_api(api: FastAPI, store: RatingsStore, settings: Settings) -> None:
    """Add /api/ratings to ``api`` (before Gradio is mounted at /, so these routes come first)."""
    router = APIRouter()

    def educator(credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> None:
        if not workbench_enabled(settings):
            raise HTTPException(404)
        if credentials is None or not check_credentials(settings, credentials.username, credentials.password):
            log.warning("ratings API: sign-in refused")
            raise HTTPException(401, "educator credentials needed", headers={"WWW-Authenticate": "Basic"})

    @router.post("/api/ratings", status_code=201, dependencies=[Depends(educator)])
    def add_rating(body: RatingIn) -> JSONResponse:
        try:
            rating = Rating(question=body.question, answer=Answer.from_dict(body.answer), thumbs=body.thumbs,
                            labels=tuple(body.labels), comment=body.comment.strip(),
                            history=parse_history(body.history, strict=True))
            rid = store.add(rating)
        except RatingsUnavailable as exc:
            log.error("ratings API: %s", exc)
            raise HTTPException(503, "the ratings database is unavailable; try again") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise HTTPException(422, f"invalid rating: {exc}") from None
        return JSONResponse({"id": rid}, status_code=201)

    @router.get("/api/ratings", dependencies=[Depends(educator)])
    def export_ratings() -> PlainTextResponse:
        try:
            cases = store.eval_cases()
        except RatingsUnavailable as exc:
            log.error("ratings API: %s", exc)
            raise HTTPException(503, "the ratings database is unavailable; try again") from None
        body = "".join(json.dumps(case, ensure_ascii=False) + "\n" for case in cases)
        return PlainTextResponse(body, media_type="application/x-ndjson")

    api.include_router(router)
