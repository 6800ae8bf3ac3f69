"""What a question is about: its subjects (medicines, vaccines, conditions, procedures), and which documents
and sentences are about them.

Subjects come from two places and no list tuned to questions:
- the ONE medicines vocabulary (``citecare/data/vocab/medicines.toml``): generic names, brands, classes;
- the corpus itself: the topic at the head of each document title ("Lupus - What is Lupus?" → lupus,
  "prednisone - ADVERSE REACTIONS" → prednisone), which also says which documents are *about* what.

A question can also name something the library has never heard of ("is kratom safe…"): a word that is in no
document, is not an everyday English word (the embedding model's word list) and cannot be read as a typo of a
corpus word. Such a name is an *unknown subject*: the sources cannot cover it, and the answer says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from citecare.answer.abbreviations import CapitalsOnly, abbreviations_by_topic, acronym, read_abbreviations
from citecare.answer.class_facts import UMBRELLA_CLASS, is_about_class_of, states_class_fact
from citecare.answer.combined_products import CombinedProducts, product_documents
from citecare.answer.section_title import LEAD_SECTION_DOCS, promised_section_within
from citecare.answer.short_names import leading_words, short_names
from citecare.answer.synonyms import defined_synonyms
from citecare.answer.unknown_names import unknown_names  # noqa: F401  (re-exported: one place to import subjects from)
from citecare.text import fold, is_english_word, publisher_from_title, stem, words
from citecare.types import Chunk, Hit
from citecare.vocab import Medicines

_QUESTION_HEAD = re.compile(r"^(what|how|who|why|when|where|which|is|are|can|do|does|should|reference answer|"
                            r"answer excerpt|summary)\b")
_LEAD_IN = re.compile(r"^(facts about|what i need to know about|about)\s+")
# Generic tails of condition names: "Crohn's disease" is also written "Crohn's", "crohns".
_GENERIC_TAIL = re.compile(r"^(.+?'?s?)\s+(disease|syndrome|disorder|phenomenon)$")
_SIBLING = {"disease": "disorder", "disorder": "disease"}
_SIBLING_TAIL = re.compile(r"^(.+?)\s+(disease|disorder)(s?)$")
_PARENS = re.compile(r"\s*\(([^()]*)\)")
_MAX_TOPIC_WORDS = 5
# A topic named in more documents than this share is a theme of the library ("pain"), not a subject.
_GENERIC_SHARE = 0.12


@dataclass(frozen=True)
class Subject:
    """One thing a question is about."""

    key: str  # medicine or class name from the vocabulary, or a corpus topic (folded)
    label: str  # as shown to a patient
    is_class: bool = False
    known: bool = True  # False: a name no source mentions
    said: str = ""  # as the question wrote it ("tylenol with codeine"), for naming it back to the patient
    # One member of a class named by the words before the class term ("yellow fever jab"): their stems, which
    # a passage must carry to be about it.
    qualifier: tuple[str, ...] = ()


def _stem_seq(text: str) -> tuple[str, ...]:
    return tuple(stem(w.strip("'-")) for w in words(text) if w.strip("'-"))


def _contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(seq[i : i + len(part)] == part for i in range(len(seq) - len(part) + 1))


_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


@lru_cache(maxsize=16384)  # keys include whole passages (rare-word lock): bounded to some 20 MB in a long-lived server
def mentions(text: str, part: tuple[str, ...]) -> bool:
    """Does ``text`` contain the stemmed word run ``part``? A hyphenated word counts written as one word or two
    ("post-herpetic neuralgia" mentions "postherpetic neuralgia" and "post herpetic neuralgia", and back)."""
    if _contains(_stem_seq(text), part):
        return True
    if "-" not in text and not any("-" in p for p in part):
        return False
    joined = tuple(p.replace("-", "") for p in part)
    split = tuple(w for p in part for w in p.split("-") if w)
    return any(_contains(_stem_seq(_HYPHEN.sub(glue, text)), want) for glue in ("", " ") for want in (joined, split))


def _strip_publisher(title: str) -> str:
    publisher = publisher_from_title(title)
    return title[: -len(publisher) - 2].strip() if publisher else title.strip()


def title_topics(title: str) -> list[str]:
    """Topic phrases at the head of a title: 'Lupus - What is Lupus? (MedlinePlus)' → ['lupus'];
    'Systemic lupus erythematosus (lupus)' → ['systemic lupus erythematosus', 'lupus']."""
    head = _strip_publisher(title).split(" - ", 1)[0].strip()
    folded = _LEAD_IN.sub("", fold(head))
    if _QUESTION_HEAD.match(folded):
        return []
    out = []
    for part in [_PARENS.sub("", folded), *_PARENS.findall(folded)]:
        for piece in re.split(r",|;|\+| and | with ", part):
            piece = " ".join(words(piece))
            if piece and len(piece.split()) <= _MAX_TOPIC_WORDS and len(piece) >= 3 and not _QUESTION_HEAD.match(piece):
                out.append(piece)
    return out


def topic_forms(topic: str, common: frozenset[str] = frozenset()) -> list[str]:
    """Other ways of writing a topic: 'crohn's disease' → "crohn's"; 'complex regional pain syndrome' → 'crps'.

    The generic tail is dropped only when what is left is a name (possessive, or not an everyday word):
    'kidney disease' never becomes 'kidney'."""
    forms = [topic]
    if (m := _GENERIC_TAIL.match(topic)) and " " not in m.group(1):
        head = m.group(1)
        if head.endswith("'s") or (common and head not in common):
            forms.append(head)
    # "Autoimmune diseases" are also written "autoimmune disorders".
    if m := _SIBLING_TAIL.match(topic):
        forms.append(f"{m.group(1)} {_SIBLING[m.group(2)]}{m.group(3)}")
    if initials := acronym(topic):
        forms.append(initials)
    return forms


class SubjectIndex:
    """Finds subjects in text and knows which documents are about which subject."""

    def __init__(self, chunks: Iterable[Chunk], medicines: Medicines, common: frozenset[str] = frozenset()) -> None:
        self.medicines = medicines
        titles: dict[str, str] = {}
        texts: dict[str, list[str]] = {}
        for chunk in chunks:
            titles[chunk.doc_id] = chunk.meta.title
            texts.setdefault(chunk.doc_id, []).append(chunk.text)
        self.titles = titles
        heads = {doc_id: title_topics(title) for doc_id, title in titles.items()}
        candidates = {t for ts in heads.values() for t in ts if self._vocab_key(t) is None}
        self.topics = self._specific_topics(candidates, texts)
        abbreviations, capitals = read_abbreviations((text for parts in texts.values() for text in parts), self.topics)
        self.capitals = CapitalsOnly(capitals)  # "AS" is ankylosing spondylitis, "as" is a word
        defined = abbreviations_by_topic({**abbreviations,
            **defined_synonyms(texts, heads, self.topics, common),  # and other names ("systemic sclerosis")
            **leading_words(self.topics, lambda w: is_english_word(w) or bool(medicines.mentions(w)))})
        self.short_abbreviations = {t: a for t, abbrs in defined.items() if (a := [x for x in abbrs if len(x) <= 2])}
        seqs = {(_stem_seq(form), t) for t in self.topics for form in [*topic_forms(t, common), *defined.get(t, ())]}
        self._topic_seqs = sorted(seqs, key=lambda p: (-len(p[0]), p[1]))
        # Topic forms by first word, in that order: find() tries only the forms starting at each word of a text.
        self._seqs_by_first: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
        for rank, (seq, topic) in enumerate(self._topic_seqs):
            if seq:
                self._seqs_by_first.setdefault(seq[0], []).append((rank, seq, topic))
        self._find = lru_cache(maxsize=8192)(self._find_in)  # the lock reads a sentence once per subject and check
        short = short_names([_strip_publisher(t).split(" - ", 1)[0] for t in titles.values()], self.topics)
        self.about: dict[str, frozenset[str]] = {}
        for doc_id, title in titles.items():
            head = _strip_publisher(title).split(" - ", 1)[0]
            keys = {s.key for s in self.find(head)}
            keys |= {k for t in heads[doc_id] if (k := self._vocab_key(t) or (t if t in self.topics else None))}
            self.about[doc_id] = frozenset(keys | {short[k] for k in keys if k in short})
        # A page titled with a medicine that shares a class's word is not on that class ("steroids - Are anabolic
        # steroids addictive?" is not about corticosteroids).
        self.other_sense: dict[str, frozenset[str]] = {
            doc_id: classes for doc_id, title in titles.items()
            if (classes := frozenset(c for m in medicines.mentions(title) if (med := medicines.medicine(m.name))
                                     for c in med.not_classes))}
        self.products = CombinedProducts(medicines, product_documents(heads, self.find, medicines))
        # every document is read once per subject asked about (the lookup scans the whole library)
        self.documents_about = lru_cache(maxsize=4096)(self._documents_about)

    # --- building ------------------------------------------------------------------------------------
    def _vocab_key(self, phrase: str) -> str | None:
        """The vocabulary name of a phrase that is wholly one medicine or class form."""
        return self.medicines.canonical(phrase)

    @staticmethod
    def _specific_topics(candidates: set[str], texts: Mapping[str, list[str]]) -> frozenset[str]:
        """Title topics that are not themes of the whole library (named in at most a small share of documents)."""
        if not texts:
            return frozenset()
        # Document frequency of every candidate in one pass over the library (a scan per candidate was
        # quadratic: 205 s of a 100k-chunk engine start): only word runs that start like a candidate are tried.
        by_seq: dict[tuple[str, ...], list[str]] = {}
        for topic in candidates:
            by_seq.setdefault(_stem_seq(topic), []).append(topic)
        lengths: dict[str, set[int]] = {}
        for seq in by_seq:
            if seq:
                lengths.setdefault(seq[0], set()).add(len(seq))
        counts: Counter[tuple[str, ...]] = Counter()
        for parts in texts.values():
            stems = _stem_seq(" ".join(parts))
            found = {stems[i : i + n] for i, first in enumerate(stems) for n in lengths.get(first, ())}
            counts.update(seq for seq in found if seq in by_seq)
        limit = max(3, _GENERIC_SHARE * len(texts))
        return frozenset(t for seq, topics in by_seq.items() if counts[seq] <= limit for t in topics)

    # --- reading text --------------------------------------------------------------------------------
    def find(self, text: str) -> list[Subject]:
        """Subjects named in ``text``, in the order they appear (a longer name wins over a shorter one in it)."""
        return list(self._find(text))

    def _find_in(self, text: str) -> tuple[Subject, ...]:
        spans: list[tuple[int, int, Subject]] = []
        for m in self.medicines.subject_mentions(text):
            label = m.surface if m.is_class else m.name
            spans.append((m.start, m.end, Subject(m.name, label, is_class=m.is_class, said=m.surface)))
        spans += [(start, end, Subject(t, t, said=said)) for start, end, t, said in self.capitals.spans(text)]
        folded = fold(text)
        tokens = [(mt.start(), mt.end(), stem(mt.group(0).strip("'-"))) for mt in re.finditer(r"[a-z][a-z0-9'-]*",
                                                                                              folded)]
        stems, taken = [t[2] for t in tokens], [False] * len(tokens)
        # Longer forms first (then by topic), each at every place it occurs, as the order of _topic_seqs says.
        matches = sorted((rank, i, seq, topic) for i, first in enumerate(stems)
                         for rank, seq, topic in self._seqs_by_first.get(first, ())
                         if tuple(stems[i : i + len(seq)]) == seq)
        for _, i, seq, topic in matches:
            n = len(seq)
            if not any(taken[i : i + n]):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                if any(s < end and start < e for s, e, _ in spans):
                    continue  # the vocabulary already names it
                taken[i : i + n] = [True] * n
                spans.append((start, end, Subject(topic, topic)))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out: list[Subject] = []
        last_end = -1
        for start, end, subject in spans:
            if start < last_end:
                continue  # inside a longer name already taken
            last_end = end
            if all(subject.key != s.key for s in out):
                out.append(subject)
        return tuple(out)

    def names(self, text: str, subject: Subject) -> bool:
        """Does ``text`` name the subject (for a class: the class or one of its medicines)?"""
        if subject.qualifier:
            return mentions(text, subject.qualifier)
        for found in self.find(text):
            if found.key == subject.key:
                return True
            if subject.is_class and not found.is_class and self.medicines.in_class(found.key, subject.key):
                return True
        return False

    def names_broadly(self, text: str, subject: Subject) -> bool:
        """Names the subject, or for a medicine, one of its classes: "NSAIDs can cause stomach bleeding" is
        also about ibuprofen (what holds for the class holds for its members)."""
        if self.names(text, subject):
            return True
        med = None if subject.is_class else self.medicines.medicines.get(subject.key)
        if med is None or not med.classes:
            return False
        return any(f.is_class and f.key in med.classes for f in self.find(text))

    def about_any(self, doc_id: str, subjects: Sequence[Subject]) -> bool:
        """Is the document about an asked subject (a combined product's: only when all its medicines are asked)?"""
        return any(self.is_about(doc_id, s) for s in subjects) and not self.products.partners_not_asked(doc_id, subjects)

    def covers(self, doc_id: str, text: str, subjects: Sequence[Subject], *, class_facts: bool = True) -> frozenset[str]:
        """Keys of the subjects a text of a document is on (the subject lock): the document is about one, or the
        text names it; through a medicine's class, a text naming the class (with several subjects) or a class
        fact (``class_facts``). A text on the class two asked medicines share tells neither apart ("is dilaudid
        stronger than morphine" is not answered by "Use of opioids can lead to drowsiness")."""
        if self.products.states_another_product(doc_id, {f.key for f in self.find(text) if not f.is_class}, subjects):
            return frozenset()
        if self.products.partners_not_asked(doc_id, subjects):
            return frozenset(s.key for s in subjects if self.names(text, s))  # what it says of the medicine itself
        subjects = [s for s in subjects if s.key not in self.other_sense.get(doc_id, ())]
        named = {s.key for s in subjects if self.is_about(doc_id, s) or self.names(text, s)}
        through_class = {s.key for s in subjects if s.key not in named
                         and ((len(subjects) >= 2 and self.names_broadly(text, s))
                              or (class_facts and states_class_fact(self, doc_id, text, s)))}
        return frozenset(named | through_class if len(through_class) < 2 else named)

    def is_about(self, doc_id: str, subject: Subject) -> bool:
        """Is the document (by its title) about the subject, or, for a class, about one of its medicines?"""
        if subject.qualifier:
            return doc_id in self.titles and mentions(self.titles[doc_id], subject.qualifier)
        if subject.key in self.other_sense.get(doc_id, ()):
            return False
        keys = self.about.get(doc_id, frozenset())
        if subject.key in keys:
            return True
        if not subject.is_class:
            return False
        if any(self.medicines.in_class(k, subject.key) for k in keys):
            return True
        # A document about immunosuppressants in general is about each immune-suppressing class (steroids…).
        umbrella = self.medicines.classes.get(UMBRELLA_CLASS)
        cls = self.medicines.classes.get(subject.key)
        return bool(umbrella and cls and cls.immunosuppressive and UMBRELLA_CLASS in keys)

    def on_subject(self, doc_id: str, sentence: str, subject: Subject) -> bool:
        """The document is about the subject (or, for a medicine, its class), or the text names it."""
        if self.speaks_of_another_sense(doc_id, sentence, subject):
            return False
        return (self.is_about(doc_id, subject) or self.names(sentence, subject)
                or is_about_class_of(self, doc_id, subject))

    def speaks_of_another_sense(self, doc_id: str, text: str, subject: Subject) -> bool:
        """The page, or the text without naming the subject, is on a medicine that only shares the subject's
        word ("You may have heard of anabolic steroids…" on the steroids page is not about corticosteroids)."""
        if subject.key not in self.medicines.other_senses:
            return False  # no medicine shares this subject's word: nothing to read (most questions)
        if subject.key in self.other_sense.get(doc_id, ()):
            return True
        others = {c for m in self.medicines.mentions(text) if (med := self.medicines.medicine(m.name))
                  for c in med.not_classes}
        return subject.key in others and not self.names(text, subject)

    def _documents_about(self, subject: Subject) -> tuple[str, ...]:
        return tuple(doc_id for doc_id in self.about if self.is_about(doc_id, subject))

    def covered_titles(self, subjects: Sequence[Subject], ranked: Sequence[str] = (), limit: int = 3) -> list[str]:
        """Titles (without publisher) of documents about the subjects: what the sources do cover. Documents
        directly about a subject come before those about one of its medicines, retrieved ones (``ranked``) first."""
        rank = {d: i for i, d in enumerate(ranked)}
        out: list[str] = []
        for subject in subjects:
            docs = sorted(self.documents_about(subject),
                          key=lambda d: (subject.key not in self.about[d], rank.get(d, len(rank)), d))
            for doc_id in docs:
                title = _strip_publisher(self.titles[doc_id])
                if title not in out:
                    out.append(title)
        return out[:limit]

    def names_for_follow_ups(self) -> set[str]:
        """Every topic and vocabulary form, for finding the topic of an earlier message."""
        found = set(self.topics)
        for med in self.medicines.medicines.values():
            found.update(fold(f) for f in med.forms)
        for cls in self.medicines.classes.values():
            found.update(fold(t) for t in cls.terms)
        return found


def describe(subjects: Sequence[Subject], *, as_said: bool = False) -> str:
    """'methotrexate', 'tart cherries and gout', 'a, b and c' (``as_said``: in the question's own words)."""
    labels = list(dict.fromkeys((s.said or s.label) if as_said else s.label for s in subjects))
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


@dataclass(frozen=True)
class Focus:
    """What one question is about and what it asks: the subject lock and the evidence gate read it."""

    subjects: tuple[Subject, ...] = ()
    unknown: tuple[str, ...] = ()  # names no source mentions ("kratom")
    question_type: str = "other"
    aspect_terms: frozenset[str] = frozenset()  # stemmed content words of the question besides its subjects
    inherited: bool = False  # the subjects come from earlier in the conversation, not from the question
    topic: str = ""  # without subjects: the question's rarest words ("lyme arthritis"), to name what was asked
    rare: tuple[str, ...] = ()  # without subjects: names around its rarest uncommon word (``rare_subject``)
    lock: tuple[Subject, ...] = ()  # the subject the composer locks on when ``subjects`` is empty (``rare``)
    medicine_specific: bool = False  # side effects, a dose or an interaction: the answer needs to know which medicine
    # a condition the conversation is about, for a follow-up that names only a medicine ("how quick does the
    # steroid work" after "my doctor thinks i have polymyalgia rheumatica"): preferred, not required
    context: tuple[Subject, ...] = ()
    population: str = ""  # who the conversation asks about: "children", "adults" or "" (``asked_population``)

    @property
    def label(self) -> str:
        """How the 'not covered' message names what was asked about."""
        named = [*self.subjects, *(Subject(w, w, known=False) for w in self.unknown)]
        return describe(named, as_said=True) or self.topic


def subject_first(hits: Sequence[Hit], focus: Focus, index: SubjectIndex, k: int) -> list[Hit]:
    """The ``k`` passages the writer reads: those on an asked subject first (in retrieval order), then those of
    documents about an asked medicine's class, then the rest."""
    if not (locked := focus.subjects or focus.lock):
        return list(hits[:k])
    def direct(h: Hit) -> bool:
        return index.about_any(h.chunk.doc_id, locked) or any(index.names(h.chunk.text, s) for s in locked)

    # A section on the subject titled as the kind of answer asked for is among those the writer reads.
    on = promised_section_within([h for h in hits if direct(h)], focus.question_type, min(k, LEAD_SECTION_DOCS))
    # Then passages of documents about the asked medicine's class: they may hold facts about it, but a document
    # about the medicine itself comes first.
    by_class = [h for h in hits if h not in on and any(is_about_class_of(index, h.chunk.doc_id, s)
                                                       for s in focus.subjects)]
    rest = [h for h in hits if h not in on and h not in by_class]
    return (on + by_class + rest)[:k]
