"""Everyday English words, so that typo correction never rewrites a real word into a rule word.

The concept matcher corrects long unknown words to the nearest word of the rules ("brething" → "breathing").
Without a dictionary it also "corrected" real words: "shaving" → "having", "conscious" → "unconscious",
"shopping" → "stopping", "ladder" → "bladder", "camping" → "cramping" (499 such rewrites in the 6,219 training
and dev messages). The word list is the whole-word part of the bundled MiniLM model's WordPiece vocabulary
(about 22,500 lowercase words, offline, already installed); empty when the model package is absent, in which
case every long unknown word may be corrected, as before.
"""

from __future__ import annotations

from citecare.config import default_model_path
from citecare.text import model_words


def english_words() -> frozenset[str]:
    return model_words(default_model_path() or ".")


_SUFFIXES = ("ing", "ed", "es", "s", "er", "ers", "est", "ly")


def is_english_word(word: str) -> bool:
    """A word of the list, or one with a regular ending on one ("shaving" → shave, "stopping" → stop): the
    WordPiece list holds only about 22,500 whole words."""
    known = english_words()
    if word in known:
        return True
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            base = word[: -len(suffix)]
            if base in known or base + "e" in known or (len(base) > 3 and base[-1] == base[-2] and base[:-1] in known):
                return True
    return False
