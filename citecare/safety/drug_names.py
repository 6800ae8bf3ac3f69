"""Medicine names beyond CiteCare's own vocabulary, for the safety checks only.

The project's medicines vocabulary (``vocab/medicines.toml``) knows the medicines its sources discuss, with
their classes; patients also ask about lithium, Benlysta or Calpol. Whether a message names *a* medicine
decides if "can I cut down to 4 a day" is a medication change, so the guard also looks names up in the drug
dictionary of the PyPI package ``drug-named-entity-recognition`` (Fast Data Science, MIT licence; DrugBank,
MeSH and MedlinePlus names and brands). Only its data file is read: the package's own module builds an
n-gram index of ~300 MB at import, and its helpers may call web APIs. Unpickling the file itself leaves
~400 MB with the process (the allocator keeps the freed records), so the names are read in a short-lived
child process, started in the background when the guard is built; the server keeps a ~10 MB name set.

Words the package itself never reports as drugs (its stop words) and words of four letters or fewer are left
out, as the package does; so are multi-word MeSH entries of more than two words (protein and receptor names).
"""

from __future__ import annotations

import bz2
import logging
import pickle  # noqa: S403 - the package's own data file, pinned version; not user input
import re
import subprocess  # noqa: S404 - runs this module with the same interpreter
import sys
import threading
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

from citecare.text import counted_singular, is_english_word, seen_in_english

log = logging.getLogger(__name__)

_PACKAGE = "drug_named_entity_recognition"
_DATA_FILE = "drug_ner_dictionary.pkl.bz2"
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")
_lock = threading.Lock()


class DrugNames:
    """Single words and two-word names of medicines (lower case), each with its canonical medicine ("metoject"
    → "methotrexate"), loaded in the background."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self._names = names
        self._ready = threading.Event()
        if names is not None:
            self._ready.set()
        else:
            threading.Thread(target=self._load, name="drug-names", daemon=True).start()

    def _load(self) -> None:
        try:
            self._names = _names_from_child()
        finally:
            self._ready.set()

    @property
    def names(self) -> Mapping[str, str]:
        """Name → canonical medicine."""
        self._ready.wait(timeout=120)
        return self._names or {}

    def same_medicine(self, a: str, b: str) -> bool:
        """Are both names of one medicine ("methotrexat", "methotrexate")?"""
        names = self.names
        return a in names and names[a] == names.get(b)

    def find(self, text: str) -> tuple[str, ...]:
        """The medicine names in ``text``, in order (two-word names first at each word)."""
        names = self.names
        words = _WORD.findall(text.lower())
        found = []
        i = 0
        while i < len(words):
            pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
            if pair and pair in names:
                found.append(pair)
                i += 2
            elif words[i] in names:
                found.append(words[i])
                i += 1
            elif (singular := counted_singular(words[i])) and singular in names:
                found.append(singular)  # "one of my sumatriptans": counted tablets
                i += 1
            else:
                if near := self._one_letter_off(words[i]):
                    found.append(near)  # "can i drink beer on amoxicilin"
                i += 1
        return tuple(found)

    def _one_letter_off(self, word: str) -> str | None:
        """The one medicine a long word that no English text uses misspells by a single letter (left out, added,
        changed or two swapped): "amoxicilin" → "amoxicillin", not "psoriasis" → the protein psoriasin. None when
        it is no such typo or could be two medicines."""
        if len(word) < MIN_TYPO_LENGTH or not word.isalpha() or is_english_word(word) or seen_in_english(word):
            return None
        names = self.names
        hits = {v for v in _one_edit(word) if v in names}
        canonicals = {names[h] for h in hits}
        if len(canonicals) != 1:
            return None
        canonical = canonicals.pop()
        return canonical if canonical in hits else min(hits)


MIN_TYPO_LENGTH = 7  # shorter words are one letter from too many names ("rabies", "notes")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS}) - {word}


def _load_names() -> dict[str, str]:
    try:
        data_file = resources.files(_PACKAGE).joinpath(_DATA_FILE)
        with data_file.open("rb") as raw, bz2.open(raw, "rb") as f:
            data = pickle.load(f)  # noqa: S301 - see the import
        util = resources.files(_PACKAGE).joinpath("util.py").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError, pickle.UnpicklingError, EOFError):
        return {}  # the package is a dependency; without it the guard falls back to the vocabulary
    stop = frozenset(re.findall(r"'([^']+)'", util.partition("stopwords = {")[2].partition("}")[0]))
    names: dict[str, str] = {}
    for variant, canonicals in data.get("drug_variant_to_canonical", {}).items():
        words = variant.split()
        if len(words) > 2 or len(variant) <= 4 or variant in stop or any(w in stop for w in words):
            continue
        if _WORD.fullmatch(variant) or (len(words) == 2 and all(_WORD.fullmatch(w) for w in words)):
            names[variant] = str(canonicals[0]) if canonicals else variant
    return names


def _names_from_child() -> dict[str, str]:
    try:
        done = subprocess.run([sys.executable, "-m", __name__], capture_output=True, timeout=120, check=True)  # noqa: S603
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("drug name dictionary not loaded (%s); the guard uses the medicines vocabulary only",
                    type(exc).__name__)
        return {}
    rows = (line.partition("\t") for line in done.stdout.decode("utf-8").split("\n") if line)
    return {name: canonical or name for name, _, canonical in rows}


@lru_cache(maxsize=1)
def drug_names() -> DrugNames:
    """The shared name set (its loading starts on the first call)."""
    with _lock:
        return DrugNames()


if __name__ == "__main__":
    sys.stdout.write("\n".join(f"{name}\t{canonical}" for name, canonical in sorted(_load_names().items())))
