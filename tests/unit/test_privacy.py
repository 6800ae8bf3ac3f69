"""Privacy: redaction, and logging that carries no chat text unless settings.log_chat_text."""

from __future__ import annotations

import json
import logging
import re

import pytest

from citecare.app.logging import REDACTIONS, log_event, log_fields, new_request_id, redact
from citecare.config import Settings


def _settings(**overrides: object) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg, arg-type]


@pytest.mark.parametrize(("text", "gone", "tag"), [
    ("email me at jane.doe+rx@example.co.uk please", "jane.doe", "[email]"),
    ("call me on (555) 123-4567", "123-4567", "[phone]"),
    ("my mobile is +44 20 7946 0958", "7946", "[phone]"),
    ("or 555.123.4567 after six", "555.123", "[phone]"),
    ("poison control is 1-800-222-1222", "222-1222", "[phone]"),
    ("DOB: 03/14/1962, on methotrexate", "1962", "[dob]"),
    ("I was born on March 14, 1962", "March 14", "[dob]"),
    ("date of birth 1962-03-14", "1962-03-14", "[dob]"),
    ("MRN: 00123456 at St Mary's", "00123456", "[record-number]"),
    ("medical record number AB-99812", "AB-99812", "[record-number]"),
    ("patient id 7781-2345", "7781", "[record-number]"),
    ("NHS number 943 476 5919", "476", "[record-number]"),
    ("ssn 123-45-6789", "123-45-6789", "[ssn]"),
    ("my appointment is on 2024-05-01", "2024-05-01", "[date]"),
    ("card 4111111111111111", "4111111111111111", "[number]"),
])
def test_redact_removes_identifiers(text: str, gone: str, tag: str) -> None:
    out = redact(text)
    assert gone not in out
    assert tag in out


@pytest.mark.parametrize("text", [
    "I take 15 mg of methotrexate weekly and 2.5mg tablets",
    "my temperature is 38.5 and my CRP was 12",
    "source reviewed 2024-05",
    "what are the side effects of prednisone?",
    "week 12 of 52, 3 times a day",
])
def test_redact_keeps_ordinary_health_text(text: str) -> None:
    assert redact(text) == text


def test_redact_handles_large_text_without_nested_repetition() -> None:
    """Linear by construction (speed itself is for benchmarks): no pattern repeats a group that itself repeats,
    the shape that backtracks catastrophically; and a ~1 MB text is fully redacted."""
    nested = re.compile(r"\((?:[^()]|\([^()]*\))*[+*](?:[^()]|\([^()]*\))*\)[+*{]")
    assert [p.pattern for _, p in REDACTIONS if nested.search(p.pattern)] == []
    text = "call 555-123-4567 or mail a@b.org on 01/02/1990 " * 20_000  # ~1 MB
    out = redact(text)
    assert "555-123" not in out and "a@b.org" not in out


def test_no_chat_text_by_default() -> None:
    fields = log_fields(_settings(), {
        "kind": "answer", "request_id": "abc123", "timings_ms": {"guard": 0.4, "total": 12.5},
        "question": "my MRN is 12345678, can I stop prednisone?", "answer": "Talk to your doctor [1]",
        "history": ["I have lupus"], "reasons": ["medical_advice:change_dose_or_stop"], "n_citations": 2,
        "chunk_ids": ["seed-1", "seed-2"], "surprise": "a free text field someone added by mistake",
    })
    assert fields == {
        "kind": "answer", "request_id": "abc123", "timings_ms": {"guard": 0.4, "total": 12.5},
        "reasons": ["medical_advice:change_dose_or_stop"], "n_citations": 2, "chunk_ids": ["seed-1", "seed-2"],
    }


def test_chat_text_logged_only_when_enabled_and_redacted() -> None:
    fields = log_fields(_settings(log_chat_text=True), {
        "question": "I'm jane@example.com, DOB 01/02/1960, can I stop prednisone?", "history": ["call 555-123-4567"],
    })
    assert fields["question"] == "I'm [email], [dob], can I stop prednisone?"
    assert "555-123-4567" not in fields["history"] and "[phone]" in fields["history"]


def test_log_event_writes_one_json_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("citecare.test_privacy")
    with caplog.at_level(logging.INFO, logger=logger.name):
        record = log_event(logger, _settings(), "answered", kind="emergency", question="I can't breathe",
                           timings_ms={"guard": 0.2})
    assert record == {"event": "answered", "kind": "emergency", "timings_ms": {"guard": 0.2}}
    assert len(caplog.records) == 1
    logged = caplog.records[0].getMessage()
    assert json.loads(logged) == record
    assert "breathe" not in logged


def test_request_ids_are_random_and_short() -> None:
    ids = {new_request_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 16 and i.isalnum() for i in ids)
