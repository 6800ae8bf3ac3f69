"""A subject for a question that names none the library knows: its rarest uncommon word that the documents use.

"does glucosamine help knee arthritis" names no title topic and no vocabulary entry, yet "glucosamine" is a word
of a few passages: without a subject lock the composer would quote sentences about arthritis in general. Such a
word (not an everyday English word, used by the library but by few of its passages) becomes a lock-only subject:
the composer quotes only sentences that name it or come from a document titled with it, while the evidence gate
keeps its rules for questions without a known subject (``Focus.subjects`` stays empty).

Nothing here is a word list: rarity is the word's passage frequency in the library (the lexicon), everyday words
are the embedding model's word list. The words around the rare one join it when the retrieved passages use them
together ("microscopic colitis", "hyaluronic acid"), so a passage naming only "colitis" is not taken for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache

from citecare.answer.subject import Focus, Subject, _stem_seq, mentions
from citecare.text import stem
from citecare.types import Hit

# A word in more than this share of the library's passages is one of its themes ("pain"), not a subject.
GENERIC_PASSAGE_SHARE = 0.12
_MAX_PHRASE_WORDS = 4
_SHORT_FORM_EXTRA = 3  # "fibro" of "fibromyalgia": a word this many letters longer that starts with it


@lru_cache(maxsize=4)
def _everyday_stems(common: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in common)


def _is_everyday(word: str, common: frozenset[str]) -> bool:
    """An everyday word or one of its forms ("remedies", "injections")."""
    return word in common or stem(word) in _everyday_stems(common)


# A name given to a disease, sign or syndrome: the word before it names it even when it is also an everyday word
# ("kawasaki disease", "graves disease", "raynaud phenomenon"; the embedding model's word list has "kawasaki").
_NAMED_HEADS = frozenset({"disease", "syndrome", "disorder", "palsy", "phenomenon", "sign"})


def _is_named(i: int, tokens: Sequence[str]) -> bool:
    return i + 1 < len(tokens) and tokens[i + 1] in _NAMED_HEADS


def _is_short_form(word: str, counts: Mapping[str, int]) -> bool:
    """A lay short form of a longer, more used library word ("fibro" → "fibromyalgia"): locking on it would
    shut out every passage that writes the word in full."""
    own = counts.get(word, 0)
    return any(len(w) >= len(word) + _SHORT_FORM_EXTRA and w.startswith(word) and n > own for w, n in counts.items())


def rare_phrases(tokens: Sequence[str], content: Sequence[bool], *, df: Mapping[str, int], passages: int,
                 common: frozenset[str], counts: Mapping[str, int], ignore: Iterable[str] = ()) -> tuple[str, ...]:
    """Candidate names of the question's subject, longest first, all holding its rarest uncommon word that few
    library passages use ('microscopic colitis', 'colitis'); empty when it has none (or that word is a short
    form). ``tokens``/``content``: the question's words and which carry content; ``ignore``: words the query
    layer already reads as something else (medicine forms, lay terms)."""
    skip = {w for phrase in ignore for w in phrase.split()}
    limit = max(3.0, GENERIC_PASSAGE_SHARE * passages)

    def rarity(i: int) -> int:
        return df.get(stem(tokens[i]), 0)

    usable = [i for i, ok in enumerate(content) if ok and len(tokens[i]) >= 3 and tokens[i] not in skip
              and (not _is_everyday(tokens[i], common) or _is_named(i, tokens)) and 0 < rarity(i) <= limit]
    if not usable:
        return ()
    anchor = min(usable, key=lambda i: (rarity(i), -i))
    if _is_short_form(tokens[anchor], counts):
        return ()
    start = end = anchor
    while start > 0 and content[start - 1] and anchor - start < 2:
        start -= 1
    while end + 1 < len(tokens) and content[end + 1] and end - start < _MAX_PHRASE_WORDS - 1:
        end += 1
    spans = [(a, b) for a in range(start, anchor + 1) for b in range(anchor, end + 1)]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    return tuple(" ".join(tokens[a : b + 1]) for a, b in spans)


def lock_on_rare_words(focus: Focus, hits: Sequence[Hit]) -> Focus:
    """The focus with its lock-only subject: the longest candidate name some retrieved passage (its title,
    heading or text) uses, else the rare word alone (then nothing retrieved is on it, and the question is
    not covered)."""
    if focus.subjects or focus.unknown or not focus.rare:
        return focus
    texts = [f"{h.chunk.meta.title} {h.chunk.heading} {h.chunk.text}" for h in hits]
    chosen = focus.rare[-1]
    for phrase in focus.rare:
        if any(mentions(text, _stem_seq(phrase)) for text in texts):
            chosen = phrase
            break
    lock = Subject(chosen, chosen, said=chosen, qualifier=_stem_seq(chosen))
    return replace(focus, lock=(lock,), topic=focus.topic or chosen)
