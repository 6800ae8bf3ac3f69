"""The patient page as a patient uses it, in Debian chromium on a desktop (1366×900) and a phone (390×844), in the
light and the dark scheme, with axe-core checking WCAG 2.1 A/AA.

One app server on the real seed engine and one browser serve the whole module; each scheme × viewport gets a fresh
browser context. Screenshots, axe results and print PDFs go to $CITECARE_ARTIFACTS_DIR (CI keeps them).
Without /usr/bin/chromium or axe-core (`make axe`) these tests fail under CI=true and are skipped locally.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from citecare.app.ratings_store import RatingsStore
from citecare.app.web.layout import CONVERSATION_KEY
from citecare.app.web.server import build_app, free_port
from citecare.config import PROJECT_ROOT, Settings
from tests.conftest import make_settings
from tests.fakes import FakeEngine

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE_JS = PROJECT_ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
COMBOS = [(device, scheme) for device in VIEWPORTS for scheme in ("light", "dark")]
COMBO_IDS = [f"{d}-{s}" for d, s in COMBOS]
SEED_QUESTION = "Why do I need blood tests on immunosuppressants?"
EMERGENCY = "I have a fever and chills on methotrexate"
TIMEOUT_MS = 60_000

# Where an element is on screen, clipped by every scrolling or clipping ancestor (the chat log scrolls).
GEOMETRY_JS = """(el) => {
  const r = el.getBoundingClientRect();
  let top = 0, bottom = window.innerHeight;
  for (let p = el.parentElement; p && p !== document.body && p !== document.documentElement; p = p.parentElement) {
    if (/(auto|scroll|hidden|clip)/.test(getComputedStyle(p).overflowY)) {
      const b = p.getBoundingClientRect();
      top = Math.max(top, b.top); bottom = Math.min(bottom, b.bottom);
    }
  }
  return {top: r.top, bottom: r.bottom, height: r.height, visTop: top, visBottom: bottom,
          shown: Math.max(0, Math.min(r.bottom, bottom) - Math.max(r.top, top))};
}"""
SCROLL_ALL_UP_JS = """() => {
  document.querySelectorAll('#cc-chat *').forEach((e) => { if (e.scrollHeight > e.clientHeight) e.scrollTop = 0; });
  window.scrollTo(0, 0);
}"""


def require(path: Path, what: str) -> None:
    """Fail under CI, skip elsewhere, when a tool the browser tests need is missing."""
    if not path.exists():
        reason = f"{what} is missing at {path}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require(CHROMIUM, "Debian chromium (apt-get install -y chromium chromium-driver)")
    require(AXE_JS, "axe-core (make axe: npm install into .cache/npm)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("CITECARE_ARTIFACTS_DIR")
    path = (Path(env) if env else tmp_path_factory.mktemp("browser-artifacts")) / "patient-ui"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def served(seed_engine: Any, seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, Settings, Any]]:
    """The real engine on the seed index with a fresh ratings database."""
    settings = seed_settings.model_copy(update={
        "ratings_db": tmp_path_factory.mktemp("ratings") / "ratings.sqlite3",
        "educator_username": "educator", "educator_password": SecretStr("a long educator password"),
    })
    with build_app(seed_engine, settings).running() as url:
        yield url, settings, seed_engine


def new_page(browser: Any, url: str, device: str, scheme: str, locale: str = "en-US") -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=VIEWPORTS[device], color_scheme=scheme, locale=locale,
                                  is_mobile=device == "phone", has_touch=device == "phone")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    outside: list[str] = []  # the page must not call anything but our own server
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(url) else None)
    page.goto(url)
    page.wait_for_selector("#cc-question textarea", timeout=TIMEOUT_MS)
    return page, outside


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, wait for the final answer; returns its locator."""
    before = page.locator("#cc-chat .cc-final").count()
    page.fill("#cc-question textarea", question)
    page.press("#cc-question textarea", "Enter")
    page.wait_for_function(f"document.querySelectorAll('#cc-chat .cc-final').length > {before}", timeout=TIMEOUT_MS)
    page.wait_for_timeout(400)  # let the page script scroll
    return page.locator("#cc-chat .cc-final").last


def geometry(locator: Any) -> dict[str, float]:
    return dict(locator.evaluate(GEOMETRY_JS))


def assert_top_in_view(locator: Any, what: str, min_shown: float = 40) -> None:
    g = geometry(locator)
    assert g["visTop"] - 1 <= g["top"] < g["visBottom"], f"{what}: its top is off screen: {g}"
    assert g["shown"] >= min(g["height"], min_shown), f"{what}: too little of it is on screen: {g}"


def run_axe(page: Any) -> dict[str, Any]:
    page.add_script_tag(path=str(AXE_JS))
    return dict(page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS))


