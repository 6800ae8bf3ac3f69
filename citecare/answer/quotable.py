"""Which source sentences can be quoted on their own: no headings, label fragments, table rows, list lead-ins,
pieces cut at a chunk edge, or sentences whose "they/this" points at a sentence that is not quoted with them.

The tests are about the shape of English sentences, not about any topic: a quotable sentence has a subject
and a verb, ends like a sentence, and is not mostly numbers. A quoted sentence is only trimmed (`trim`): a
leading connector and the source's own reference marks go, no word is added.
"""

from __future__ import annotations

import re

_DANGLING_END = re.compile(
    r"\b(to|of|and|or|the|a|an|with|for|in|on|by|from|as|that|which|than|related|such|including|include|are|is|"
    r"have|has|can|may|will|be|been|was|were|not|into|at|about|because|while|when|if|but|often)$",
    re.IGNORECASE,
)
# Words that make a clause: auxiliaries, modals and the commonest verbs of health writing.
_VERBISH = frozenset("""is are was were be been being am can cannot may might must should shall will would could
    has have had do does did help helps cause causes caused include includes included need needs take takes taken
    reduce reduces work works make makes get gets occur occurs lead leads affect affects increase increases use uses
    used treat treats treated prevent prevents protect protects lower lowers contain contains give gives given feel
    feels become becomes seem seems appear appears develop develops start starts stop stops last lasts keep keeps
    go goes come comes see sees call called says say mean means allow allows require requires recommend
    recommended tell tells ask know""".split())
# (and "another" one of what came before, said as a contrast: "But there's another type of steroid - sometimes
# called a corticosteroid - that treats a variety of problems." led answers about corticosteroids, answers-dev-12; a
# bare "But" does not lean: "But foods such as hot spices… may make symptoms worse" answers what it follows, and
# "Another name for lupus is SLE." stands alone)
_LEANS_BACK = re.compile(r"^(they|this|these|those|it|its|such|that is why|as a result|in this case|then|"
                         r"(?:but|and|yet)\s+(?:there(?:'s|’s|s| is| are)\s+)?another|"
                         r"there(?:'s|’s|s| is| are)\s+another)\b", re.IGNORECASE)
_STARTS_WITH_VERB = re.compile(r"^(may|can|should|must|will|could|might|is|are|has|have|does|do)\s+[a-z]",
                               re.IGNORECASE)
_SECTION_NUMBER = re.compile(r"^\(?\d+(\.\d+)+\)?\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d.,/%-]*")
_SHORT_CLAUSE = 12


def is_quotable(sentence: str, *, starts_document: bool = False) -> bool:
    """A whole sentence that stands on its own (it may still lean on its predecessor: see ``leans_back``)."""
    text = sentence.strip()
    if not text or text.endswith(("?", ":", ",", ";")):
        return False  # questions and list lead-ins
    if text[:1].islower() and not starts_document:
        return False  # the tail of a sentence that began in the previous chunk
    bare = text.rstrip(".!\"')]”’ ")
    if _DANGLING_END.search(bare) and not text.endswith((".", "!")):
        return False  # cut where a long passage was split
    if "|" in text or "\t" in text or _SECTION_NUMBER.match(text):
        return False  # table rows and numbered label headings fused into a sentence
    if text.count(")") > text.count("("):
        return False  # "Providers may administer the Tdap vaccine they have available.)": the end of an aside
    tokens = _WORD.findall(text)
    if not tokens:
        return False
    numeric = sum(t[0].isdigit() for t in tokens)
    if numeric / len(tokens) > 0.3:
        return False  # table rows, dose grids
    if text.isupper() or (not text.endswith((".", "!", '"', "”", ")")) and len(tokens) <= 8):
        return False  # headings
    if _STARTS_WITH_VERB.match(text):
        return False  # "May suppress reactions to skin tests." — a label bullet without its subject
    lowered = [t.lower() for t in tokens]
    # "-ed" counts as a verb after the first word only: "Increased sweating." is a list item.
    has_verb = bool(set(lowered) & _VERBISH) or any(t.endswith("ed") and len(t) > 4 for t in lowered[1:])
    return has_verb or len(tokens) > _SHORT_CLAUSE  # "Pathologic fracture of long bones." is a list item


# "It's essential for patients to…", "It is important that…": an "it" that points forward, at nothing before.
_EXPLETIVE_IT = re.compile(r"^it(?:'s|’s| is| was| can be| may be)\s+(?:\w+\s+){0,2}?(?:to|for|that|when|if|whether)\b",
                           re.IGNORECASE)


# An opening clause that points back with "these/those" and a noun: "When opioids attach to these receptors, they
# block pain signals" (not "Since they lower the body's ability to fight infections, patients using these
# medications…", whose "they" is named later in the same sentence).
_OPENING_CLAUSE_LEANS_BACK = re.compile(r"^(when|if|once|after|while|because|although|as|since|unless|before)\b"
                                        r"[^,.;:]{0,50}\b(these|those)\s+[a-z]", re.IGNORECASE)


def leans_back(sentence: str) -> bool:
    """Starts with a word, or an opening clause, that points at the previous sentence ("They increase the chance of
    bleeding.", "When opioids attach to these receptors, …")."""
    text = sentence.strip()
    return (bool(_LEANS_BACK.match(text)) and not _EXPLETIVE_IT.match(text)) or bool(_OPENING_CLAUSE_LEANS_BACK.match(text))


# Leading connectors that only make sense inside the original paragraph; trimming them adds no claim.
_CONNECTOR = re.compile(
    r"^(however|in addition|additionally|furthermore|moreover|also|in summary|in conclusion|"
    r"therefore|thus|in these cases|as a result|overall|finally|for example)\s*,\s*",
    re.IGNORECASE,
)
_SOURCE_REFS = re.compile(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]")


def trim(sentence: str) -> str:
    """Drop a leading connector and the source's own reference marks ("plants.[5][7]"), tidy spacing; never
    adds words (the source's marks would read as this answer's citations)."""
    out = _SOURCE_REFS.sub("", sentence.strip())
    out = _CONNECTOR.sub("", out)
    out = re.sub(r"\s+", " ", out)
    return out[:1].upper() + out[1:] if out else out
