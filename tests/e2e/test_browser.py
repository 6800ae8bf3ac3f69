"""The real app in a real browser: Debian chromium driven by Playwright (`playwright install` is not used).

Screenshots go to $CITECARE_ARTIFACTS_DIR when set (CI keeps them as artefacts), else to a temp folder.
Without /usr/bin/chromium these tests fail under CI=true and are skipped locally.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from citecare.app.web import server
from citecare.config import Settings
from tests.conftest import make_settings
from tests.fakes import FakeEngine

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_QUESTION = "Why do I need blood tests on immunosuppressants?"
INJECTION = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
EDUCATOR, PASSWORD = "educator", "correct horse battery staple"
TIMEOUT_MS = 60_000


def launch_chromium(playwright: Any, user_data_dir: str) -> Any:
    """A headless Debian chromium with a fresh profile (shared with scripts/bench_ui.py)."""
    return playwright.chromium.launch_persistent_context(
        user_data_dir, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Debian chromium is missing at {CHROMIUM} (apt-get install -y chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="citecare-chromium-") as profile:
        context = launch_chromium(pw, profile)
        yield context
        context.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("CITECARE_ARTIFACTS_DIR")
    path = Path(env) if env else tmp_path_factory.mktemp("browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def served(seed_engine: Any, seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, Settings]]:
    """The real engine on the seed index, with educator credentials and a fresh ratings database."""
    settings = seed_settings.model_copy(update={
        "educator_username": EDUCATOR,
        "educator_password": SecretStr(PASSWORD),
        "ratings_db": tmp_path_factory.mktemp("ratings") / "ratings.sqlite3",
    })
    with server.build_app(seed_engine, settings).running() as url:
        yield url, settings


@pytest.fixture(scope="module")
def examples(seed_engine: Any) -> tuple[str, ...]:
    return tuple(seed_engine.overview().examples)


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    outside: list[str] = []  # the page must not call anything but our own server
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(url) else None)
    page.goto(url)
    page.evaluate("localStorage.clear()")  # the profile is shared by this module's tests: start each one afresh
    page.reload()
    page.wait_for_selector("#cc-question textarea", timeout=TIMEOUT_MS)
    return page, outside


def _ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, wait for the final (non-streaming) answer; returns its locator."""
    before = page.locator("#cc-chat .cc-final").count()
    page.fill("#cc-question textarea", question)
    page.press("#cc-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#cc-chat .cc-final').length > {before}",
                           timeout=TIMEOUT_MS)
    return page.locator("#cc-chat .cc-final").last


