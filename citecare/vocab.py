"""The one medicines vocabulary (``citecare/data/vocab/medicines.toml``): names, brands, classes, mentions.

Safety uses it to know that a message mentions a medicine or an immunosuppressant; answering uses it to find
the subject of a question and to expand brand names; verification uses it to keep a drug's facts with that drug.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from citecare.errors import CiteCareError
from citecare.text import counted_singular, fold

_WORD = re.compile(r"[a-z0-9]+(?:[-'/][a-z0-9]+)*")
MEDICINES_FILE = Path(__file__).resolve().parent / "data" / "vocab" / "medicines.toml"


class VocabularyError(CiteCareError):
    """The medicines vocabulary file is malformed."""


@dataclass(frozen=True)
class MedicineClass:
    name: str
    terms: tuple[str, ...]
    immunosuppressive: bool = False
    # Words just before a term name one member: "yellow fever jab" is the yellow fever vaccine, not vaccines.
    named_by_qualifier: bool = False
    generic_qualifiers: tuple[str, ...] = ()  # words before a term that name no member ("annual", "new")


@dataclass(frozen=True)
class Medicine:
    name: str  # the generic name documents use
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    # Classes whose everyday word it shares, without being one of them: "steroids" in a page on anabolic steroids
    # means them, not corticosteroids.
    not_classes: tuple[str, ...] = ()
    sense_words: tuple[str, ...] = ()  # with one of them, a `not_classes` term means this medicine ("gym steroids")

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way of writing it, generic name first."""
        return (self.name, *self.brands, *self.aliases, *self.misspellings)


@dataclass(frozen=True)
class Mention:
    """A medicine or medicine class named in a text."""

    surface: str  # as written (folded)
    name: str  # canonical medicine name, or the class name
    is_class: bool
    start: int
    end: int


class Medicines:
    """Lookup over the vocabulary: mentions in a text, canonical names, classes."""

    def __init__(self, medicines: dict[str, Medicine], classes: dict[str, MedicineClass],
                 combinations: dict[str, frozenset[str]] | None = None) -> None:
        self.medicines = medicines
        self.classes = classes
        self._combinations = dict(combinations or {})  # folded form → every medicine the product combines
        # class → the medicines that only share its word ("corticosteroid" → anabolic steroid)
        self.other_senses: dict[str, tuple[Medicine, ...]] = {
            c: tuple(m for m in medicines.values() if c in m.not_classes)
            for c in {c for m in medicines.values() for c in m.not_classes}}
        self._by_form: dict[str, tuple[str, bool]] = {}
        for cls in classes.values():
            for term in cls.terms:
                self._by_form[fold(term)] = (cls.name, True)
        for med in medicines.values():
            for form in med.forms:
                key = fold(form)
                owner = self._by_form.get(key)
                if owner and not owner[1] and owner[0] != med.name:
                    raise VocabularyError(f"{form!r} names both {owner[0]!r} and {med.name!r}")
                self._by_form[key] = (med.name, False)
        # Forms as word sequences: a lookup per word position, much faster than one huge regex alternation.
        self._by_words: dict[tuple[str, ...], str] = {}
        for form in self._by_form:
            words = tuple(_WORD.findall(form))
            if words:
                self._by_words[words] = form
        self._longest = max((len(w) for w in self._by_words), default=1)

    def mentions(self, text: str) -> list[Mention]:
        """Medicines and classes named in ``text`` (longest forms win: 'tylenol with codeine' → codeine)."""
        folded = fold(text)
        words = list(_WORD.finditer(folded))
        out = []
        i = 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                form = self._by_words.get(tuple(w.group(0) for w in words[i : i + n]))
                if form is not None:
                    name, is_class = self._by_form[form]
                    start, end = words[i].start(), words[i + n - 1].end()
                    out.append(Mention(folded[start:end], name, is_class, start, end))
                    i += n
                    break
            else:
                plural = self._plural_of_a_medicine(words[i].group(0))
                if plural is not None:
                    name, is_class = self._by_form[plural]
                    out.append(Mention(folded[words[i].start():words[i].end()], name, is_class, words[i].start(),
                                       words[i].end()))
                i += 1
        return out

    def subject_mentions(self, text: str) -> list[Mention]:
        """Mentions as the subjects of a question: a kind named right before a general class term is one subject,
        the kind ("opioid painkillers" → opioid: the opioid pages answer it, not only pages naming both)."""
        found, folded = self.mentions(text), fold(text)
        return [m for m, before in zip(found, [None, *found][: len(found)], strict=True)
                if not (m.is_class and before is not None and not folded[before.end : m.start].strip(" -"))]

    def _plural_of_a_medicine(self, word: str) -> str | None:
        """'two of my methotrexates', 'my naproxens': a one-word medicine name with an s, as people count tablets."""
        singular = counted_singular(word)
        form = self._by_words.get((singular,)) if singular else None
        return form if form is not None and not self._by_form[form][1] else None

    def combination(self, form: str) -> frozenset[str] | None:
        """The medicines a combined product's name stands for ('norco' → hydrocodone and acetaminophen), or None."""
        return self._combinations.get(fold(form).strip())

    def products_named(self, names: Iterable[str]) -> list[frozenset[str]]:
        """The combined products every one of whose medicines is among ``names``."""
        have = set(names)
        return [p for p in dict.fromkeys(self._combinations.values()) if p <= have]

    def canonical(self, form: str) -> str | None:
        """'Humira' → 'adalimumab'; a class term → the class name; unknown → None."""
        found = self._by_form.get(fold(form).strip())
        return found[0] if found else None

    def medicine(self, name: str) -> Medicine | None:
        return self.medicines.get(name)

    def immunosuppressive(self, mention: Mention) -> bool:
        """Does taking what this mention names put a patient at higher risk from infections?"""
        if mention.is_class:
            return self.classes[mention.name].immunosuppressive
        med = self.medicines[mention.name]
        return any(self.classes[c].immunosuppressive for c in med.classes)

    def in_class(self, name: str, class_name: str) -> bool:
        med = self.medicines.get(name)
        return bool(med and class_name in med.classes)

    def misspellings(self) -> dict[str, str]:
        """Misspellings → the generic name: a wrong spelling carries nothing the right one does not."""
        return {fold(form): med.name for med in self.medicines.values() for form in med.misspellings}

    def brand_expansions(self) -> dict[str, str]:
        """Brand names, aliases and misspellings → the generic name (for query expansion)."""
        out: dict[str, str] = {}
        for med in self.medicines.values():
            for form in (*med.brands, *med.aliases, *med.misspellings):
                if fold(form) != fold(med.name):
                    out[fold(form)] = med.name
        return out


