"""HTML rendering of answers and messages: pure functions, every piece of user or document text escaped.

Security model: every piece of text typed by a user or taken from a document is HTML-escaped here
before it is put into markup; the Chatbot renders messages as HTML (markdown off, so no markdown
images or links can be smuggled in) and Gradio's sanitizer stays on as a second line of defence.
The sanitizer drops data-* and aria-* attributes, so what the page script needs travels in class names
(``cc-ref-3``: the marker of citation 3; ``cc-doc-2``: the second source card; ``cc-q-3``: citation 3's sentence).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from citecare.app.web.strings import texts
from citecare.text import replace_markers
from citecare.types import ANSWER_KINDS, Answer, Citation, LibraryOverview

# Shown instead of a pasted wall of text; the full text still goes to the engine.
USER_DISPLAY_CHARS = 600
_TAG = re.compile(r"<[^>]*>")
_ANSWER_TEXT = re.compile(r'<div class="cc-answer-text[^"]*">(.*?)</div>', re.S)
_HIDDEN = re.compile(r'<(span|h3|h4) class="cc-sr[^"]*">.*?</\1>|<span class="cc-more">.*?</span>', re.S)


def esc(text: object) -> str:
    """HTML-escape anything (quotes too, so it is safe inside attribute values)."""
    return html.escape(str(text), quote=True)


def tel_link(number: str, label: str = "") -> str:
    """A tap-to-call link; the href keeps only what a dialler understands."""
    digits = re.sub(r"[^0-9+*#]", "", number)
    shown = esc(label or number)
    return f'<a class="cc-tel" href="tel:{esc(digits)}">{shown}</a>' if digits else shown


# --- answers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceCard:
    """One source document of an answer, with every citation (sentence) the answer took from it."""

    number: int  # 1-based, in order of first citation
    citations: tuple[Citation, ...]

    @property
    def first(self) -> Citation:
        return self.citations[0]


def source_cards(citations: Sequence[Citation]) -> list[SourceCard]:
    """Citations grouped by document, in order of first use."""
    grouped: dict[str, list[Citation]] = {}
    for cite in citations:
        grouped.setdefault(cite.doc_id or cite.title, []).append(cite)
    return [SourceCard(i, tuple(cites)) for i, cites in enumerate(grouped.values(), start=1)]


def _card_of(cards: Sequence[SourceCard]) -> dict[int, int]:
    return {c.n: card.number for card in cards for c in card.citations}


def _paragraphs(text: str, card_of: Mapping[int, int] | None = None, t: Mapping[str, str] | None = None) -> str:
    """Escaped text as <p> paragraphs; [n] markers become buttons showing their source card's number."""
    t = t or texts()
    paras = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []

    def marker(n: int) -> str:
        if card_of is None or n not in card_of:
            return f'<sup class="cc-ref-text">[{n}]</sup>'
        label = esc(t["source_n"].format(n=card_of[n]))
        return (f'<button type="button" class="cc-ref cc-ref-{n}" title="{label}">'
                f'<span class="cc-sr">{label}</span><span class="cc-ref-shown">[{card_of[n]}]</span></button>')

    for para in paras:
        body = esc(para).replace("\n", "<br>")
        out.append("<p>" + replace_markers(body, marker) + "</p>")
    return "".join(out)


def _span(passage: str, quote: str) -> tuple[int, int] | None:
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    match = re.search(r"\s+".join(re.escape(w) for w in quote.split()), passage, re.I)
    return match.span() if match else None


def highlight(passage: str, quote: str, *more: str, classes: Sequence[str] = ()) -> str:
    """The escaped passage with every quoted sentence wrapped in <mark> (whitespace/case tolerant).

    ``classes`` gives each quote (in argument order) a class for the page script to find it by."""
    quotes = [(q.strip(), classes[i] if i < len(classes) else "") for i, q in enumerate((quote, *more))]
    quotes = [(q, cls) for q, cls in quotes if q]
    spans = sorted((span, cls) for q, cls in quotes if (span := _span(passage, q)) is not None)
    missing = [(q, cls) for q, cls in quotes if _span(passage, q) is None]
    out, cursor = [], 0
    for (start, end), cls in spans:
        if start < cursor:
            continue  # overlapping quotes: the first one already marks this text
        attr = f' class="{esc(cls)}"' if cls else ""
        out.append(f"{esc(passage[cursor:start])}<mark{attr}>{esc(passage[start:end])}</mark>")
        cursor = end
    out.append(esc(passage[cursor:]))
    for q, cls in missing[:1]:
        attr = f' class="{esc(cls)}"' if cls else ""
        out.append(f'<br><span class="cc-quote-label">Quoted:</span> <mark{attr}>{esc(q)}</mark>')
    return "".join(out)