def axe_summary(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
             "targets": [n["target"] for n in v["nodes"][:5]]} for v in result["violations"]]


@pytest.mark.parametrize(("device", "scheme"), COMBOS, ids=COMBO_IDS)
def test_patient_page(browser: Any, served: tuple[str, Settings, Any], artifacts: Path, device: str,
                      scheme: str) -> None:
    url, settings, engine = served
    combo = f"{device}-{scheme}"
    page, outside = new_page(browser, url, device, scheme)
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_selector("#cc-question textarea", timeout=TIMEOUT_MS)

    # First screen: what CiteCare is, who it is for, what it covers (from the library), what it cannot do.
    overview = engine.overview()
    assert page.get_by_role("heading", level=1, name="CiteCare").is_visible()
    intro = page.locator("#cc-intro-text").inner_text()
    assert "1 reviewed document" in intro and "CiteCare seed corpus" in intro
    assert "for patients" in intro and "cannot diagnose" in intro and "dose" in intro
    assert overview.topics and all(topic in intro for topic in overview.topics), (overview.topics, intro)
    for number in ("911", "988", "18002221222"):  # tap-to-call numbers from Settings
        assert page.locator(f'#cc-safety a[href="tel:{number}"]').is_visible()
    # Patients see neither the educator workbench nor Gradio's API panel.
    assert page.get_by_role("tab").count() == 0 and page.get_by_text("Educator", exact=False).count() == 0
    assert page.get_by_text("Use via API").count() == 0 and page.locator("footer a").count() == 0
    for example in overview.examples:
        assert page.locator("#cc-chat").get_by_text(example, exact=True).is_visible()
    page.screenshot(path=str(artifacts / f"first-screen-{combo}.png"))

    # A new reply scrolls into view; markers are buttons that open their source card at the quoted sentence.
    answer = ask(page, SEED_QUESTION)
    assert "cc-kind-answer" in (answer.get_attribute("class") or "")
    assert_top_in_view(answer, "the new answer")
    assert page.locator('#cc-chat [data-testid="bot"]').last.get_attribute("aria-label") == "CiteCare's answer"
    assert page.locator('#cc-chat [data-testid="user"]').last.get_attribute("aria-label") == "Your question"
    assert answer.get_by_role("heading", level=3, name="CiteCare's answer").count() == 1
    cards = answer.locator("details.cc-source")
    titles = cards.locator(".cc-src-title").all_inner_texts()
    assert len(titles) == len(set(titles)) >= 1, titles  # one card per source document
    summary = cards.first.locator("summary").inner_text()
    assert summary.startswith("[1]") and "CiteCare seed corpus" in summary and "reviewed 2026-11" in summary
    refs = answer.locator("button.cc-ref")
    assert refs.count() >= 2 and set(refs.locator(".cc-ref-shown").all_inner_texts()) == {"[1]"}
    assert refs.first.get_attribute("title") == "Source 1" or refs.first.inner_text().startswith("Source 1")
    assert cards.first.locator("mark").count() == refs.count()  # every quoted sentence is highlighted
    assert cards.first.get_attribute("open") is None
    page.evaluate(SCROLL_ALL_UP_JS)
    last_ref = refs.last
    last_ref.scroll_into_view_if_needed()
    last_ref.click()
    page.wait_for_timeout(400)
    assert cards.first.get_attribute("open") is not None
    target = cards.first.locator("mark.cc-target")
    assert target.count() == 1
    assert_top_in_view(target, "the tapped marker's sentence", min_shown=10)
    ref_n = (last_ref.get_attribute("class") or "").split("cc-ref-")[1].split()[0]
    assert f"cc-q-{ref_n}" in (target.get_attribute("class") or "")

    # Copy the answer with its citations.
    answer.locator("button.cc-copy").click()
    page.wait_for_timeout(200)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "blood test" in copied.lower() and "[1]" in copied and "Sources:" in copied, copied
    assert "Immunosuppressants and Their Role" in copied and "<" not in copied, copied

    # Suggested follow-ups, each one the engine answers with citations.
    options = page.locator("#cc-chat button.option")
    options.first.wait_for(timeout=TIMEOUT_MS)
    suggested = options.all_inner_texts()
    assert suggested and all(engine.ask(q).kind == "answer" and engine.ask(q).citations for q in suggested)

    # Thumbs from a patient: stored with the ratings, no chat text without consent; with consent, the question.
    store = RatingsStore.from_settings(settings)
    before = len(store.feedback())
    bot = page.locator('#cc-chat [data-testid="bot"]').last
    bot.scroll_into_view_if_needed()
    page.locator('#cc-chat button[aria-label="Like"]').last.click()
    page.locator("#cc-feedback").get_by_text("Thank you").wait_for(timeout=TIMEOUT_MS)
    saved = store.feedback()[before:]
    assert [(f.thumbs, f.consent, f.question, f.answer_text) for f in saved] == [("up", False, "", "")]
    assert saved[0].answer_kind == "answer" and saved[0].cited_sources == tuple(titles)
    page.locator("#cc-consent input").check()
    page.locator('#cc-chat button[aria-label="Feedback"]').last.click()
    page.locator("#cc-chat .extra-feedback-option").get_by_text("Hard to understand").click()
    for _ in range(50):  # the reason is stored once, with the chat text the patient agreed to share
        saved = store.feedback()[before:]
        if len(saved) > 1:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    saved = store.feedback()[before:]
    assert [(f.thumbs, f.reason, f.consent, f.question) for f in saved[1:]] == [
        ("down", "hard to understand", True, SEED_QUESTION)]
    assert "blood test" in saved[1].answer_text.lower()
    page.locator("#cc-consent input").uncheck()

    # An emergency after scrolling up to read a source: pinned in view, with the focus on it.
    page.evaluate(SCROLL_ALL_UP_JS)
    emergency = ask(page, EMERGENCY)
    alert = emergency.locator('.cc-emergency[role="alert"]')
    assert alert.count() == 1
    page.wait_for_timeout(1300)  # past the page script's re-pinning
    assert_top_in_view(alert, "the emergency reply", min_shown=120)
    assert page.evaluate("document.activeElement.classList.contains('cc-emergency')")
    assert alert.locator('a[href="tel:911"]').is_visible()
    page.screenshot(path=str(artifacts / f"emergency-{combo}.png"))

    # axe-core with answers, an open source card and the emergency on screen.
    result = run_axe(page)
    summary_rows = axe_summary(result)
    (artifacts / f"axe-{combo}.json").write_text(json.dumps(summary_rows, indent=2), encoding="utf-8")
    serious = [v for v in summary_rows if v["impact"] in ("serious", "critical")]
    print(f"axe {combo}: {[(v['id'], v['impact'], v['nodes']) for v in summary_rows]}")
    assert serious == [], serious

    # A 50 KB paste is shown cut short (and answered kindly as too long).
    paste = "Here is everything from my chart. " * 1500
    long_reply = ask(page, paste)
    bubble = page.locator('#cc-chat [data-testid="user"]').last
    shown = bubble.inner_text()
    assert len(shown) < 800 and "more characters not shown" in shown, len(shown)
    assert "cc-kind-invalid_input" in (long_reply.get_attribute("class") or "")
    page.screenshot(path=str(artifacts / f"conversation-{combo}.png"), full_page=True)

    # Kept across a reload; the print view holds the whole conversation with every source open.
    finals = page.locator("#cc-chat .cc-final").count()
    page.reload()
    page.wait_for_function(f"document.querySelectorAll('#cc-chat .cc-final').length === {finals}",
                           timeout=TIMEOUT_MS)
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert page.locator("#cc-chat details.cc-source:not([open])").count() == 0
    assert not page.locator("#cc-question").is_visible() and not page.locator("#cc-ask").is_visible()
    clipped = page.evaluate("""() => Array.from(document.querySelectorAll('#cc-chat, #cc-chat *'))
        .filter((e) => !e.closest('.cc-sr') && e.scrollHeight > e.clientHeight + 2
                       && /(auto|scroll|hidden)/.test(getComputedStyle(e).overflowY))
        .map((e) => e.className)""")
    assert clipped == [], f"print view cuts the conversation off in: {clipped}"
    if device == "desktop":
        page.pdf(path=str(artifacts / f"print-{scheme}.pdf"))
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")

    # Start over clears the conversation here and in the browser's storage.
    page.get_by_role("button", name="Start over").click()
    page.wait_for_function("document.querySelectorAll('#cc-chat .cc-final').length === 0", timeout=TIMEOUT_MS)
    page.reload()
    page.wait_for_selector("#cc-question textarea", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    assert page.locator("#cc-chat .cc-final").count() == 0
    assert outside == [], f"the page fetched outside resources: {outside}"
    page.context.close()


@pytest.mark.parametrize(("device", "scheme"), COMBOS, ids=COMBO_IDS)
def test_starting_then_server_unreachable(browser: Any, artifacts: Path, tmp_path: Path, device: str,
                                          scheme: str) -> None:
    combo = f"{device}-{scheme}"
    engine = FakeEngine()
    engine.ready = False
    with build_app(engine, make_settings(tmp_path)).running() as url:
        page, _ = new_page(browser, url, device, scheme)
        starting = page.locator("#cc-starting")
        starting.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert "starting" in starting.inner_text()
        intro = page.locator("#cc-intro-text")
        assert "cannot diagnose" in intro.inner_text() and "covers" not in intro.inner_text()
        page.screenshot(path=str(artifacts / f"starting-{combo}.png"))
        engine.ready = True
        starting.wait_for(state="hidden", timeout=10_000)
        # once ready, the first screen says what the library covers and offers its checked examples
        intro.get_by_text("It covers topics such as: immunosuppressants").wait_for(timeout=TIMEOUT_MS)
        assert page.locator("#cc-chat").get_by_text("What are the risks of immunosuppressants?").is_visible()
        ask(page, "Why blood tests?")
    # The server is gone: a friendly message, with the emergency number in view and not covered.
    page.fill("#cc-question textarea", "Is it still there?")
    page.press("#cc-question textarea", "Enter")
    offline = page.locator("#cc-offline")
    offline.wait_for(state="visible", timeout=20_000)
    page.wait_for_timeout(1500)  # whatever Gradio shows about the lost connection has shown by now
    assert "cannot reach its server" in offline.inner_text()
    assert not page.get_by_text("Connection to the server was lost").is_visible()  # Gradio's toast is kept out
    call = offline.locator('a[href="tel:911"]')
    assert call.is_visible()
    box = call.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORTS[device]["height"]
    on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.getAttribute('href')",
                           [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert on_top == "tel:911", f"the emergency link is covered by something else ({on_top})"
    page.screenshot(path=str(artifacts / f"unreachable-{combo}.png"))
    page.context.close()


@pytest.mark.parametrize(("device", "scheme"), COMBOS, ids=COMBO_IDS)
def test_spanish_interface_keeps_answers_in_the_corpus_language(browser: Any, artifacts: Path, tmp_path: Path,
                                                                 device: str, scheme: str) -> None:
    with build_app(FakeEngine(), make_settings(tmp_path)).running() as url:
        page, _ = new_page(browser, url, device, scheme, locale="es-ES")
        page.get_by_role("button", name="Preguntar").wait_for(timeout=TIMEOUT_MS)
        page.locator("#cc-safety").get_by_text("no consejo médico").wait_for(timeout=TIMEOUT_MS)
        assert "Es para pacientes" in page.locator("#cc-intro-text").inner_text()
        assert page.get_by_role("button", name="Empezar de nuevo").is_visible()
        answer = ask(page, "¿Por qué necesito análisis de sangre?")
        assert "Regular blood tests" in answer.locator(".cc-answer-text").inner_text()  # the source's language
        assert answer.locator(".cc-sources-title").inner_text() == "Fuentes"
        assert answer.locator("button.cc-copy").inner_text() == "Copiar la respuesta"
        assert page.locator('#cc-chat [data-testid="bot"]').last.get_attribute("aria-label") == "Respuesta de CiteCare"
        page.screenshot(path=str(artifacts / f"spanish-{device}-{scheme}.png"))
        page.context.close()


def test_educator_workbench_lives_on_its_own_path(browser: Any, served: tuple[str, Settings, Any]) -> None:
    url, _, _ = served
    page, _ = new_page(browser, url, "desktop", "light")
    assert page.locator("#cc-wb-login").count() == 0 and page.locator("#cc-wb-off").count() == 0
    page.goto(url.rstrip("/") + "/educator/")
    page.locator("#cc-wb-login").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_role("heading", level=1).inner_text().startswith("CiteCare — educator workbench")
    page.context.close()



def test_conversation_survives_a_server_restart(browser: Any, tmp_path: Path) -> None:
    """Kept in the browser, readable by the next server process (or another replica) on the same address."""
    settings = make_settings(tmp_path)
    port = free_port()
    with build_app(FakeEngine(), settings).running(port=port) as url:
        page, _ = new_page(browser, url, "phone", "light")
        stored = page.evaluate(f"localStorage.getItem({json.dumps(CONVERSATION_KEY)})")
        ask(page, "Why blood tests?")
        # The browser keeps the conversation in a follow-up event after the answer shows; under load that can take
        # a while, so wait for it before leaving (as the test means: a finished, kept answer survives a restart).
        page.wait_for_function(f"localStorage.getItem({json.dumps(CONVERSATION_KEY)}) !== {json.dumps(stored)}",
                               timeout=TIMEOUT_MS)
        page.goto("about:blank")  # leave before the server stops, as a patient closing the tab
    with build_app(FakeEngine(), settings).running(port=port) as url:
        page.goto(url)
        page.wait_for_function("document.querySelectorAll('#cc-chat .cc-final').length === 1", timeout=TIMEOUT_MS)
        assert page.locator("#cc-chat").get_by_text("Why blood tests?").is_visible()
        page.context.close()
