"""Browser timings of the patient chat: time to first streamed text and to the full answer (with sources).

Starts the real app (Settings from the environment, so the index must exist: `citecare ingest`) on a free
loopback port, drives Debian chromium with Playwright and prints the median over --runs per question.

    .venv/bin/python scripts/bench_ui.py [--runs 5] [--index-dir DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

QUESTIONS = (
    "Why do I need blood tests on immunosuppressants?",
    "How do immunosuppressants help with chronic pain?",
    "What are the risks of taking immunosuppressants?",
)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Runs in the page: stamps t0, clicks Ask, and resolves with the times the first assistant text and the
# final answer appeared (MutationObserver, so nothing is missed between polls).
_MEASURE = """async () => {
  const chat = document.querySelector('#cc-chat');
  const seen = () => chat.querySelectorAll('.cc-streaming, .cc-final').length;
  const finals = () => chat.querySelectorAll('.cc-final').length;
  const before = finals();
  return await new Promise((resolve) => {
    const t0 = performance.now();
    let first = null;
    const check = () => {
      if (first === null && seen() > before) first = performance.now() - t0;
      if (finals() > before) { obs.disconnect(); resolve({first_ms: first, full_ms: performance.now() - t0}); }
    };
    const obs = new MutationObserver(check);
    obs.observe(chat, {subtree: true, childList: true, characterData: true});
    document.querySelector('#cc-ask').click();
  });
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-dir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from citecare.store.embedder import set_offline_env

    set_offline_env()
    from playwright.sync_api import sync_playwright

    from citecare.app.web.server import build_app
    from citecare.config import Settings
    from citecare.engine import ChatEngine

    settings = Settings()
    if args.index_dir:
        settings = settings.model_copy(update={"index_dir": args.index_dir})
    engine = ChatEngine.from_settings(settings)
    engine.ask("warm up: what are immunosuppressants?")
    results: dict[str, dict[str, float]] = {}
    with build_app(engine, settings).running() as url, sync_playwright() as pw, \
            tempfile.TemporaryDirectory() as profile:
        browser = pw.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium",
                                                        headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#cc-question textarea", timeout=60_000)
        for question in QUESTIONS:
            firsts, fulls = [], []
            for _ in range(args.runs + 1):  # the first run of each question is a warm-up
                page.get_by_role("button", name="Start over").click()
                page.wait_for_function("!document.querySelector('#cc-chat .cc-final')")
                page.fill("#cc-question textarea", question)
                timing = page.evaluate(_MEASURE)
                firsts.append(timing["first_ms"])
                fulls.append(timing["full_ms"])
            results[question] = {"first_text_ms": round(statistics.median(firsts[1:]), 1),
                                 "full_answer_ms": round(statistics.median(fulls[1:]), 1),
                                 "runs": args.runs}
        browser.close()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{'question':52} {'first text (ms)':>16} {'full answer (ms)':>17}   median of {args.runs}")
        for question, r in results.items():
            print(f"{question:52} {r['first_text_ms']:>16.1f} {r['full_answer_ms']:>17.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