def test_seed_question_streams_cites_and_shows_the_notice(browser: Any, served: tuple[str, Settings],
                                                          artifacts: Path, examples: tuple[str, ...]) -> None:
    url, _ = served
    page, outside = _open(browser, url)
    notice = page.locator("#cc-safety")
    assert notice.is_visible()
    assert "not medical advice" in notice.inner_text() and "In an emergency call 911" in notice.inner_text()
    assert page.get_by_role("button", name=f"Select example 1: {examples[0]}").is_visible()

    page.evaluate("""() => { window.__sawStreaming = false;
        new MutationObserver(() => { if (document.querySelector('#cc-chat .cc-streaming')) window.__sawStreaming = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    answer = _ask(page, SEED_QUESTION)
    assert "cc-kind-answer" in (answer.get_attribute("class") or "")
    assert "blood test" in answer.locator(".cc-answer-text").inner_text().lower()
    assert answer.locator(".cc-ref").first.is_visible()  # the [1] marker
    print(f"streaming state seen in the browser: {page.evaluate('window.__sawStreaming')}")

    source = answer.locator("details.cc-source").first
    assert not source.locator(".cc-passage").first.is_visible()  # collapsed until opened
    source.locator("summary").click()
    passage = source.locator(".cc-passage").first
    assert passage.is_visible()
    marks = [m.lower() for m in source.locator(".cc-passage mark").all_inner_texts()]
    assert any("blood test" in m for m in marks), marks
    summary = source.locator("summary").inner_text()
    assert summary.startswith("[1]") and "Immunosuppressants" in summary
    assert notice.is_visible()
    assert page.get_by_text("Not medical advice", exact=False).first.is_visible() or answer.locator(
        ".cc-disclaimer").is_visible()
    assert outside == [], f"the page fetched outside resources: {outside}"

    desktop = artifacts / "chat-desktop.png"
    page.screenshot(path=str(desktop), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    phone = artifacts / "chat-phone.png"
    page.screenshot(path=str(phone), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    print(f"screenshots: {desktop} {phone}")
    page.close()


def test_injection_renders_as_text_and_runs_nothing(browser: Any, served: tuple[str, Settings],
                                                    artifacts: Path) -> None:
    url, _ = served
    page, outside = _open(browser, url)
    _ask(page, INJECTION)
    page.wait_for_timeout(500)  # give an onerror handler every chance to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    bubble = page.locator("#cc-chat").get_by_text(INJECTION, exact=True)
    assert bubble.is_visible()
    assert page.locator("#cc-chat img").count() == 0 and page.locator("#cc-chat script").count() == 0
    assert outside == [], f"the page fetched outside resources: {outside}"
    page.screenshot(path=str(artifacts / "chat-injection.png"), full_page=True)
    page.close()


def test_example_then_start_over(browser: Any, served: tuple[str, Settings], examples: tuple[str, ...]) -> None:
    url, _ = served
    page, _ = _open(browser, url)
    page.get_by_role("button", name=f"Select example 2: {examples[1]}").click()
    page.wait_for_selector("#cc-chat .cc-final", timeout=TIMEOUT_MS)
    assert page.locator("#cc-chat").get_by_text(examples[1]).is_visible()
    assert "cc-kind-answer" in (page.locator("#cc-chat .cc-final").last.get_attribute("class") or "")
    page.get_by_role("button", name="Start over").click()
    page.wait_for_function("document.querySelectorAll('#cc-chat .cc-final').length === 0", timeout=TIMEOUT_MS)
    # The examples come back a moment after the chat empties (under load the first check ran before them).
    example = page.get_by_role("button", name=f"Select example 1: {examples[0]}")
    example.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert example.is_visible()
    page.close()


class SlowFollowUps(FakeEngine):
    """Its follow-up suggestions wait until the test lets them go, as a busy server's do."""

    def __init__(self) -> None:
        super().__init__()
        self.release, self.returned = threading.Event(), threading.Event()

    def suggest_follow_ups(self, answer: Any, history: Any = ()) -> list[str]:
        self.release.wait(TIMEOUT_MS / 1000)
        self.returned.set()
        return super().suggest_follow_ups(answer, history)


def test_start_over_while_follow_ups_are_coming_keeps_the_chat_empty(browser: Any, tmp_path: Path) -> None:
    """CI failed once on a loaded machine: the answer's follow-ups arrived after Start over and put it back."""
    engine = SlowFollowUps()
    with server.build_app(engine, make_settings(tmp_path)).running() as url:
        page, _ = _open(browser, url)
        _ask(page, "How often should my blood be checked?")
        page.get_by_role("button", name="Start over").click()
        page.wait_for_function("document.querySelectorAll('#cc-chat .cc-final').length === 0", timeout=TIMEOUT_MS)
        engine.release.set()
        assert engine.returned.wait(TIMEOUT_MS / 1000)
        page.wait_for_timeout(1500)  # what the server sends after the suggestions returns within this
        assert page.locator("#cc-chat .cc-final").count() == 0
        assert page.locator("#cc-chat").get_by_text("How often should my blood be checked?").count() == 0
        final = _ask(page, "What is chronic pain?")
        assert page.locator("#cc-chat .cc-final").count() == 1 and final.is_visible()
        assert page.locator("#cc-chat").get_by_text("How often should my blood be checked?").count() == 0
        page.close()


def test_educator_workbench_refuses_wrong_credentials_then_rates(browser: Any, served: tuple[str, Settings],
                                                                 artifacts: Path) -> None:
    url, settings = served
    page = browser.new_page()
    page.goto(url + "/educator/")
    page.locator("#cc-wb-login").wait_for(timeout=TIMEOUT_MS)
    page.fill("#cc-wb-user input, #cc-wb-user textarea", EDUCATOR)
    page.fill("#cc-wb-password input", "wrong password")
    page.click("#cc-wb-login")
    page.get_by_text("Wrong username or password").wait_for(timeout=TIMEOUT_MS)
    assert not page.locator("#cc-wb-question").is_visible()

    page.fill("#cc-wb-password input", PASSWORD)
    page.click("#cc-wb-login")
    page.locator("#cc-wb-question").wait_for(state="visible", timeout=TIMEOUT_MS)
    page.fill("#cc-wb-question textarea", SEED_QUESTION)
    page.click("#cc-wb-ask")
    page.wait_for_function("document.querySelector('#cc-wb-kind input, #cc-wb-kind textarea')?.value === 'answer'",
                           timeout=TIMEOUT_MS)
    resolved = page.locator("#cc-wb-resolved input, #cc-wb-resolved textarea").input_value()
    assert "blood test" in resolved.lower()
    chunks = page.locator("#cc-wb-chunks")
    assert chunks.get_by_text("Fused score").is_visible() and chunks.get_by_text("BM25 rank").is_visible()
    assert page.locator("#cc-wb-preview .cc-final").is_visible()

    page.locator("#cc-wb-thumbs").get_by_text("Needs work").click()
    page.locator("#cc-wb-labels").get_by_text("Incomplete").click()
    page.fill("#cc-wb-comment textarea", "Mention how often — <b>monthly</b>?")
    page.click("#cc-wb-rate")
    page.get_by_text("Saved rating #1").wait_for(timeout=TIMEOUT_MS)
    with sqlite3.connect(settings.ratings_db) as conn:
        rows = conn.execute("SELECT question, thumbs, labels, comment, answer FROM ratings").fetchall()
    assert len(rows) == 1
    question, thumbs, labels, comment, answer = rows[0]
    assert (question, thumbs, json.loads(labels)) == (SEED_QUESTION, "down", ["incomplete"])
    assert comment == "Mention how often — <b>monthly</b>?" and json.loads(answer)["kind"] == "answer"

    page.click("#cc-wb-export")
    link = page.locator("#cc-wb-export-file a").first
    link.wait_for(timeout=TIMEOUT_MS)
    exported = httpx.get(httpx.URL(url).join(link.get_attribute("href") or ""), timeout=10).text
    case = json.loads(exported.splitlines()[0])
    assert case["question"] == SEED_QUESTION and "from-rating" in case["tags"] and "incomplete" in case["tags"]
    page.screenshot(path=str(artifacts / "workbench.png"), full_page=True)
    page.close()


def test_workbench_is_off_without_credentials(browser: Any, tmp_path: Path) -> None:
    app = server.build_app(FakeEngine(), make_settings(tmp_path))
    with app.running() as url:
        page = browser.new_page()
        page.goto(url + "/educator/")
        off = page.locator("#cc-wb-off")
        off.wait_for(timeout=TIMEOUT_MS)
        assert "set CITECARE_EDUCATOR_USERNAME and CITECARE_EDUCATOR_PASSWORD" in off.inner_text()
        assert page.locator("input[type=password]").count() == 0
        page.close()