def safe_link(url: str, label: str = "") -> str:
    """A web address as a link (http/https only), anything else as plain text."""
    url = url.strip()
    if re.match(r"^https?://[^\s\"'<>]+$", url, re.I):
        return (f'<a class="cc-src-link" href="{esc(url)}" rel="noopener noreferrer nofollow" target="_blank">'
                f"{esc(label or url)}</a>")
    return esc(url)


def _meta_line(cite: Citation, t: Mapping[str, str]) -> str:
    reviewed = t["reviewed"].format(date=esc(cite.reviewed)) if cite.reviewed else t["review_unknown"]
    outdated = f' <span class="cc-outdated">{esc(t["outdated"])}</span>' if cite.outdated else ""
    publisher = f'<span class="cc-src-pub">{esc(cite.source)}</span> · ' if cite.source else ""
    return f'{publisher}<span class="cc-src-date">{esc(reviewed)}</span>{outdated}'


def render_card(card: SourceCard, t: Mapping[str, str] | None = None) -> str:
    """One source document: title, publisher, review date, link, and each passage used with its quoted
    sentences highlighted. Collapsed until opened (a [n] marker opens it)."""
    t = t or texts()
    cite = card.first
    passages: dict[str, list[Citation]] = {}
    for c in card.citations:
        passages.setdefault(c.chunk_id or c.passage, []).append(c)
    blocks = []
    for cites in passages.values():
        quotes, classes = [], []
        for c in cites:
            for q in (c.quote, *c.quotes):
                if q.strip() and q not in quotes:
                    quotes.append(q)
                    classes.append(f"cc-q-{int(c.n)}")
        blocks.append(f'<blockquote class="cc-passage">{highlight(cites[0].passage, *quotes, classes=classes)}'
                      "</blockquote>")
    link = (f'<p class="cc-src-url">{safe_link(cite.url, t["open_source"])} '
            f'<span class="cc-src-host">({esc(cite.url)})</span></p>') if cite.url.strip().lower().startswith(
        ("http://", "https://")) else ""
    return (
        f'<details class="cc-source cc-doc-{card.number}"><summary>'
        f'<span class="cc-src-n">[{card.number}]</span> <span class="cc-src-title">{esc(cite.title)}</span>'
        f'<span class="cc-src-meta"> — {_meta_line(cite, t)}</span></summary>'
        f'<div class="cc-src-body"><p class="cc-src-hint">{esc(t["quoted_passage"])}</p>{"".join(blocks)}{link}'
        "</div></details>"
    )


def _calls(numbers: Sequence[str], t: Mapping[str, str]) -> str:
    links = [tel_link(n, t["call"].format(number=n)) for n in numbers if n.strip()]
    return f'<p class="cc-calls">{" ".join(links)}</p>' if links else ""


def render_answer(answer: Answer, examples: Sequence[str] = (), language: str = "en",
                  emergency_numbers: Sequence[str] = ()) -> str:
    """One assistant message: the answer (an alert first for emergencies), its source cards, the disclaimer,
    and a copy button. Unknown kinds are shown as a plain note."""
    t = texts(language)
    kind = answer.kind if answer.kind in (*ANSWER_KINDS, "urgent") else "note"
    cards = source_cards(answer.citations)
    text = f'<div class="cc-answer-text">{_paragraphs(answer.text, _card_of(cards), t)}</div>'
    heading = f'<h3 class="cc-sr">{esc(t["answer_heading"])}</h3>'
    if kind == "emergency":
        body = (f'<div class="cc-emergency" role="alert"><p class="cc-emergency-title">{esc(t["emergency"])}</p>'
                f'{text}{_calls(emergency_numbers, t)}</div>')
    elif kind == "urgent":
        body = f'<div class="cc-urgent" role="note"><p class="cc-urgent-title">{esc(t["urgent"])}</p>{text}</div>'
    elif kind == "answer":
        body = text
    else:
        hint = ""
        if kind in ("no_evidence", "out_of_scope") and examples:
            hint = f'<p class="cc-help">{esc(t["help_examples"].format(example=examples[0]))}</p>'
        body = f'<div class="cc-note" role="note">{text}{hint}</div>'
    sources = ""
    if cards:
        items = "".join(render_card(card, t) for card in cards)
        sources = f'<div class="cc-sources"><h4 class="cc-sources-title">{esc(t["sources"])}</h4>{items}</div>'
    disclaimer = f'<p class="cc-disclaimer">{esc(answer.disclaimer)}</p>' if answer.disclaimer else ""
    copy = f'<button type="button" class="cc-copy">{esc(t["copy"])}</button>' if answer.text.strip() else ""
    return f'<div class="cc-msg cc-final cc-kind-{kind}">{heading}{body}{sources}{disclaimer}{copy}</div>'


