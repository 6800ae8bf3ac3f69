"""Text primitives every wing shares: words, ONE thread-safe stemmer, sentences, [n] markers, history.

Imports nothing from CiteCare but ``types``: ingest, store, safety, answer, evals and app all read text
the same way through this module.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from citecare.types import Turn

# --- words -------------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z][a-z0-9'-]*")


def fold(text: str) -> str:
    """Lower case without accents, curly apostrophes straightened: 'Sjögren’s' → "sjogren's"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def counted_singular(word: str) -> str | None:
    """The name under a plural people count tablets with ("two of my sumatriptans" → "sumatriptan"); None for a
    word too short to be one (a medicine name is at least five letters before its s)."""
    return word[:-1] if len(word) >= 6 and word.endswith("s") else None


def words(text: str) -> list[str]:
    """Folded word tokens (letters first, then letters, digits, apostrophes, hyphens)."""
    return _WORD.findall(fold(text))


_stemmers = threading.local()  # a PyStemmer object keeps internal state: one per thread


def _stemmer() -> Any:
    if not hasattr(_stemmers, "english"):
        import Stemmer

        _stemmers.english = Stemmer.Stemmer("english")
    return _stemmers.english


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem, the one used everywhere (BM25 too): tests → test, planned → plan."""
    return str(_stemmer().stemWord(word))


def stem_words(tokens: list[str]) -> list[str]:
    """Stems of many words at once (the form bm25s asks for)."""
    return [stem(t) for t in tokens]


@lru_cache(maxsize=4)
def model_words(model_dir: str) -> frozenset[str]:
    """Everyday English words: the whole words of the embedding model's WordPiece list (empty when absent)."""
    path = Path(model_dir) / "vocab.txt"
    if not path.is_file():
        return frozenset()
    found = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in found if w.isalpha() and w.islower())


