"""Is the asked aspect covered in meaning when none of its words is in the quoted passages?

"is lupus contagious" is answered by a passage that never says "contagious"; "what foods should i avoid with
lupus" is not answered by a lupus passage that never speaks of food. Two general measures, both from question-side
embeddings only (no document text is embedded at question time; the sentences' vectors come from ingest):
- how much a word carries the question's meaning: the cosine the question loses when the word is left out
  ("counted" in "are biologics like tnf inhibitors counted as immunosuppressants" moves it by 0.04, "foods" in the
  lupus question by 0.19). Words that hardly move it are filler, whatever their corpus frequency. Words the
  lay vocabulary translates ("strengths" → "how supplied") are left to the lexical check on their stand-ins: a
  label's strengths are listed as numbers, which no word is close to;
- whether a source sentence on the subject speaks of the word: the word's own embedding is close to the
  sentence's ("contagious" and "Lupus is not contagious…" in other words, "kids" and a sentence about children).
  A word the lay vocabulary translates has had its say already: its stand-ins were looked for in the passages
  and are not there ("breastfeeding" → lactation, nursing mothers), so it is unmet whatever its own embedding is
  close to, when it carries the question (a lay word can also be context: "the rheumy wants to start me on one").
The question's aspect is unmet when it has words that carry meaning and no candidate sentence is close to any
of them. Thresholds were set on the answer set's dev split (evals/README.md, issue 10 fourth pass).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from citecare.answer.query import without_lay_expansion
from citecare.text import stem, words

# A word carries the question's meaning when leaving it out lowers the cosine to the question by this much.
MEANING_DROP = 0.12
# A word the lay vocabulary translates is the question's aspect when leaving it out of the question as written lowers
# the cosine by this much: "breastfeeding" (0.27) and "pregnant" (0.23) in "are … safe while breastfeeding", not
# "rheumy" (0.13) in "what does dmard mean, the rheumy wants to start me on one" (answers dev splits).
TRANSLATED_MEANING_DROP = 0.2
# A source sentence speaks of a word when the word alone is this close to it. 0.12 let "is gabapentin addictive"
# quote a dosing schedule and "does morphine cause constipation" a sentence on other effects; at 0.2, on the answer
# dev splits 9-11: 4 more honest "not covered", 1 answerable question lost ("does celebrex have to be taken with
# food?"); on every answer dev split, the seventeenth session counted 7 and 3.
WORD_SENTENCE_SIMILARITY = 0.2
# Words that each hardly move the question carry it together when leaving all of them out lowers the cosine this much
# (more than one word's drop: leaving several words out moves any question more).
JOINT_MEANING_DROP = 0.15
_AT_MOST_WORDS = 4  # two embeddings per word: the longest questions are cut to their first few aspect words


def aspect_unmet(question: str, query_vector: Sequence[float], aspect_stems: Iterable[str],
                 sentence_vectors: np.ndarray, embed: Callable[[str], Sequence[float]],
                 translated: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The question's aspect words that carry its meaning, when no sentence (``sentence_vectors``, unit rows)
    is close to any of them; () when one is, or none carries meaning. ``aspect_stems``: stemmed aspect words,
    none of which the quoted passages carry (nor, for the ``translated`` ones, their lay stand-ins)."""
    asked = set(aspect_stems)
    tokens = [w.strip("'-") for w in words(question)]
    surface = list(dict.fromkeys(w for w in tokens if w and stem(w) in asked))[:_AT_MOST_WORDS]
    if not surface or not len(sentence_vectors):
        return ()
    q = np.asarray(query_vector, dtype=np.float32)
    meaningful: list[str] = []
    redundant: list[str] = []  # words that each hardly move the question, maybe because another says the same

    def spoken_of(word: str) -> bool:
        return float((sentence_vectors @ np.asarray(embed(word), dtype=np.float32)).max()) >= WORD_SENTENCE_SIMILARITY

    for word in surface:
        if stem(word) in translated:
            if _carries_as_written(question, word, embed):
                meaningful.append(word)
            continue
        without = np.asarray(embed(" ".join(t for t in tokens if t != word)), dtype=np.float32)
        if 1.0 - float(q @ without) < MEANING_DROP:
            redundant.append(word)
            continue
        if spoken_of(word):
            return ()
        meaningful.append(word)
    if not meaningful and len(redundant) >= 2:
        # "can you drink alcohol on methotrexate": "drink" and "alcohol" each leave the other to carry the question
        without = np.asarray(embed(" ".join(t for t in tokens if t not in redundant)), dtype=np.float32)
        if 1.0 - float(q @ without) >= JOINT_MEANING_DROP and not any(spoken_of(w) for w in redundant):
            return tuple(redundant)
    return tuple(meaningful)


def _carries_as_written(query: str, word: str, embed: Callable[[str], Sequence[float]]) -> bool:
    """Does a translated word carry the question? Read on the question as written: the query already carries the
    word's stand-ins, so leaving the word out of it would hardly move it."""
    written = without_lay_expansion(query)
    tokens = [w.strip("'-") for w in words(written)]
    own = np.asarray(embed(written), dtype=np.float32)
    without = np.asarray(embed(" ".join(t for t in tokens if t != word)), dtype=np.float32)
    return 1.0 - float(own @ without) >= TRANSLATED_MEANING_DROP
