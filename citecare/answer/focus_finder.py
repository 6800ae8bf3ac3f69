"""The Focus of one question: its subjects (or those of the conversation, for a follow-up), names no source
mentions, the kind of answer it asks for and its aspect words ("insomnia" in "does prednisone cause insomnia").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from citecare.answer.abbreviations import acronym
from citecare.answer.asker_words import NEVER_NAMED, RELATIONS, WHO_QUESTIONS
from citecare.answer.population import asked_population
from citecare.answer.rare_subject import rare_phrases
from citecare.answer.short_names import clipped_topic
from citecare.answer.subject import Focus, Subject, SubjectIndex, _stem_seq, mentions
from citecare.answer.unknown_names import unknown_names
from citecare.text import fold, stem, words
from citecare.vocab import Medicines

# Filler words of spoken questions: they carry no aspect ("what do they actually do").
_FILLER = frozenset("""actually really exactly usually basically even ever still just always normally generally
    typically ok okay honestly literally anyway maybe probably kind sort bit lot lots something stuff thing things
    anything someone anyone people person doctor doctors dr gp keep keeps kept going get getting else besides
    instead definitely definately certainly surely necessarily defo deffo make makes made making
    supposed meant""".split())
# How the answer should be put is not what it is about: "what is an immunosuppressant, in simple words?"
# (answers-dev-10) was "not covered" because no sentence speaks of words.
_REGISTER = re.compile(r"\b(?:in|into|using)\s+(?:very\s+)?(?:simple|simpler|plain|easy|basic|everyday|lay|laymans?|"
                       r"layman's|normal|non[- ]medical)\s+(?:words|terms|english|language)\b|"
                       r"\bin\s+a\s+nutshell\b|\blike\s+i'?m\s+(?:5|five)\b", re.IGNORECASE)


# Side effects, doses and interactions belong to one medicine: asked with none named, they cannot be answered.
# "the first one", "the last drug": one of the medicines the reply before listed.
_ORDINAL_REFERENCE = re.compile(r"\bthe (first|second|third|fourth|fifth|last) (?:one|drug|medicine|medication|"
                                r"option|treatment)\b", re.IGNORECASE)
_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1}
# What the question sets aside is not what it asks about: "what can help chronic pain apart from painkillers"
# (answers-dev-12) asks about chronic pain, and no source sentence needs to name painkillers. The two or three words
# after the phrase.
_SET_ASIDE = re.compile(r"\b(?:apart from|aside from|other than|besides|except(?: for)?|"
                        r"instead of|rather than)\s+((?:[a-z'-]+\s?){1,3})", re.IGNORECASE)
# What the question contrasts its subject with: "why my doctor wants to treat inflammation not just give
# painkillers" (answers-dev-13) asks about neither painkillers nor anything named beside them
_CONTRASTED = re.compile(r"\bnot (?:just|only|simply|merely)\s+((?:[a-z'-]+\s?){1,3})", re.IGNORECASE)
_MEDICINE_SPECIFIC = re.compile(r"\bside[- ]?effects?\b|\bdos(?:e|es|age|ing)\b|\binteract", re.IGNORECASE)


@lru_cache(maxsize=1)
def _generic_stems() -> frozenset[str]:
    """Stems of stopwords, question words and fillers: 'needed' is as empty as 'need'."""
    from citecare.answer.query import GENERIC_QUESTION_WORDS, STOPWORDS

    return frozenset(stem(w) for w in STOPWORDS | GENERIC_QUESTION_WORDS | _FILLER)


@lru_cache(maxsize=1)
def _relation_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in RELATIONS)


def name_words(index: SubjectIndex) -> frozenset[str]:
    """Words of every name the library knows (title topics, vocabulary forms), a possessive also without its
    "'s" as patients write it ("cushing's" → "cushing", "cushings"): typo correction must not turn them into
    everyday words, or the question loses its subject ("cushing" → "causing", "eliquis" → "liquids")."""
    out: set[str] = set()
    for name in index.names_for_follow_ups():
        for w in words(name):
            w = w.strip("'-")
            out.add(w)
            if w.endswith("'s"):
                out.update((w[:-2], w[:-2] + "s"))
    return frozenset(out)


# The term a definition question asks about: "what (actually) is a biologic", "whats sjogrens", "what does X mean"
_DEFINED = re.compile(r"\bwhat\s+(?:actually\s+|exactly\s+|even\s+)?(?:is|are|'s)\s+(?:a\s+|an\s+|the\s+)?([^?.!,]+)|"
                      r"\bwhats\s+([^?.!,]+)|\bwhat does\s+([^?.!,]+?)\s+mean\b", re.IGNORECASE)


_DOSE_FORMS = r"tablets?|pills?|capsules?|caplets?|tabs?|injections?|jabs?|shots?"
# What a condition is like, which no medicine named around the question changes: "is TPMT deficiency inherited?"
_CONDITION_QUESTIONS = frozenset({"inheritance", "causes", "symptoms", "prognosis", "definition", "diagnosis"})


def _asked_part(question: str) -> str:
    """The sentences with a question mark, when the message also has sentences without one ('' otherwise)."""
    sentences = re.split(r"(?<=[.?!])\s+", question.strip())
    asked = [s for s in sentences if "?" in s]
    return " ".join(asked) if asked and len(asked) < len(sentences) else ""


def _most_specific(subjects: list[Subject], medicines: Medicines) -> list[Subject]:
    """Without a condition another one's name holds: "my daughter has lupus and they've found lupus nephritis" then
    "does she need to change what she eats?" asks about lupus nephritis (answers-dev-12), and a passage need not
    join it with lupus. (Not a medicine: "can the shingles vaccine treat the shingles I have" asks about both.)"""
    def condition(s: Subject) -> bool:
        return not s.is_class and medicines.medicine(s.key) is None

    def within(inner: Subject, outer: Subject) -> bool:
        return (inner.key != outer.key and condition(inner) and condition(outer)
                and f" {inner.label.lower()} " in f" {outer.label.lower()} ")
    return [s for s in subjects if not any(within(s, other) for other in subjects)]


class FocusFinder:
    """Builds the Focus of a question from the corpus's subjects, its words and the conversation."""

    def __init__(self, index: SubjectIndex, corpus_words: Mapping[str, int] | Iterable[str],
                 common: frozenset[str], *, df: Mapping[str, int] | None = None, passages: int = 0) -> None:
        """``df``: passage frequency of each stemmed content word of the library (``passages`` in all): a
        question without a known subject locks on its rarest uncommon word (``rare_subject``)."""
        self.index = index
        self.df: Mapping[str, int] = df or {}
        self.passages = passages
        self.counts: Mapping[str, int] = corpus_words if isinstance(corpus_words, Mapping) else {}
        # The corpus vocabulary holds letters-only words: the topics add their possessive names without the
        # apostrophe, as patients write them ("feltys syndrome", "crohns", "sjogrens").
        possessives = {w.replace("'", "") for t in index.names_for_follow_ups() for w in words(t) if "'" in w}
        self.corpus_stems = frozenset(stem(w) for w in [*corpus_words, *possessives])
        self.common = common

    def focus(self, question: str, earlier: Sequence[str] = (), *, answers: Sequence[str] = (),
              explained: Iterable[str] = (), original: str = "", as_written: str = "") -> Focus:
        """``earlier``: the patient's earlier messages, oldest first (a follow-up inherits their subject);
        ``answers``: the replies they got, read for a subject only when the patient's own messages name none
        ("What are immunosuppressants?" answered with a list naming psoriasis, methotrexate and biologics: "how
        will my doctor keep an eye on side effects?" is still about immunosuppressants); ``explained``: words the
        query layer already understands (lay terms); ``original``: the question as the patient wrote it, before
        typo correction (to name an unknown topic in their words); ``as_written``: the message as sent, before
        ``resolve_follow_up`` made it stand alone with a topic of the earlier messages (a follow-up when it differs;
        its kind of question is in the patient's words: "will our children get it?")."""
        from citecare.answer.query import content_terms
        from citecare.answer.question_type import classify, type_words

        follow_up = bool(as_written) and as_written != (original or question)

        subjects = self._set_aside(question, self._named_beyond_abbreviation(
            question, self._qualified(question, self.index.find(question))))
        inherited = False
        if not subjects and answers and (ordinal := _ORDINAL_REFERENCE.search(question)):
            listed = [s for s in self.index.find(answers[-1]) if not s.is_class and self.index.medicines.medicine(s.key)]
            place = _ORDINALS[ordinal.group(1).lower()]
            if len(listed) > abs(place):
                subjects, inherited = [listed[place]], True
        if not subjects:
            for text in [*reversed(earlier), *reversed(answers)]:
                # "two different pneumonia vaccines" then "which one do i have first": the pneumococcal vaccine
                if subjects := self._named_beyond_abbreviation(text, self._qualified(text, self.index.find(text))):
                    inherited = True
                    break
        subjects = _most_specific(self._in_sense(question, subjects), self.index.medicines)
        if follow_up:
            subjects = self._member_named_earlier(subjects, earlier)
        from citecare.answer.query import lay_terms

        mentioned = [m.surface for m in self.index.medicines.mentions(question)]
        lay = [t for t in lay_terms() if f" {t} " in " " + " ".join(words(question)) + " "]
        unknown = unknown_names(question, self.corpus_stems, self.common, [*mentioned, *lay, *explained])
        if clipped := {w: t for w in unknown if (t := clipped_topic(w, self.index.topics))}:
            unknown = [w for w in unknown if w not in clipped]  # "sarcoid" is sarcoidosis, not a name no source has
            subjects = [*subjects, *(Subject(t, t, said=w) for w, t in clipped.items()
                                     if all(s.key != t for s in subjects))]
        # The kind of answer comes from the question sentence, not the story around it ("My mother is 74 and diagnosed
        # with polymyalgia rheumatica. How quickly does the prednisone work?" asks how quickly, not for a diagnosis)
        asked_part = _asked_part(question)
        question_type = classify(asked_part) if asked_part else "other"
        if question_type == "other":
            question_type = classify(question)
        elif question_type in ("yes_no", "likelihood", "who_gets") and classify(question) == "inheritance":
            question_type = "inheritance"  # "my mum has rheumatoid arthritis. will i get it too?": across sentences
        if follow_up and question_type in ("other", "yes_no"):
            # "will our children get it?" made "will our children get multiple sclerosis?" reads as a plain yes/no
            own = classify(_asked_part(as_written) or as_written)
            question_type = own if own not in ("other", "yes_no") else question_type
        if question_type == "definition":
            subjects = self._defined_term(question, subjects)
        subjects, background = self._background_conditions(asked_part, subjects, question_type)
        named = set()
        for s in [*self.index.find(question), *subjects]:
            # and the subject's acronym ("diagnosed with JIA. what causes it?" asks nothing of "jia")
            named |= content_terms(f"{s.label} {s.said} {acronym(s.label)}", drop_generic=False)
        for form in mentioned:
            named |= content_terms(form, drop_generic=False)
            # "dexamethasone tablets" names the medicine; "my son cant swallow tablets" asks about its form
            named |= {stem(m.group(1)) for m in re.finditer(rf"\b{re.escape(form)}\s+({_DOSE_FORMS})\b", question, re.I)}
        skip = named | content_terms(" ".join([*type_words(question), *_FILLER, *_REGISTER.findall(question)]),
                                     drop_generic=False)
        skip |= _generic_stems()
        if question_type not in WHO_QUESTIONS and subjects:
            # (with no subject, the story's words are all there is to tell what the sources must speak of)
            skip |= _relation_stems()
        aspect = frozenset(t for t in content_terms(question) if t not in skip)
        tokens, content = _content_tokens(original or question, skip)
        # An unknown name is named with the words around it: "myasthenia gravis", "ehlers danlos syndrome".
        phrases = [_span(tokens, content, tokens.index(w)) if w in tokens else w for w in unknown]
        # a question's topic is named from the sentence that asks ("Do copper bracelets help arthritis? My gran swears
        # by hers." asks about copper bracelets, not about swearing)
        topic = "" if subjects or unknown else self._topic(_asked_part(original or question) or original or question,
                                                          skip)
        rare = () if subjects or unknown else rare_phrases(
            *_content_tokens(question, skip), df=self.df, passages=self.passages, common=self.common,
            counts=self.counts, ignore=[*mentioned, *lay, *explained])
        return Focus(tuple(subjects), tuple(dict.fromkeys(phrases)), question_type, aspect, inherited, topic, rare,
                     medicine_specific=bool(_MEDICINE_SPECIFIC.search(question)),
                     context=background or (() if inherited else self._condition_in_view(subjects, earlier)),
                     population=asked_population(question, earlier))

    def _named_beyond_abbreviation(self, text: str, subjects: list[Subject]) -> list[Subject]:
        """A condition named only by a two-letter abbreviation ("RA", "ms") next to a medicine is the reason for the
        medicine ("prednisone and methotrexate for RA", "immunosupresants for ms pain"), not a second subject every
        passage must join; alone ("my mum has MS, will I get it") it is the subject."""
        medicines = self.index.medicines
        if not any(s.is_class or medicines.medicine(s.key) for s in subjects):
            return subjects
        short = self.index.short_abbreviations
        return [s for s in subjects if s.key not in short or mentions(text, _stem_seq(s.key))]

    def _in_sense(self, question: str, subjects: list[Subject]) -> list[Subject]:
        """A class named in the sense of a medicine that only shares its word: "steroids from the gym" are anabolic
        steroids (the vocabulary's ``sense_words``)."""
        meds = self.index.medicines
        said = f" {' '.join(words(question))} "
        out = []
        for s in subjects:
            other = next((m for m in meds.other_senses.get(s.key, ()) if s.is_class
                          and any(f" {w} " in said for w in m.sense_words)), None)
            if other is None:
                out.append(s)
                continue
            out.append(Subject(other.name, other.name, said=s.said))
            if sum(m.name == s.key for m in meds.mentions(question)) >= 2:
                out.append(s)  # "the steroids bodybuilders use and the steroid tablets my doctor gives me": both
        return out

    def _set_aside(self, question: str, subjects: list[Subject]) -> list[Subject]:
        """The subjects asked about, without those the question sets aside ("…apart from painkillers") when one is
        left, or contrasts them with ("…treat inflammation, not just give painkillers": then maybe none)."""
        aside = {s.key for m in _SET_ASIDE.finditer(question) for s in self.index.find(m.group(1))}
        contrasted = {s.key for m in _CONTRASTED.finditer(question) for s in self.index.find(m.group(1))}
        kept = [s for s in subjects if s.key not in aside | contrasted]
        if not kept and not contrasted:
            return subjects  # "what can i take instead of prednisone": its pages name the alternatives
        return kept if len(kept) < len(subjects) else subjects

    def _background_conditions(self, asked_in: str, subjects: list[Subject], question_type: str = "other"
                               ) -> tuple[list[Subject], tuple[Subject, ...]]:
        """Conditions named only in a statement around the question ("i have lupus and psoriasis. can
        hydroxychloroquine make the psoriasis flare?") are the patient's context, preferred but not required, when
        the question itself names a subject. So is a medicine, when the question asks what a condition it names is
        like ("…did a TPMT test before starting him on azathioprine. is TPMT deficiency inherited?", answers-dev-16).
        ``asked_in``: the question sentences (``_asked_part``). Returns (subjects asked about, background)."""
        if len(subjects) < 2 or not asked_in:
            return subjects, ()
        asked = {s.key for s in self.index.find(asked_in)}
        medicines = self.index.medicines

        def is_medicine(s: Subject) -> bool:
            return s.is_class or medicines.medicine(s.key) is not None

        about_a_condition = question_type in _CONDITION_QUESTIONS and any(
            s.key in asked and not is_medicine(s) for s in subjects) and not any(
            s.key in asked and is_medicine(s) for s in subjects)
        background = tuple(s for s in subjects if s.key not in asked and (about_a_condition or not is_medicine(s)))
        if not asked & {s.key for s in subjects} or not background:
            return subjects, ()
        return [s for s in subjects if s not in background], background

    def _defined_term(self, question: str, subjects: list[Subject]) -> list[Subject]:
        """"…for my psoriasis. what actually is a biologic" asks what the term is: the other subjects named around
        it are the patient's context, and a passage need not join them."""
        if len(subjects) < 2 or not (m := _DEFINED.search(question)):
            return subjects
        defined = {s.key for s in self.index.find(next(g for g in m.groups() if g))}
        return [s for s in subjects if s.key in defined] if defined < {s.key for s in subjects} and defined else subjects

    def _condition_in_view(self, subjects: Sequence[Subject], earlier: Sequence[str]) -> tuple[Subject, ...]:
        """The condition of the patient's latest earlier message that names one, when the question names only
        medicines: the conversation is about taking them for it."""
        medicines = self.index.medicines
        if not subjects or not all(s.is_class or medicines.medicine(s.key) for s in subjects):
            return ()
        for text in reversed(earlier):
            conditions = [s for s in self._named_beyond_abbreviation(text, self.index.find(text))
                          if not (s.is_class or medicines.medicine(s.key))]
            if conditions:
                return (conditions[0],)
        return ()

    def _qualified(self, question: str, subjects: list[Subject]) -> list[Subject]:
        """A class named with the words before its term is one member: "the yellow fever jab" asks about the
        yellow fever vaccine, which a source on vaccines in general does not answer (classes marked
        ``named_by_qualifier`` in the vocabulary)."""
        from citecare.answer.query import GENERIC_QUESTION_WORDS, STOPWORDS

        classes = self.index.medicines.classes
        mentions = self.index.medicines.mentions(question)
        if not any(m.is_class and classes[m.name].named_by_qualifier for m in mentions):
            return subjects
        folded = fold(question)
        tokens = [(t.start(), t.end(), t.group(0)) for t in re.finditer(r"[a-z0-9][a-z0-9'-]*", folded)]
        named_elsewhere = [(m.start, m.end) for m in mentions]
        out = list(subjects)
        for m in mentions:
            cls = classes[m.name] if m.is_class else None
            if cls is None or not cls.named_by_qualifier:
                continue
            if any(self.index.medicines.in_class(n.name, m.name) for n in mentions if not n.is_class):
                # "td vaccine (90714) what is a tad vaccine", "the gardasil vaccine": the member named is the one
                # asked about, not vaccines in general (which would let any vaccine's page answer)
                out = [s for s in out if not (s.is_class and s.key == m.name)]
                continue
            before = [t for t in tokens if t[1] <= m.start]
            qualifier: list[str] = []
            for i in range(len(before) - 1, -1, -1):
                start, _end, word = before[i]
                if len(qualifier) == 3 or any(s <= start < e for s, e in named_elsewhere):
                    break
                is_name_word = (word.isalpha() and len(word) > 1 and word not in STOPWORDS
                                and word not in GENERIC_QUESTION_WORDS and word not in _FILLER
                                and word not in cls.generic_qualifiers)
                # "hepatitis a", "covid 19": a letter or number belongs to the name word before it
                is_name_tag = (len(word) == 1 or word.isdigit()) and not qualifier
                if not (is_name_word or is_name_tag):
                    break
                qualifier.insert(0, word)
            while qualifier and not (qualifier[0].isalpha() and len(qualifier[0]) > 1):
                qualifier.pop(0)  # a name starts with a word, not with "a" or "19"
            if not qualifier:
                continue
            first = len(before) - len(qualifier)
            if first > 0 and (before[first - 1][2] in ("and", "or")
                              or "," in folded[before[first - 1][1] : before[first][0]]):
                continue  # "tetanus, diphtheria, and pertussis vaccines" names several: the class stays
            said = f"{' '.join(qualifier)} {m.surface}"
            member = [n for joined in (" ".join(qualifier), "-".join(qualifier))
                      for n in self.index.medicines.mentions(f"{joined} {m.name}") if not n.is_class]
            if member:  # "covid 19 booster": the vocabulary's covid vaccine
                specific = Subject(member[0].name, member[0].name, said=said)
            else:
                specific = Subject(f"{' '.join(qualifier)} {m.name}", said, said=said,
                                   qualifier=tuple(stem(w) for w in qualifier))
            out = [specific if s.key == m.name and s.is_class else s for s in out]
        return out

    def _member_named_earlier(self, subjects: list[Subject], earlier: Sequence[str]) -> list[Subject]:
        """A follow-up made to stand alone with a class ("which one do i have first and how long between vaccines")
        asks about the member the patient named with it: "my GP mentioned two different pneumonia vaccines". Only
        a member the vocabulary knows: "the whooping cough jab" is not a phrase the Tdap pages use."""
        classes = self.index.medicines.classes
        out = []
        for subject in subjects:
            if subject.is_class and subject.key in classes and classes[subject.key].named_by_qualifier:
                for text in reversed(earlier):
                    if named := [s for s in self._qualified(text, self.index.find(text)) if not s.is_class
                                 and not s.qualifier and self.index.medicines.in_class(s.key, subject.key)]:
                        subject = named[0]
                        break
            out.append(subject)
        return out

    def _topic(self, question: str, skip: frozenset[str] | set[str]) -> str:
        """The run of content words around the question's rarest word: 'what is lyme arthritis' → 'lyme
        arthritis' (how a 'not covered' answer names a question whose subject no source knows)."""
        tokens, content = _content_tokens(question, skip)
        if not any(content):
            return ""
        # the rarest in the library; of words it never uses, one that is no everyday word ("how many rabies shots do
        # you need before travelling abroad" asks about rabies, not travelling), then the last
        anchor = min((i for i, ok in enumerate(content) if ok),
                     key=lambda i: (self.counts.get(tokens[i], 0), tokens[i] in self.common, -i))
        if tokens[anchor] in self.common and self.counts.get(tokens[anchor], 0) > 0:
            return ""  # only everyday words the library uses ("will my quality of life get better"): nothing to name
        return _span(tokens, content, anchor)


def _content_tokens(question: str, skip: frozenset[str] | set[str]) -> tuple[list[str], list[bool]]:
    """The question's words, and which of them carry content (not stopwords, question words, fillers or the
    words that say what kind of answer is wanted)."""
    from citecare.answer.query import GENERIC_QUESTION_WORDS, STOPWORDS

    tokens = [w.strip("'-") for w in words(question)]
    content = [bool(w) and w.isalpha() and w not in STOPWORDS and w not in GENERIC_QUESTION_WORDS
               and w not in _FILLER and w not in NEVER_NAMED and stem(w) not in skip for w in tokens]
    return tokens, content


def _span(tokens: list[str], content: list[bool], anchor: int) -> str:
    """The run of content words around ``anchor`` (two before it at most, four words in all)."""
    start = end = anchor
    while start > 0 and content[start - 1] and anchor - start < 2:
        start -= 1
    while end + 1 < len(tokens) and content[end + 1] and end - start < 3:
        end += 1
    return " ".join(tokens[start : end + 1])
