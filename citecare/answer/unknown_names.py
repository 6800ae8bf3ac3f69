"""Names in a question that no source mentions ("is kratom safe…"): the sources cannot cover them, and the answer
says so (``citecare.answer.subject`` reads what a question is about)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from citecare.text import frequent_english, is_compound, stem, words

# Everyday apostrophe-less contractions ("wont", "cant") are words, not names.
_CONTRACTIONS = frozenset("""wont cant dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt youre theyre
    shouldnt couldnt wouldnt ive im thats whats lets theres hes shes itll youll youve""".split())


def unknown_names(
    question: str, corpus_stems: frozenset[str], common: frozenset[str], ignore: Iterable[str] = ()
) -> list[str]:
    """Names in the question that no source mentions: no corpus word has its stem, and it is not an everyday
    English word (nor a vocabulary form: ``ignore`` holds the words of medicine names the question uses).

    Without an everyday-word list (no model folder) nothing is called unknown.
    """
    if not common:
        return []
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    skip = {w for phrase in ignore for w in words(phrase)}
    out = []
    for w in words(question):
        w = w.strip("'-")
        if len(w) < 4 or not w.isalpha() or w in skip or w in common or w in _CONTRACTIONS:
            continue
        if stem(w) in corpus_stems or (w.endswith("s") and w[:-1] in common) or is_compound(w, common):
            continue
        if stem(w) != w and frequent_english(stem(w)) and w.endswith(("s", "ed", "ing")):
            continue  # "my gran swears by hers": an everyday verb with its ending, not a name
        if is_compound(w, common, first=3) and frequent_english(w):
            continue  # "eyesight" (eye + sight), not "biosimilars" (bio + similars), a name English writing rarely uses
        # A typo of a known word ("lupis", "waht") is not a new name.
        near = process.extractOne(w, common_list(common) + common_list(corpus_stems), scorer=Levenshtein.distance,
                                  score_cutoff=1 if len(w) <= 6 else 2)
        if near is not None:
            continue
        out.append(w)
    return list(dict.fromkeys(out))


@lru_cache(maxsize=4)
def common_list(common: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(common))
