"""The default, extractive answer writer: source sentences only, each with its [n] citation.

An answer is about what was asked. With the question's subjects known (``answer.subject.Focus``), only sentences
from a document about a subject, naming it, or a fact of its class (``answer.class_facts``) are quoted (the subject
lock). The first sentence is the one that best answers the question and is the kind of answer asked for (a frequency for
"how often", a definition for "what is"); one or two supporting sentences follow in source order, preferably
from the same source (from another only when its title is about the subject), and only while they are nearly as
relevant (no filling to a cap). Only quotable
sentences are used (``answer.quotable``); of two equally relevant ones the plainer is preferred.
Long because the subject lock, the lead choice and the evidence figures share one set of candidate scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from citecare.answer.aspect_meaning import aspect_unmet
from citecare.answer.class_facts import with_bridges
from citecare.answer.lead_source import (
    about_subject,
    best_lead_document,
    holds_lead,
    narrower_topic,
    speaking_of_question,
)
from citecare.answer.list_items import ELLIPSIS, items_with_lead_ins
from citecare.answer.population import (
    about_others_only,
    asked_population,
    dose_not_said_of_children,
    other_population,
)
from citecare.answer.query import content_terms, lay_alternatives
from citecare.answer.question_type import LEAD_MUST_FIT, STRICT_TYPES, answers_type
from citecare.answer.quotable import is_quotable, leans_back, trim
from citecare.answer.readability import plainness_cost, reading_grade
from citecare.answer.section_title import lead_document, promises
from citecare.answer.subject import Focus, SubjectIndex
from citecare.protocols import Embedder
from citecare.text import sentence_fingerprint as fingerprint
from citecare.text import words
from citecare.types import Citation, Hit

_ASKS_DEFINITION = re.compile(
    r"^\s*what\s*(is|are|'s)\s+(\(are\)\s+)?(?!the\b|a\b|an\b|some\b|my\b|your\b)", re.IGNORECASE
)
_DEFINITION = re.compile(r"^[\w'-]+(\s[\w'-]+){0,3}\s(is|are)\s(a|an|the|one|any)\b", re.IGNORECASE)
_MIN_WORDS = 5
_EMBED_AT_MOST = 24
_CACHE_SENTENCES = 50_000  # ~75 MB of float32 vectors at most
_MAX_WORDS = 60
_SUPPORT_RATIO = 0.8  # a supporting sentence is at least this relevant, relative to the lead
_FOLLOWS_MIN_SIMILARITY = 0.35  # …or at least this close in meaning when it is the sentence right after the lead
_FOLLOWS_BONUS = 0.1
_TYPE_BONUS = 0.08  # the lead should be the kind of answer asked for
_LEAD_ASPECT = 0.5  # …and carry the asked aspect ("insomnia" in "does prednisone cause insomnia")
_OTHER_POPULATION = 0.3  # a lead about adults for a question about a baby (or the reverse) loses this much
_STRICT_FIT = 0.3  # "how often" is answered by a frequency: a lead of another shape hardly answers it
_LABEL_PUBLISHER = re.compile(r"\blabel\b", re.IGNORECASE)
_LIST_TYPES = frozenset({"side_effects", "symptoms"})  # questions a list of a label's terms can answer
_LIST_LINE = re.compile(r"^[^;]+(;[^;]+){2,}$")  # "Sodium retention; Fluid retention; Hypertension." (a joined list)
_ADVERSE_ITEM_WORDS = 15  # an item of a label's adverse reactions, not a paragraph cut short


@dataclass(frozen=True)
class Candidate:
    hit_index: int  # position of the passage in the retrieved list
    position: int  # sentence position inside the passage
    source_sentence: str  # exactly as in the passage
    text: str  # lightly trimmed, shown to the patient
    covers: frozenset[str] = frozenset()  # keys of the asked subjects this sentence is on
    prefix: str = ""  # attribution shown before it ("The prednisone label says: ")
    by_class: frozenset[str] = frozenset()  # keys of ``covers`` it is on only as a fact about a medicine's class


@dataclass(frozen=True)
class Composition:
    text: str
    citations: tuple[Citation, ...]
    used: tuple[Candidate, ...]
    best_similarity: float = 0.0  # cosine of the question to its closest source sentence
    on_subject: bool = True  # some quotable sentence is on the asked subject (True when none was found)
    joined: bool = True  # with several subjects: some sentence is on two of them
    aspect_coverage: float = 1.0  # weighted share of the question's aspect words the quoted passages carry
    fits_type: bool = True  # some candidate sentence is the kind of answer asked for (a frequency for "how often")
    lead_similarity: float = 0.0  # cosine of the question to the lead sentence
    lead_aspect: float = 1.0  # aspect coverage by the lead sentence itself
    lead_fits: bool = True  # the lead is the kind of answer asked for
    lead_joins: bool = False  # with several subjects: the lead itself is on all of them
    aspect_unmet: tuple[str, ...] = ()  # words carrying the asked aspect that no sentence has in words or meaning
    grades: tuple[float, ...] = field(default=(), compare=False)  # reading grade of each quoted sentence


def _repeats(a: str, b: str) -> bool:
    """Is one sentence the other with words added ("…develop kidney failure." and "…develop kidney failure,
    described as end-stage renal disease…"), or another item after the same lead-in?"""
    if ELLIPSIS in a and ELLIPSIS in b and a.split(ELLIPSIS)[0] == b.split(ELLIPSIS)[0]:
        return True
    wa, wb = set(words(a.lower())), set(words(b.lower()))
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _candidates(hits: Sequence[Hit], allow: Callable[[str], bool] | None) -> list[Candidate]:
    from citecare.text import split_sentences

    out: list[Candidate] = []
    for i, hit in enumerate(hits):
        blocked = set(hit.chunk.quarantined)
        sentences = split_sentences(hit.chunk.text)
        for pos, sentence in enumerate(sentences):
            n_words = len(sentence.split())
            if sentence in blocked or not (_MIN_WORDS <= n_words <= _MAX_WORDS):
                continue
            quotable = is_quotable(sentence, starts_document=hit.chunk.ordinal == 0 and pos == 0)
            if not (quotable or _is_label_list(hit, sentence)):
                continue
            if allow is not None and not allow(sentence):
                continue
            shown = trim(sentence)
            ends = shown.endswith(".") or is_quotable(sentence)  # a label's item gets the full stop it lacks
            out.append(Candidate(i, pos, sentence, shown if ends else shown + "."))
        for pos, joined in items_with_lead_ins(sentences):  # "…evaluated for osteoporosis if … you have been taking…"
            if (any(part in blocked for part in joined.split(ELLIPSIS)) or len(joined.split()) > _MAX_WORDS
                    or len(joined.split(ELLIPSIS)[1].split()) < 3 or (allow is not None and not allow(joined))):
                continue
            shown = trim(joined)
            out.append(Candidate(i, pos, joined, shown if shown.endswith((".", "!", "?")) else shown + "."))
    return out


def _from_label(hit: Hit) -> bool:
    """Is the passage from a drug label (DailyMed / FDA)?"""
    return bool(_LABEL_PUBLISHER.search(hit.chunk.meta.publisher or hit.chunk.meta.title))


def _is_label_list(hit: Hit, sentence: str) -> bool:
    """A drug label's list under its heading ("Endocrine: Menstrual irregularities; Development of Cushingoid
    state; Suppression of growth in children.") or an item of its adverse reactions ("May suppress reactions to
    skin tests"): not a sentence, but quoted with the label and section it came from ("The prednisone label lists
    under Endocrine: …", ``_attribution``) it reads as what it is. Without that attribution it is never quoted."""
    text = sentence.strip()
    if not _from_label(hit) or text.endswith((":", "?")):
        return False
    if hit.chunk.heading and _LIST_LINE.search(text):
        return True
    section = _label_section(hit)
    if not section or text.isupper() or _is_heading(text) or not _MIN_WORDS <= len(text.split()) <= _ADVERSE_ITEM_WORDS:
        return False
    # a dosing item that changes a dose is the prescriber's instruction, not information to quote. The sentence
    # policy holds back the imperative ones ("When discontinuing LYRICA, taper gradually…"); this also keeps out
    # the passive ones a label's dosing section is full of ("the dose should be reduced in…").
    return section != _DOSING or not _DOSE_CHANGE.search(text)


_DOSING = "gives under dosage"
_DOSE_CHANGE = re.compile(r"\b(?:taper|discontinu|stop|withdraw|reduc|increas|decreas|titrat|adjust|switch|resum|"
                          r"restart|interrupt|omit|skip|double)", re.IGNORECASE)


def _is_heading(text: str) -> bool:
    """A sub-heading read as an item ("Psoriasis Recommended Starting Dose Schedules"): most words capitalised."""
    words_ = [w for w in text.rstrip(".").split() if w[:1].isalpha()]
    return bool(words_) and sum(w[0].isupper() for w in words_) / len(words_) >= 0.6


def _label_section(hit: Hit) -> str:
    """How an attribution names a label section whose items are quoted as they stand: its adverse reactions
    ("May suppress reactions to skin tests") or its dosing ("Two drops topically in the eye(s) four times
    daily"); '' for any other section."""
    title = hit.chunk.meta.title
    if promises(title, "side_effects"):
        return "lists among its adverse reactions"
    if promises(title, "dosage"):
        return _DOSING
    return ""


class ExtractiveComposer:
    """Subject-locked, lead-first selection over the sentences of the retrieved passages."""

    def __init__(
        self,
        embedder: Embedder,
        *,
        max_sentences: int = 3,
        diversity: float = 0.3,
        term_weight: Callable[[str], float] | None = None,
        known_term: Callable[[str], bool] | None = None,
        subjects: SubjectIndex | None = None,
        stored: Callable[[Sequence[str]], Mapping[str, Mapping[int, np.ndarray]]] | None = None,
    ) -> None:
        self.embedder = embedder
        # Sentence vectors computed at ingest (chunk id → sentence fingerprint → vector); others are embedded here.
        self.stored = stored
        self.max_sentences = max(1, max_sentences)
        self.diversity = diversity
        # Rare words (drug and condition names) matter more than common ones when matching sentences.
        self.term_weight = term_weight or (lambda term: 1.0)
        self.known_term = known_term or (lambda term: True)  # does any source use this (stemmed) word?
        self.subjects = subjects
        self._vectors: dict[str, np.ndarray] = {}

    def compose(
        self,
        question: str,
        query_vector: Sequence[float],
        hits: Sequence[Hit],
        *,
        outdated: Sequence[bool] | None = None,
        allow: Callable[[str], bool] | None = None,
        focus: Focus | None = None,
    ) -> Composition:
        """The answer: the best source sentences, each cited. ``allow`` (the output policy) vetoes sentences:
        one for which it returns False is never quoted. ``focus`` locks the answer to the asked subject."""
        candidates = _candidates(hits, allow)
        candidates, on_subject, joined = self._lock(candidates, hits, focus)
        # a label's list or item is quoted only with the label and section it came from
        candidates = [c for c in candidates if c.prefix or ELLIPSIS in c.source_sentence or is_quotable(
            c.source_sentence, starts_document=hits[c.hit_index].chunk.ordinal == 0 and c.position == 0)]
        population = focus.population if focus is not None else asked_population(question)
        if population == "children":
            candidates = [c for c in candidates if not dose_not_said_of_children(c.text)]
        candidates = self._shortlist(question, candidates)
        if not candidates:
            return Composition("", (), (), on_subject=on_subject, joined=joined, aspect_coverage=0.0)
        relevance, vectors, semantic = self._relevance(question, query_vector, hits, candidates, focus)
        aspect = np.array([self._coverage(question, focus, content_terms(c.source_sentence, drop_generic=False))
                           for c in candidates], dtype=np.float32)
        kind = focus.question_type if focus else "other"
        fits = np.array([answers_type(kind)(c.text) for c in candidates], dtype=bool)
        # The lead comes from the best-ranked document on the subject (or a section titled as the answer asked for),
        # about the medicine itself before its class, unless another has a clearly better lead (``lead_source``);
        # in it, the sentence closest in meaning that carries the asked aspect and is the kind of answer asked for.
        is_direct = [bool(c.covers - c.by_class) for c in candidates]
        direct = {c.hit_index for c, d in zip(candidates, is_direct, strict=True) if d or not any(is_direct)}
        about = about_subject(self.subjects, focus)
        narrower = narrower_topic(self.subjects, focus)
        top_doc = lead_document(hits, sorted(direct), kind, narrower=narrower)
        # (the evidence gate still reads the lead of the best-ranked document, below)
        speaking = top_doc
        if focus is not None and not (focus.subjects or focus.lock):
            spoken = {c.hit_index for j, c in enumerate(candidates) if aspect[j] > 0}
            speaking = lead_document(hits, sorted(speaking_of_question(direct, spoken)), kind, narrower=narrower)
        # A label's joined list ("Muscle weakness; Steroid myopathy; …") answers only a question asking for a list; a
        # health page's sentence with semicolons ("Side effects of prednisone may include weight gain; …") is prose.
        listed = np.array([bool(_LIST_LINE.search(c.source_sentence)) and _from_label(hits[c.hit_index])
                           for c in candidates], dtype=bool)
        wants_list, strict, must_fit = kind in _LIST_TYPES, kind in STRICT_TYPES, kind in LEAD_MUST_FIT
        asked_medicines = frozenset(s.key for s in (focus.subjects if focus is not None else ())
                                    if self.subjects is not None and (s.is_class or self.subjects.medicines.medicine(s.key)))
        must_fit = must_fit and bool(asked_medicines)
        # A list in a label's adverse reactions section is a list of side effects ("The prednisone label lists
        # under Endocrine: …"); it may lead when the question asks for side effects, or names one of its items
        # ("does prednisone affect kids growth": "Suppression of growth in children").
        adverse = np.array([bool(listed[j]) and promises(hits[c.hit_index].chunk.meta.title, "side_effects")
                            for j, c in enumerate(candidates)], dtype=bool)
        fits |= adverse & (kind == "side_effects")
        may_lead_list = adverse & (aspect > 0) | (listed & wants_list)
        others = other_population(question, population)  # "…does a baby need": not a sentence about adults only
        for_others = np.array([about_others_only(c.text, others) for c in candidates], dtype=bool)
        relevance = relevance - _OTHER_POPULATION * for_others  # nor a supporting sentence
        lead_score = semantic + _LEAD_ASPECT * aspect + _TYPE_BONUS * fits - _OTHER_POPULATION * for_others
        doc_score = lead_score + (_STRICT_FIT if strict else 0.0) * fits  # between documents, the shape weighs more
        eligible = [j for j, c in enumerate(candidates) if (is_direct[j] or not any(is_direct))
                    and (may_lead_list[j] or not listed[j]) and not leans_back(c.text)]
        # With two subjects, a passage that joins them may be about one and name the other once ("can cyclosporine
        # cause gout" in a gout page listing the medicines that can): the lead is a sentence that covers both, where
        # the passage has one; its other sentences may be about its own subject alone.
        n_asked = len(focus.subjects or focus.lock) if focus is not None else 0
        joins = [n_asked >= 2 and len(c.covers) >= n_asked for c in candidates]
        doc_of = [hits[c.hit_index].chunk.doc_id for c in candidates]
        ranked_doc, top_doc = top_doc, speaking
        if not holds_lead(next(h.chunk.meta.title for h in hits if h.chunk.doc_id == top_doc), kind, question):
            top_doc = best_lead_document(top_doc, [hits[candidates[j].hit_index].chunk.doc_id for j in eligible],
                                         [float(doc_score[j]) for j in eligible], about)

        def pick(doc: str) -> tuple[list[int], int, float]:
            """The sentences, the lead and the asked aspect's coverage with the lead from ``doc``."""
            in_top = [j for j, c in enumerate(candidates) if hits[c.hit_index].chunk.doc_id == doc]
            # a question that only a sentence of its kind answers (a dose, a side effect) leads with one on the asked
            # medicines, joined or not ("…not to exceed 400 mg per day" from the tramadol label for tramadol in chronic
            # pain; not "high doses of NSAIDs" from a gout page for colchicine in gout)
            lead_order = sorted(in_top, key=lambda j: (must_fit and bool(fits[j]) and asked_medicines <= candidates[j].covers,
                                                       joins[j], float(lead_score[j])), reverse=True)
            if not wants_list:  # …else the lead comes from the next document that has a sentence
                others = [j for j in range(len(candidates)) if j not in set(in_top)]
                lead_order = [j for j in lead_order + sorted(others, key=lambda j: float(lead_score[j]), reverse=True)
                              if not listed[j] or may_lead_list[j]]
            # A sentence about the other people only ("Vaccination Schedule for Adults…" for a baby) leads only when
            # no other sentence can: a parent reads the first sentence as the answer for their child.
            lead_order = [j for j in lead_order if not for_others[j]] + [j for j in lead_order if for_others[j]]
            chosen = self._choose(relevance, vectors, semantic, candidates, lead_order, doc_of,
                                  about if focus is not None and (focus.subjects or focus.lock) else None)
            if not chosen:
                return [], -1, 0.0
            lead = chosen[0] if not leans_back(candidates[chosen[0]].text) or len(chosen) < 2 else chosen[1]
            chosen = with_bridges(chosen, [c.covers for c in candidates], [c.by_class for c in candidates],
                                  [hits[c.hit_index].chunk.doc_id for c in candidates],
                                  [not leans_back(c.text) for c in candidates], relevance.tolist(), self.max_sentences)
            passages = {candidates[j].hit_index for j in chosen + in_top}
            return chosen, lead, self._passage_coverage(question, focus, passages, hits)

        chosen, lead, coverage = pick(top_doc)
        if not chosen:
            return Composition("", (), (), float(semantic.max()), on_subject, joined, 0.0)
        # The evidence gate reads the answer the ranking would have led with: a better lead from another document
        # must not let a question through that the sources do not answer.
        if ranked_doc != top_doc and (ranked := pick(ranked_doc))[0]:
            _, gate_lead, gate_coverage = ranked
        else:
            gate_lead, gate_coverage = lead, coverage
        out = self._render([candidates[j] for j in chosen], hits, outdated)
        unmet: tuple[str, ...] = ()
        if focus is not None and focus.aspect_terms and not focus.inherited and gate_coverage == 0.0:
            unmet = aspect_unmet(question, query_vector, focus.aspect_terms, vectors, self.embedder.embed_query,
                                 translated=frozenset(lay_alternatives(question)))
        return replace(out, best_similarity=float(semantic.max()), lead_similarity=float(semantic[gate_lead]),
                       on_subject=on_subject, joined=joined, aspect_coverage=gate_coverage, aspect_unmet=unmet,
                       lead_aspect=float(aspect[gate_lead]), fits_type=not strict or bool(fits.any()),
                       lead_fits=bool(fits[gate_lead]), lead_joins=joins[lead])

    # --- the subject lock ------------------------------------------------------------------------------
    def _lock(
        self, cands: list[Candidate], hits: Sequence[Hit], focus: Focus | None
    ) -> tuple[list[Candidate], bool, bool]:
        """Only sentences on an asked subject. With several subjects, only passages on two of them (by the
        document's topic, by naming them or, for a medicine, its class) are used: "do immunosuppressants help
        fibromyalgia" needs a passage that joins the two, or it is not covered."""
        index = self.subjects
        if index is None:
            return cands, True, True
        if focus is None or not (subjects := focus.subjects or focus.lock):  # a label sentence still names its drug
            return [replace(c, prefix=self._attribution(hits[c.hit_index], c, focus)) for c in cands], True, True
        several = len(subjects) >= 2
        kept: list[Candidate] = []
        for c in cands:
            hit = hits[c.hit_index]
            text = f"{hit.chunk.heading}: {c.source_sentence}"
            # "You may have heard of anabolic steroids…" on the steroids page does not speak of corticosteroids
            own = [s for s in subjects if not index.speaks_of_another_sense(hit.chunk.doc_id, c.source_sentence, s)]
            if covers := index.covers(hit.chunk.doc_id, text, own):  # "by_class": only as a class fact
                by_class = covers - index.covers(hit.chunk.doc_id, text, own, class_facts=False)
                kept.append(replace(c, covers=covers, prefix=self._attribution(hit, c, focus), by_class=by_class))
        if not kept:
            return [], False, False
        if not several:
            return kept, True, True
        passage_covers = {i: index.covers(hits[i].chunk.doc_id, f"{hits[i].chunk.heading}: {hits[i].chunk.text}",
                                          subjects) for i in {c.hit_index for c in kept}}
        most = max(len(v) for v in passage_covers.values())
        if most < 2:
            return kept, True, False
        joining = {i for i, covers in passage_covers.items() if len(covers) == most}
        return [c for c in kept if c.hit_index in joining], True, True

    def _attribution(self, hit: Hit, cand: Candidate, focus: Focus | None) -> str:
        """'The prednisone label says: ' before a label sentence that does not name its drug itself; a list
        from a label section comes with its heading: 'The prednisone label lists under Musculoskeletal: '."""
        index = self.subjects
        if index is None or not _LABEL_PUBLISHER.search(hit.chunk.meta.publisher or hit.chunk.meta.title):
            return ""
        drugs = sorted(k for k in index.about.get(hit.chunk.doc_id, ()) if index.medicines.medicine(k))
        if not drugs:
            return ""
        if product := index.products.documents.get(hit.chunk.doc_id):
            drugs = [" and ".join(product)]  # "The acetaminophen and codeine label", not "the acetaminophen label"
        heading = hit.chunk.heading
        if _LIST_LINE.search(cand.source_sentence) and heading and heading.lower() not in hit.chunk.meta.title.lower():
            return f"The {drugs[0]} label lists under {heading}: "
        if not is_quotable(cand.source_sentence):  # an item of its adverse reactions or dosing (``_is_label_list``)
            section = _label_section(hit)
            return f"The {drugs[0]} label {section}: " if section else ""
        if focus is not None and any(index.names(cand.source_sentence, s) for s in focus.subjects or focus.lock):
            return ""
        if (focus is None or not (focus.subjects or focus.lock)) and any(d in cand.source_sentence.lower() for d in drugs):
            return ""
        return f"The {drugs[0]} label says: "

    # --- relevance ---------------------------------------------------------------------------------------
    def _stored_vectors(self, hits: Sequence[Hit], cands: list[Candidate]) -> dict[str, np.ndarray]:
        if self.stored is None:
            return {}
        stored = self.stored([h.chunk.chunk_id for h in hits])
        found = {}
        for c in cands:
            vec = stored.get(hits[c.hit_index].chunk.chunk_id, {}).get(fingerprint(c.source_sentence))
            if vec is not None:
                found[c.source_sentence] = vec
        return found

    def _sentence_vectors(self, sentences: list[str], known: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
        """Embeddings of source sentences, remembered: questions keep landing on the same passages."""
        found: dict[str, np.ndarray] = dict(known or {})
        found.update((t, v) for t in dict.fromkeys(sentences) if t not in found and (v := self._vectors.get(t)) is not None)
        missing = [t for t in dict.fromkeys(sentences) if t not in found]
        if missing:
            if len(self._vectors) + len(missing) > _CACHE_SENTENCES:
                self._vectors = {}  # replaced, not cleared: a concurrent answer keeps its own view
            for text, vec in zip(missing, self.embedder.embed_documents(missing), strict=True):
                found[text] = self._vectors[text] = np.asarray(vec, dtype=np.float32)
        return np.stack([found[t] for t in sentences])

    def _shortlist(self, question: str, cands: list[Candidate]) -> list[Candidate]:
        """Only the likeliest sentences are embedded: embedding is most of an answer's time."""
        if len(cands) <= _EMBED_AT_MOST:
            return cands
        q_terms = content_terms(question)

        def cheap(c: Candidate) -> float:
            shared = sum(self.term_weight(t) for t in q_terms & content_terms(c.source_sentence))
            return shared + 1.0 / (1.0 + c.hit_index) + len(c.covers)

        keep = set(sorted(range(len(cands)), key=lambda j: cheap(cands[j]), reverse=True)[:_EMBED_AT_MOST])
        first = min(c.hit_index for c in cands)
        keep |= {j for j, c in enumerate(cands) if c.hit_index == first}
        return [c for j, c in enumerate(cands) if j in keep]

    def _relevance(
        self,
        question: str,
        query_vector: Sequence[float],
        hits: Sequence[Hit],
        cands: list[Candidate],
        focus: Focus | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        vectors = self._sentence_vectors([c.source_sentence for c in cands], self._stored_vectors(hits, cands))
        q = np.asarray(query_vector, dtype=np.float32)
        semantic = vectors @ q
        q_terms = content_terms(question)
        total = sum(self.term_weight(t) for t in q_terms) or 1.0
        lexical = np.array(
            [sum(self.term_weight(t) for t in q_terms & content_terms(c.source_sentence)) / total for c in cands],
            dtype=np.float32,
        )
        # Earlier passages ranked better; a small prior keeps the answer anchored in the best source.
        first = min(c.hit_index for c in cands)
        rank_prior = np.array([1.0 / (1.0 + 0.15 * (c.hit_index - first)) for c in cands], dtype=np.float32)
        is_answer = answers_type(focus.question_type if focus else "other")
        kind = np.array([_TYPE_BONUS if is_answer(c.text) else 0.0 for c in cands], dtype=np.float32)
        defines = np.array(
            [0.1 if _ASKS_DEFINITION.match(question) and _DEFINITION.match(c.text) else 0.0 for c in cands],
            dtype=np.float32,
        )
        # Of two equally relevant sentences, the plainer one (a grade above 8 costs a little, ``plainness_cost``).
        plain = np.array([-plainness_cost(c.text) for c in cands], dtype=np.float32)
        covers = np.array([0.05 * max(0, len(c.covers) - 1) for c in cands], dtype=np.float32)
        relevance = 0.6 * semantic + 0.3 * lexical + 0.1 * rank_prior + kind + defines + plain + covers
        return relevance, vectors, semantic

    # --- choosing ----------------------------------------------------------------------------------------
    def _choose(self, relevance: np.ndarray, vectors: np.ndarray, semantic: np.ndarray, cands: list[Candidate],
                lead_order: list[int], doc_of: Sequence[str] = (), about: Callable[[str], bool] | None = None
                ) -> list[int]:
        """The lead (the first of ``lead_order`` that can stand), then up to two supporting sentences in source
        order; a sentence that leans on its predecessor ("They increase…") comes only with it, or not at all."""
        position = {(c.hit_index, c.position): j for j, c in enumerate(cands)}

        def unit(j: int) -> list[int]:
            if not leans_back(cands[j].text):
                return [j]
            prev = position.get((cands[j].hit_index, cands[j].position - 1))
            return [prev, j] if prev is not None and not leans_back(cands[prev].text) else []

        order = sorted(range(len(cands)), key=lambda j: float(relevance[j]), reverse=True)
        lead: list[int] = next((u for j in lead_order if (u := unit(j))), [])
        if not lead:
            return []
        # Whether a sentence is relevant enough to follow the lead is judged with half the cost of hard reading
        # (``plainness_cost``); the full cost only decides between sentences that are: a stronger preference for
        # plain sentences, which does not drop relevant ones ("…must be monitored closely" for the monitoring
        # paraphrase) nor let more hard ones through.
        said = [float(relevance[j]) + plainness_cost(c.text) / 2 for j, c in enumerate(cands)]
        floor = max(0.25, said[lead[-1]] * _SUPPORT_RATIO)
        lead_doc = cands[lead[-1]].hit_index
        # The sentence right after the lead usually says what the lead announces ("…they also come with risks."
        # → "Since they lower the body's ability to fight infections…"): it may follow when still on topic.
        follows = position.get((lead_doc, cands[lead[-1]].position + 1))

        def priority(j: int) -> float:
            return float(relevance[j]) + (_FOLLOWS_BONUS if j == follows else 0.03 if cands[j].hit_index == lead_doc
                                          else 0.0)

        chosen = list(lead)
        rest: list[int] = []
        for j in sorted(order, key=priority, reverse=True):
            if len(chosen) + len(rest) >= self.max_sentences:
                break
            if j in chosen or j in rest:
                continue
            if said[j] < floor and not (j == follows and float(semantic[j]) >= _FOLLOWS_MIN_SIMILARITY):
                continue
            if about is not None and doc_of[j] != doc_of[lead[-1]] and not about(doc_of[j]):
                continue  # support from another source only from one about the subject: as few sources as possible
            piece = [k for k in unit(j) if k not in chosen and k not in rest]
            if not piece or len(chosen) + len(rest) + len(piece) > self.max_sentences:
                continue
            if any(float(vectors[k] @ vectors[m]) > 0.9 or _repeats(cands[k].text, cands[m].text)
                   for k in piece for m in chosen + rest):
                continue  # says the same thing again (two pages of one site often repeat a sentence, one longer)
            rest.extend(piece)
        # Room left: a close sentence right after a chosen one goes on with it ("…improve the quality of life." →
        # "Many patients report better mobility…"), from the same passage, so it adds no source.
        for j in list(chosen + rest):
            after = position.get((cands[j].hit_index, cands[j].position + 1))
            if len(chosen) + len(rest) >= self.max_sentences:
                break
            if after is None or after in chosen or after in rest or float(semantic[after]) < _FOLLOWS_MIN_SIMILARITY:
                continue
            if (max(float(vectors[after] @ vectors[m]) for m in chosen + rest) <= 0.9
                    and not any(_repeats(cands[after].text, cands[m].text) for m in chosen + rest)):
                rest.append(after)
        rest.sort(key=lambda j: (cands[j].hit_index, cands[j].position))
        return chosen + rest

    def _coverage(self, question: str, focus: Focus | None, said: set[str]) -> float:
        """Weighted share of the question's aspect words (besides its subjects), or their lay stand-ins, in
        ``said`` (stemmed words); 1.0 when the question has no aspect words."""
        if focus is None or not focus.aspect_terms:
            return 1.0
        alternatives = lay_alternatives(question)
        said = said | {part for term in said if "-" in term for part in content_terms(term.replace("-", " "))}
        terms = list(focus.aspect_terms)
        total = sum(self.term_weight(t) for t in terms) or 1.0
        found = sum(self.term_weight(t) for t in terms if t in said or alternatives.get(t, set()) & said)
        return found / total

    def _passage_coverage(self, question: str, focus: Focus | None, passages: set[int],
                          hits: Sequence[Hit]) -> float:
        """Aspect coverage by the passages the answer quotes and the other retrieved passages of the lead's
        document, with their titles and headings ("INDICATIONS AND USAGE" says what a label passage is about)."""
        said: set[str] = set()
        for hit_index in passages:
            chunk = hits[hit_index].chunk
            said |= content_terms(f"{chunk.meta.title} {chunk.heading} {chunk.text}", drop_generic=False)
        return self._coverage(question, focus, said)

    @staticmethod
    def _render(used: list[Candidate], hits: Sequence[Hit], outdated: Sequence[bool] | None) -> Composition:
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        parts: list[str] = []
        for cand in used:
            n = numbers.setdefault(cand.hit_index, len(numbers) + 1)
            quotes.setdefault(cand.hit_index, []).extend(cand.source_sentence.split(ELLIPSIS))  # each part verbatim
            parts.append(f"{cand.prefix}{cand.text} [{n}]")
        citations = []
        for hit_index, n in numbers.items():
            chunk = hits[hit_index].chunk
            citations.append(Citation(
                n=n, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, title=chunk.meta.title, source=chunk.meta.publisher,
                url=chunk.meta.url, reviewed=chunk.meta.reviewed, passage=chunk.text, quote=quotes[hit_index][0],
                quotes=tuple(quotes[hit_index]), outdated=bool(outdated[hit_index]) if outdated else False))
        grades = tuple(g for c in used if (g := reading_grade(c.text)) is not None)
        return Composition(" ".join(parts), tuple(citations), tuple(used), grades=grades)