def publisher_from_title(title: str) -> str:
    """The publisher some titles end with: 'Lupus - What is Lupus? (MedlinePlus (NLM/NIH))' → 'MedlinePlus (NLM/NIH)'."""
    if not title.endswith(")"):
        return ""
    depth = 0
    for i in range(len(title) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(title[i], 0)
        if depth == 0:
            return title[i + 1 : -1].strip()
    return ""


# --- [n] citation markers ----------------------------------------------------------------------------

_MARKER_NUMBERS = r"\d+(?:\s*(?:,|;|-|–|and)\s*\d+)*"
MARKER_RE = re.compile(r"\[\s*(?:passage|source|ref)?\s*(" + _MARKER_NUMBERS + r")\s*\]", re.I)


def marker_numbers(group: str) -> list[int]:
    """Numbers inside one marker's brackets; "1-3" means 1, 2 and 3, "1, 4" means 1 and 4."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|and)\s*", group):
        bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
        if len(bounds) == 2 and 0 <= bounds[1] - bounds[0] < 20:
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def parse_markers(text: str) -> tuple[int, ...]:
    """Passage numbers cited in ``text`` in order of first appearance."""
    found: list[int] = []
    for m in MARKER_RE.finditer(text):
        found.extend(n for n in marker_numbers(m.group(1)) if n not in found)
    return tuple(found)


def strip_markers(text: str) -> str:
    """Remove citation markers such as "[1]", "[1, 2]" and "[1][2]"; tidy the spaces left behind."""
    text = MARKER_RE.sub("", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def replace_markers(text: str, render: Callable[[int], str]) -> str:
    """Replace each marker by ``render(n)`` for each of its numbers (for HTML citations)."""
    return MARKER_RE.sub(lambda m: "".join(render(n) for n in marker_numbers(m.group(1))), text)


def cited_pieces(text: str) -> list[str]:
    """An answer cut after each cited sentence ("A. [1] B. [2]" → ["A. [1] ", "B. [2] "]), for streaming."""
    return [p + " " for p in re.split(r"(?<=\]) (?=\S)", text) if p]


# --- sentences ---------------------------------------------------------------------------------------

# Words that end with a dot but do not end a sentence, even before a capital ("Dr. Smith", "e.g. Humira").
_ABBREVIATIONS = frozenset("dr mr mrs ms prof st sr jr vs e.g i.e eg ie cf al approx fig no".split())
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)]|[a-z][.)])\s+")
_BOUNDARY_RE = re.compile(
    r"(?:[.!?]+|…)[\"'”’)]*"  # terminal punctuation, closing quotes
    r"(?:\s*" + MARKER_RE.pattern + r")*"  # citation markers written after the full stop stay with it
    r"(?=\s|$)",
    re.I,
)


_ENDS_WITH_PUNCTUATION = re.compile(r"[.!?…:;,]['\"”’)\]]*$")
def _hard_wrapped(lines: list[str]) -> bool:
    """Lines broken mid-sentence before a lowercase word at least as often as before a capital: a plain-text file
    wrapped at a fixed width (a library page has a paragraph, a heading or a list item per line)."""
    lower = upper = 0
    for before, after in zip(lines, lines[1:], strict=False):
        before, after = before.strip(), after.strip()
        if not before or not after or _ENDS_WITH_PUNCTUATION.search(before) or _BULLET_RE.match(after):
            continue
        lower += after[0].islower()
        upper += after[0].isupper() or after[0].isdigit()
    return len(lines) <= 2 or (lower > 0 and lower >= upper)


def _starts_a_line_of_its_own(previous: str, stripped: str, wrapped: bool) -> bool:
    """In text that is not hard-wrapped, a line without closing punctuation before a capitalised one is a heading,
    a table row or a list item written without its bullet: "2 months 4 months 6 months … 4 through 6 years" before
    "If your child has had a serious reaction…" (a CDC schedule) is not one sentence with it."""
    return (not wrapped and bool(previous) and not _ENDS_WITH_PUNCTUATION.search(previous)
            and (stripped[:1].isupper() or stripped[:1].isdigit()))


# The last item of a list flattened into the paragraph after it, on one line: "- Some kinds of cancer Steroids are
# strong medicines, and they can have side effects…", "- Pain from nerve damage Chronic pain usually cannot be
# cured." (MedlinePlus pages in the library: 14 such lines, all of this kind).
_GLUED_ITEM = re.compile(r"^(?P<item>(?:\S+ ){0,9}?[a-z][a-z0-9)'-]*) (?P<rest>[A-Z][a-z]+ .*[.!?][\"'”’)]*)$")
_NOT_AN_ITEM_END = frozenset("""a an the of and or as such like with to for in on by at from than that which who is are
    was were be can may will your my his her their its this these those""".split())


def _unglued(item: str) -> list[str]:
    """A list item, or the item and the paragraph glued to it."""
    m = _GLUED_ITEM.match(item)
    if m is None or re.search(r"[.!?:;]", m.group("item")) or m.group("item").split()[-1] in _NOT_AN_ITEM_END:
        return [item]
    return [m.group("item"), m.group("rest")]


# A list flattened onto one line, each item after a dash: "…red, scaly skin. - It is caused by genes… - Psoriasis can
# be hard to diagnose…" (MedQuAD pages: 403 of the library's 446 documents). A dash after a full stop starts an item
# of its own, a sentence; a dash between words ("infliximab - a biologic -") does not. The items of a list after a
# colon stay with it ("Some things may cause a flare, including: - Infections. - Stress. - Certain medicines."): apart,
# neither the lead-in nor "Stress." says anything. Such a list ends where an item goes on with a sentence of its own.
_INLINE_BULLET = re.compile(r"(?<=[.!?:])\s+(?=[-•]\s+[A-Z0-9\"'“(])")
_GOES_ON = re.compile(r"[a-z0-9)][.!?]\s+[A-Z]")


def _inline_items(line: str) -> list[str]:
    """A line with its flattened list items on lines of their own (bulleted), the items of a colon's list kept."""
    pieces = _INLINE_BULLET.split(line)
    lines = [pieces[0]]
    in_list = pieces[0].rstrip().endswith(":")
    for piece in pieces[1:]:
        if in_list:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
        in_list = piece.rstrip().endswith(":") or (in_list and not _GOES_ON.search(piece))
    return lines


def _blocks(text: str) -> list[str]:
    """Paragraphs and list items, each with its soft line breaks joined."""
    blocks: list[str] = []
    current: list[str] = []
    lines = [item for line in text.splitlines() for item in _inline_items(line)]
    wrapped = _hard_wrapped(lines)
    previous = ""
    for line in lines:
        stripped = line.strip()
        starts_item = bool(_BULLET_RE.match(line)) or stripped.startswith("#") or (
            bool(current) and _starts_a_line_of_its_own(previous, stripped, wrapped))
        previous = stripped
        if not stripped or starts_item or stripped.endswith(":"):
            if current:
                blocks.append(" ".join(current))
            current = []
        if stripped:
            if _BULLET_RE.match(line) and len(parts := _unglued(_BULLET_RE.sub("", stripped).strip())) == 2:
                blocks.append(parts[0])
                current = [parts[1]]
                continue
            current.append(_BULLET_RE.sub("", stripped).lstrip("# ").strip())
            if stripped.endswith(":"):  # a lead-in line ("The main risks are:") stands alone
                blocks.append(" ".join(current))
                current = []
    if current:
        blocks.append(" ".join(current))
    return [re.sub(r"\s+", " ", b).strip() for b in blocks if b.strip()]


def _ends_sentence(block: str, punct_start: int, next_start: int) -> bool:
    if next_start >= len(block):
        return False
    nxt = block[next_start]
    if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(["):
        return False  # "7.5 mg. daily", "e.g. aspirin": a lowercase start continues the sentence
    if block[punct_start] != ".":
        return True
    before = block[:punct_start].split()
    raw = before[-1].lstrip("([\"'") if before else ""
    if len(raw) > 1 and raw.isupper():
        return True  # an acronym such as "MS." (multiple sclerosis), not the title "Ms."
    word = raw.lower()
    return word not in _ABBREVIATIONS or (word == "no" and not nxt.isdigit())


@lru_cache(maxsize=20_000)
def _split_cached(text: str) -> tuple[str, ...]:
    sentences: list[str] = []
    for block in _blocks(text):
        start = 0
        for m in _BOUNDARY_RE.finditer(block):
            next_start = m.end() + (len(block[m.end() :]) - len(block[m.end() :].lstrip()))
            if _ends_sentence(block, m.start(), next_start):
                sentences.append(block[start : m.end()].strip())
                start = next_start
        tail = block[start:].strip()
        if tail:
            sentences.append(tail)
    return tuple(s for s in sentences if s)


def sentence_fingerprint(sentence: str) -> int:
    """A sentence's own text as a number: the key of its stored vector (``citecare.store.sentences``)."""
    return zlib.crc32(sentence.encode("utf-8"))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences.

    Handles abbreviations ("e.g.", "Dr.", "mg." before a lowercase word), decimals ("7.5 mg"), list
    items and paragraphs (each item or paragraph ends its sentence), and citation markers written after
    the full stop ("... tests. [1]" stays one sentence). Sentences are stripped, internal whitespace is
    collapsed and list bullets are removed.
    """
    return list(_split_cached(text))


# --- conversation history ----------------------------------------------------------------------------

ROLES = ("user", "assistant")


def parse_history(data: Any, *, strict: bool = True, limit: int | None = None) -> tuple[Turn, ...]:
    """``[{"role": "user"|"assistant", "content": str}, ...]`` (oldest first) → turns.

    strict: any other shape raises ValueError naming the first bad item (API callers, eval files);
    lenient: items that are not user/assistant messages are skipped (CLI history files, browser state).
    ``limit`` keeps only the most recent messages.
    """
    if not isinstance(data, list):
        raise ValueError('history must be a JSON list of {"role", "content"} messages')
    turns: list[Turn] = []
    for i, item in enumerate(data):
        ok = (
            isinstance(item, dict)
            and item.get("role") in ROLES
            and isinstance(item.get("content"), str)
            and not (strict and set(item) - {"role", "content"})
        )
        if ok:
            turns.append(Turn(role=item["role"], content=item["content"]))
        elif strict:
            raise ValueError(f'history[{i}] must be {{"role": "user"|"assistant", "content": str}}')
    return tuple(turns[-limit:] if limit else turns)


def iter_user_texts(history: tuple[Turn, ...] | list[Turn]) -> Iterator[str]:
    """The patient's own earlier messages, oldest first."""
    return (t.content for t in history if t.role == "user")


def is_compound(word: str, known: frozenset[str], *, first: int = 4) -> bool:
    """Two known words written as one ("bodybuilders", "wristband"): the first part at least ``first`` letters, the
    second at least 4, perhaps plural."""
    return any(word[:i] in known and (word[i:] in known or (word.endswith("s") and word[i:-1] in known))
               for i in range(first, len(word) - 3))


# Everyday English words, so that typo correction never rewrites a real word into another word.
#
# The safety concept matcher corrects long unknown words to the nearest word of the rules ("brething" →
# "breathing"), and retrieval to the nearest word of the corpus ("methotrexat" → "methotrexate").
# Without a dictionary it also "corrected" real words: "shaving" → "having", "conscious" → "unconscious",
# "shopping" → "stopping", "ladder" → "bladder", "camping" → "cramping" (499 such rewrites in the 6,219 training
# and dev messages); retrieval rewrote a real word in 1,821 of the 7,255 eval questions ("her little brother" →
# "her little other", "asking" → "taking", "father" → "farther"). The word list is the whole-word part of the
# bundled MiniLM model's WordPiece vocabulary (about 22,500 lowercase words, offline, already installed); empty
# when the model package is absent, in which case every long unknown word may be corrected, as before.
def english_words() -> frozenset[str]:
    from citecare.config import default_model_path  # config is read lazily: text is imported everywhere

    return model_words(default_model_path() or ".")


_SUFFIXES = ("ing", "ed", "es", "s", "er", "ers", "est", "ly")
# Zipf scale (log10 of uses per billion words): 3 is once per million. Typos patients make of medical words
# score under it ("lupis" 1.2, "asprin" 1.7, "definately" 2.9), real words over it ("rabies" 3.2, "tummy" 3.4).
FREQUENT_ZIPF = 3.0


@lru_cache(maxsize=50_000)
def frequent_english(word: str) -> bool:
    """A word English writing uses at least once per million words, from wordfreq's bundled tables (no
    download): "rabies" is a word to keep, not a typo of the library's "babies"."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # an install without it keeps the WordPiece list alone
        return False
    return bool(zipf_frequency(word, "en") >= FREQUENT_ZIPF)


def seen_in_english(word: str) -> bool:
    """wordfreq's tables hold the word at all (rare medical words too: "psoriasis", "polymyalgia"); a typo such as
    "amoxicilin" is in none of them."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return False
    return bool(zipf_frequency(word, "en") > 0)


def is_english_word(word: str) -> bool:
    """A word of the list, or one with a regular ending on one ("shaving" → shave, "stopping" → stop), or a
    frequent English word: the WordPiece list holds only about 22,500 whole words."""
    known = english_words()
    if word in known or frequent_english(word):
        return True
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            base = word[: -len(suffix)]
            if base in known or base + "e" in known or (len(base) > 3 and base[-1] == base[-2] and base[:-1] in known):
                return True
    return False
