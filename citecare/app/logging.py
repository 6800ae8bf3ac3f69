"""Privacy: what CiteCare may write to its logs.

By default no chat text is logged: only event names, answer kinds, timings, counts and ids. With
``settings.log_chat_text`` on, text fields are logged too, and always redacted first (emails, phone
numbers, dates of birth and other dates, record numbers, long digit runs).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Mapping
from typing import Any

from citecare.config import Settings

# Fields that may carry patient words; logged only when settings.log_chat_text is on, and redacted.
TEXT_FIELDS = frozenset({"question", "text", "answer", "history", "message", "resolved_question", "query", "prompt"})
# Short identifier-like string fields that are always safe to log.
ID_FIELDS = frozenset({"event", "kind", "writer", "request_id", "session_id", "status", "error_type", "model", "reasons",
                       "doc_id", "doc_ids", "chunk_id", "chunk_ids", "case_id", "stage", "index_version"})
_ID_VALUE = re.compile(r"^[\w.:/@+-]{1,120}$")

_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTHS},? \d{{4}}|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})")
# Order matters: specific patterns first, so a date of birth is not taken for a phone number.
REDACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")),
    ("[dob]", re.compile(rf"\b(?:dob|d\.o\.b\.?|date of birth|born(?: on)?|birthday(?: is)?)\s*[:=-]?\s*{_DATE}", re.I)),
    ("[record-number]", re.compile(
        r"\b(?:mrn|medical record(?: number| no\.?| #)?|record (?:number|no\.?|#)|patient (?:id|number|no\.?)|"
        r"hospital (?:number|no\.?)|nhs (?:number|no\.?)|chart (?:number|no\.?|#)|member id|insurance id|policy (?:number|no\.?))"
        r"\s*(?:is\s*)?[:#=-]?\s*[A-Z0-9][A-Z0-9 -]{2,20}[0-9]\b", re.I)),
    ("[ssn]", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),
    ("[date]", re.compile(rf"\b{_DATE}\b", re.I)),
    ("[phone]", re.compile(r"(?<![\w.])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b")),
    ("[number]", re.compile(r"\b\d{7,}\b")),
)


def redact(text: str) -> str:
    """Replace emails, phone numbers, dates of birth, dates, record numbers and long numbers by tags."""
    for tag, pattern in REDACTIONS:
        text = pattern.sub(tag, text)
    return text


def new_request_id() -> str:
    """A random id that links the log lines of one question without logging its text."""
    return uuid.uuid4().hex[:16]


def log_fields(settings: Settings, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that may be logged: numbers, booleans, ids and timings always; text only if allowed.

    Text fields (``question``, ``answer`` …) are dropped unless ``settings.log_chat_text``, and then
    redacted. Any other string that does not look like an id is dropped too, so text cannot leak
    through a field with an unexpected name.
    """
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in TEXT_FIELDS:
            if settings.log_chat_text and value is not None:
                out[key] = redact(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            continue
        safe = _safe_value(key, value)
        if safe is not None:
            out[key] = safe
    return out


def _safe_value(key: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if key in ID_FIELDS and _ID_VALUE.match(value) else None
    if isinstance(value, Mapping):  # e.g. timings_ms
        nested = {str(k): v for k, v in value.items() if isinstance(v, bool | int | float)}
        return nested or None
    if isinstance(value, list | tuple | set | frozenset):
        items = [v for v in value if isinstance(v, bool | int | float)
                 or (key in ID_FIELDS and isinstance(v, str) and _ID_VALUE.match(v))]
        return items or None
    return None


def log_event(logger: logging.Logger, settings: Settings, event: str, level: int = logging.INFO,
              **fields: Any) -> dict[str, Any]:
    """Log one event as a JSON line of :func:`log_fields`; returns what was logged (for tests)."""
    record = {"event": event, **log_fields(settings, fields)}
    logger.log(level, json.dumps(record, ensure_ascii=False, sort_keys=True, default=str))
    return record
