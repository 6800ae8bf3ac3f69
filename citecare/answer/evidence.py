"""The evidence gate, wholly here: is what retrieval and the composer found enough to answer?

In code, not in a prompt: weak evidence means "my sources don't cover that", never a guess. Evidence means
the asked subject *and* the asked aspect are covered, not one shared word:
- a name no source mentions ("kratom") means the question is not covered;
- with subjects known, some quotable sentence must be on the subject, and with two subjects (a medicine and a
  condition, two medicines) some passage must join them (by naming them or, for a medicine, its class);
- "side effects of X" needs a lead sentence that tells an adverse effect, not whatever X's source says first;
- a question with no known subject ("what is lyme arthritis") needs its own words in the answer, and a
  follow-up that keeps the subject but asks about something new ("what about for a broken leg?") needs
  some of its new words in the quoted passages;
- and the aspect must be covered in meaning or in words: the evidence score adds how close in meaning the best
  passage is (its embedding includes the title, so "INDICATIONS AND USAGE" answers "used for"), how many of
  the question's aspect words the quoted passages carry (or their lay stand-ins), and how close in meaning
  the best on-subject sentence is (this is what lets "keep an eye on" find "monitored closely");
- when the quoted passages carry none of the aspect words, the words that carry the question's meaning must be
  close in meaning to some sentence on the subject (``answer.aspect_meaning``): "is lupus contagious" passes,
  "what foods should i avoid with lupus" does not.

The weights and the threshold are settings, calibrated on the answer set's dev split and on the consumer
questions of ../shared/extdata/qa-dev.jsonl (see evals/README.md); never on a test split.
"""

from __future__ import annotations

from citecare.answer.compose import Composition
from citecare.answer.question_type import LEAD_MUST_FIT, STRICT_TYPES
from citecare.answer.retrieval import Retrieval
from citecare.answer.subject import Focus, title_topics
from citecare.config import Settings
from citecare.vocab import load_medicines

# Without a known subject, the lead sentence must carry this share of the question's own words, or the
# quoted passages a larger share.
SUBJECTLESS_LEAD_COVERAGE = 0.3
SUBJECTLESS_PASSAGE_COVERAGE = 0.5
# A follow-up asking for an answer of a recognisable shape ("what symptoms would i notice" after lupus nephritis)
# is covered in meaning when the lead is of that shape and this close to the question, even if its other words
# ("notice") are in no passage.
INHERITED_LEAD_SIMILARITY = 0.6


def evidence_score(found: Retrieval, composition: Composition, settings: Settings) -> float:
    """Closeness of the best passage, plus weighted aspect coverage and closeness of the best sentence."""
    return (found.best_similarity + settings.evidence_aspect_weight * composition.aspect_coverage
            + settings.evidence_sentence_weight * composition.best_similarity)


def evidence_verdict(found: Retrieval, composition: Composition, settings: Settings,
                     focus: Focus | None = None) -> tuple[bool, str]:
    """(enough, reason): reason is '' when enough, else unknown_subject, needs_medicine, off_subject,
    not_joined, weak, question_type, aspect or low_score."""
    if focus is not None and focus.unknown:
        return False, "unknown_subject"
    if (focus is not None and focus.medicine_specific and not (focus.subjects or focus.topic or focus.rare or focus.lock)
            and (len({c.doc_id for c in composition.citations}) > 1
                 or any(_one_medicines_page(c.title) for c in composition.citations))):
        # "how will my doctor keep an eye on side effects?" of which medicine? Asked of one article (the seed)
        # its own answer stands; quoting several documents would mix different medicines' facts, and one drug's
        # own page ("methylprednisolone - ADVERSE REACTIONS") would answer for a medicine nobody named.
        return False, "needs_medicine"
    if not composition.on_subject:
        return False, "off_subject"
    if not composition.joined:
        return False, "not_joined"
    if not found.hits or not composition.text:
        return False, "weak"
    if focus is not None and focus.question_type in LEAD_MUST_FIT and not composition.lead_fits:
        return False, "question_type"
    if (focus is not None and not focus.subjects and composition.lead_aspect < SUBJECTLESS_LEAD_COVERAGE
            and composition.aspect_coverage < SUBJECTLESS_PASSAGE_COVERAGE):
        return False, "aspect"
    if (focus is not None and focus.inherited and focus.aspect_terms and composition.aspect_coverage == 0.0
            and not _shaped_lead_answers(focus, composition)):
        return False, "aspect"  # "what about for a broken leg?" after immunosuppressants: the new words are the question
    if composition.aspect_unmet:
        return False, "aspect"  # "what foods should i avoid with lupus": no sentence speaks of food, in any words
    known = focus is None or bool(focus.subjects)
    threshold = settings.evidence_threshold if known else settings.evidence_threshold_without_subject
    if evidence_score(found, composition, settings) < threshold:
        return False, "low_score"
    return True, ""


def _one_medicines_page(title: str) -> bool:
    """A page about one medicine ("methylprednisolone - ADVERSE REACTIONS"), not about a kind of medicine or a
    condition ("Immunosuppressants and Their Role in Treating Chronic Pain Conditions")."""
    return any(not m.is_class for topic in title_topics(title) for m in load_medicines().mentions(topic))


def _shaped_lead_answers(focus: Focus, composition: Composition) -> bool:
    """The question asks for an answer of a recognisable shape, and the lead is of that shape and close in meaning."""
    return (focus.question_type in STRICT_TYPES and composition.lead_fits
            and composition.lead_similarity >= INHERITED_LEAD_SIMILARITY)


def enough_evidence(found: Retrieval, composition: Composition, settings: Settings, focus: Focus | None = None) -> bool:
    """Evidence when the subject and aspect are covered and the passages or a sentence are close in meaning."""
    return evidence_verdict(found, composition, settings, focus)[0]