def string_list(
    entry: dict[str, Any], key: str, where: str, error: type[CiteCareError] = CiteCareError
) -> tuple[str, ...]:
    """``entry[key]`` of a reviewed data file as stripped strings (missing: empty); ``error`` if malformed."""
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise error(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    return string_list(entry, key, where, VocabularyError)


def _entries(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise VocabularyError(f"[[{key}]] entries must be tables")
    return value


def parse_medicines(data: dict[str, Any], origin: str = "medicines.toml") -> Medicines:
    """Build and validate the vocabulary from parsed TOML."""
    for key in ("reviewer", "reviewed"):
        if not isinstance(data.get(key), str) or not str(data.get(key)).strip():
            raise VocabularyError(f"{origin}: '{key}' is required (who reviewed this list, and when)")
    classes: dict[str, MedicineClass] = {}
    for i, raw in enumerate(_entries(data, "class")):
        where = f"{origin}: class #{i + 1}"
        name = str(raw.get("name", "")).strip()
        if not name or name in classes:
            raise VocabularyError(f"{where}: missing or duplicate name {name!r}")
        classes[name] = MedicineClass(name, _strings(raw, "terms", where), bool(raw.get("immunosuppressive", False)),
                                      bool(raw.get("named_by_qualifier", False)),
                                      _strings(raw, "generic_qualifiers", where))
    medicines: dict[str, Medicine] = {}
    for i, raw in enumerate(_entries(data, "medicine")):
        where = f"{origin}: medicine #{i + 1}"
        name = str(raw.get("name", "")).strip().lower()
        if not name or name in medicines:
            raise VocabularyError(f"{where}: missing or duplicate name {name!r}")
        if unknown := set(raw) - {"name", "brands", "aliases", "misspellings", "classes", "not_classes",
                                     "sense_words"}:
            raise VocabularyError(f"{where} ({name}): unknown fields {sorted(unknown)}")
        med_classes = _strings(raw, "classes", where)
        not_classes = _strings(raw, "not_classes", where)
        if missing := [c for c in [*med_classes, *not_classes] if c not in classes]:
            raise VocabularyError(f"{where} ({name}): unknown classes {missing}")
        medicines[name] = Medicine(
            name,
            _strings(raw, "brands", where),
            _strings(raw, "aliases", where),
            _strings(raw, "misspellings", where),
            med_classes,
            not_classes,
            _strings(raw, "sense_words", where),
        )
    combinations: dict[str, frozenset[str]] = {}
    by_form = {fold(f): m.name for m in medicines.values() for f in m.forms}
    for i, raw in enumerate(_entries(data, "combination")):
        where = f"{origin}: combination #{i + 1}"
        if unknown := set(raw) - {"medicines", "forms"}:
            raise VocabularyError(f"{where}: unknown fields {sorted(unknown)}")
        parts = frozenset(m.lower() for m in _strings(raw, "medicines", where))
        forms = _strings(raw, "forms", where)
        if len(parts) < 2 or not forms:
            raise VocabularyError(f"{where}: needs two or more 'medicines' and at least one form")
        if missing := sorted(parts - set(medicines)):
            raise VocabularyError(f"{where}: unknown medicines {missing}")
        for form in forms:
            if by_form.get(fold(form)) not in parts:
                raise VocabularyError(f"{where}: {form!r} must be a form of one of {sorted(parts)}")
            combinations[fold(form)] = parts
    return Medicines(medicines, classes, combinations)


@lru_cache(maxsize=4)
def load_medicines(path: Path = MEDICINES_FILE) -> Medicines:
    """The vocabulary, loaded and validated once per process."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"cannot read the medicines vocabulary {path}: {exc}") from exc
    return parse_medicines(data, Path(path).name)