def render_streaming(text: str) -> str:
    """An answer still arriving."""
    return f'<div class="cc-msg cc-streaming"><div class="cc-answer-text">{_paragraphs(text)}</div></div>'


def render_error(message: str, language: str = "en", emergency_number: str = "") -> str:
    t = texts(language)
    calls = _calls([emergency_number], t) if emergency_number else ""
    return (f'<div class="cc-msg cc-final cc-kind-error"><div class="cc-note" role="note">'
            f'<div class="cc-answer-text">{_paragraphs(message)}</div>{calls}</div></div>')


def render_user(text: str, language: str = "en") -> str:
    """A patient's message; a long paste is shown cut short (the engine still gets all of it)."""
    if len(text) <= USER_DISPLAY_CHARS:
        return esc(text)
    more = texts(language)["more_chars"].format(n=f"{len(text) - USER_DISPLAY_CHARS:,}")
    return f'{esc(text[:USER_DISPLAY_CHARS])}<span class="cc-more">{esc(more)}</span>'


_MORE = re.compile(r'<span class="cc-more">(.*?)</span>$', re.S)


def rerender_user(content: str) -> str:
    """A patient's message as sent back by the browser, escaped again (it may have been tampered with)."""
    match = _MORE.search(content)
    head = content[: match.start()] if match else content
    more = f'<span class="cc-more">{esc(html.unescape(match.group(1)))}</span>' if match else ""
    return esc(html.unescape(head)) + more


def plain_text(content: str) -> str:
    """The text of a message rendered by this module (the answer body only for assistant messages)."""
    match = _ANSWER_TEXT.search(content)
    body = match.group(1) if match else content
    body = _HIDDEN.sub("", body)
    body = re.sub(r'<button type="button" class="cc-ref cc-ref-(\d+)"[^>]*>.*?</button>', r"[\1]", body, flags=re.S)
    body = body.replace("</p><p>", "\n\n").replace("<br>", "\n")
    return html.unescape(_TAG.sub("", body)).strip()


# --- page furniture -----------------------------------------------------------------------------------


def safety_notice(emergency_number: str, crisis_line: str = "", poison_control: str = "",
                  language: str = "en") -> str:
    """The banner at the top of every patient page, with tap-to-call numbers."""
    t = texts(language)
    extra = ""
    if crisis_line:
        extra += f' <span class="cc-nowrap">{esc(t["notice_crisis"])} {tel_link(crisis_line)}.</span>'
    if poison_control:
        extra += f' <span class="cc-nowrap">{esc(t["notice_poison"])} {tel_link(poison_control)}.</span>'
    return (
        '<div id="cc-safety" class="cc-safety" role="note">'
        f'<strong>{esc(t["notice_lead"])}</strong> '
        f'{esc(t["notice_emergency"])} {tel_link(emergency_number)}.{extra}</div>'
    )


def intro(overview: LibraryOverview | None, language: str = "en") -> str:
    """The first screen: what CiteCare is, who it is for, what its library covers, what it cannot do."""
    t = texts(language)
    items = []
    if overview is not None and overview.documents:
        pubs = t["intro_from"].format(publishers=", ".join(overview.publishers)) if overview.publishers else ""
        count = t["documents_one" if overview.documents == 1 else "documents_many"].format(n=f"{overview.documents:,}")
        items.append(t["intro_what"].format(documents=count, publishers=pubs))
    items.append(t["intro_who"])
    if overview is not None and overview.topics:
        items.append(t["intro_covers"].format(topics=", ".join(overview.topics)))
    listed = "".join(f"<li>{esc(item)}</li>" for item in items)
    return (f'<div id="cc-intro-text"><h1 class="cc-h1">{esc(t["intro_title"])}</h1><ul>{listed}'
            f'<li class="cc-cannot"><strong>{esc(t["intro_cannot"])}</strong></li></ul></div>')


def status_box(emergency_number: str, language: str = "en") -> str:
    """Hidden boxes the page script shows: "starting…" until the engine is ready, and "cannot reach the
    server" (keeping the emergency number in view) when it is down."""
    t = texts(language)
    return (
        f'<div id="cc-starting" class="cc-status" role="status" hidden>{esc(t["starting"])}</div>'
        f'<div id="cc-offline" class="cc-offline" role="alert" hidden><p>{esc(t["offline"])}</p>'
        f'<p><strong>{esc(t["offline_emergency"])} {tel_link(emergency_number)}.</strong></p></div>'
    )
