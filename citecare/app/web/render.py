"""HTML rendering of answers and messages: pure functions, every piece of user or document text escaped.

Security model: every piece of text typed by a user or taken from a document is HTML-escaped here
before it is put into markup; the Chatbot renders messages as HTML (markdown off, so no markdown
images or links can be smuggled in) and Gradio's sanitizer stays on as a second line of defence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from citecare.text import replace_markers
from citecare.types import ANSWER_KINDS, Answer, Citation

EXAMPLE_QUESTIONS: tuple[str, ...] = (
    "Why do I need blood tests on immunosuppressants?",
    "How do immunosuppressants help with chronic pain?",
    "What are the risks of taking immunosuppressants?",
    "Which immunosuppressants are commonly used?",
)

_TAG = re.compile(r"<[^>]*>")
_ANSWER_TEXT = re.compile(r'<div class="cc-answer-text[^"]*">(.*?)</div>', re.S)



def esc(text: object) -> str:
    """HTML-escape anything (quotes too, so it is safe inside attribute values)."""
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    """Escaped text as <p> paragraphs, with [n] citation markers as superscripts."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for para in paras:
        body = esc(para).replace("\n", "<br>")
        out.append("<p>" + replace_markers(body, lambda n: f'<sup class="cc-ref">[{n}]</sup>') + "</p>")
    return "".join(out)


def _span(passage: str, quote: str) -> tuple[int, int] | None:
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    match = re.search(r"\s+".join(re.escape(w) for w in quote.split()), passage, re.I)
    return match.span() if match else None


def highlight(passage: str, quote: str, *more: str) -> str:
    """The escaped passage with every quoted sentence wrapped in <mark> (whitespace/case tolerant)."""
    quotes = [q.strip() for q in (quote, *more) if q.strip()]
    spans = sorted(span for q in quotes if (span := _span(passage, q)) is not None)
    missing = [q for q in quotes if _span(passage, q) is None]
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue  # overlapping quotes: the first one already marks this text
        out.append(f"{esc(passage[cursor:start])}<mark>{esc(passage[start:end])}</mark>")
        cursor = end
    out.append(esc(passage[cursor:]))
    for q in missing[:1]:
        out.append(f'<br><span class="cc-quote-label">Quoted:</span> <mark>{esc(q)}</mark>')
    return "".join(out)


def safe_link(url: str) -> str:
    """A web address as an inert-by-default link (http/https only), anything else as plain text."""
    url = url.strip()
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.I):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow" target="_blank">{esc(url)}</a>'
    return esc(url)


def render_citation(cite: Citation) -> str:
    reviewed = f"reviewed {esc(cite.reviewed)}" if cite.reviewed else "review date unknown"
    outdated = ' <span class="cc-outdated">possibly outdated</span>' if cite.outdated else ""
    publisher = f" — {esc(cite.source)}" if cite.source else ""
    url = f'<p class="cc-src-url">Source: {safe_link(cite.url)}</p>' if cite.url else ""
    return (
        f'<details class="cc-source"><summary><span class="cc-src-n">[{int(cite.n)}]</span> '
        f'<span class="cc-src-title">{esc(cite.title)}</span>{publisher} '
        f'<span class="cc-src-date">· {reviewed}</span>{outdated}</summary>'
        f'<blockquote class="cc-passage">{highlight(cite.passage, cite.quote, *cite.quotes)}</blockquote>{url}</details>'
    )


def render_answer(answer: Answer, examples: Sequence[str] = EXAMPLE_QUESTIONS) -> str:
    """One assistant message: the answer (an alert first for emergencies), its sources, the disclaimer."""
    kind = answer.kind if answer.kind in ANSWER_KINDS else "answer"
    text = f'<div class="cc-answer-text">{_paragraphs(answer.text)}</div>'
    if kind == "emergency":
        body = f'<div class="cc-emergency" role="alert"><p class="cc-emergency-title">Emergency</p>{text}</div>'
    elif kind == "answer":
        body = text
    else:
        hint = ""
        if kind in ("no_evidence", "out_of_scope") and examples:
            hint = f'<p class="cc-help">I can help with questions my sources cover, for example: “{esc(examples[0])}”</p>'
        body = f'<div class="cc-note" role="note">{text}{hint}</div>'
    sources = ""
    if answer.citations:
        items = "".join(render_citation(c) for c in answer.citations)
        sources = f'<div class="cc-sources"><p class="cc-sources-title">Sources (select to open)</p>{items}</div>'
    disclaimer = f'<p class="cc-disclaimer">{esc(answer.disclaimer)}</p>' if answer.disclaimer else ""
    return f'<div class="cc-msg cc-final cc-kind-{kind}">{body}{sources}{disclaimer}</div>'


def render_streaming(text: str) -> str:
    """An answer still arriving."""
    return f'<div class="cc-msg cc-streaming"><div class="cc-answer-text">{_paragraphs(text)}</div></div>'


def render_error(message: str) -> str:
    return f'<div class="cc-msg cc-final cc-kind-error"><div class="cc-answer-text cc-note">{_paragraphs(message)}</div></div>'


def render_user(text: str) -> str:
    return esc(text)


def plain_text(content: str) -> str:
    """The text of a message rendered by this module (the answer body only for assistant messages)."""
    match = _ANSWER_TEXT.search(content)
    body = match.group(1) if match else content
    body = body.replace("</p><p>", "\n\n").replace("<br>", "\n")
    return html.unescape(_TAG.sub("", body)).strip()


def safety_notice(emergency_number: str) -> str:
    return (
        '<div id="cc-safety" class="cc-safety" role="note" aria-label="Safety notice">'
        "<strong>CiteCare shares information from its sources, not medical advice.</strong> "
        f"In an emergency call {esc(emergency_number)}.</div>"
    )


