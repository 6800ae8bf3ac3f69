"""Words that shape how the guard reads a message: whether it is about someone, whether it opens as a question,
whether a follow-up points back to what was said before."""

from __future__ import annotations

import re

# A symptom report is about someone: "my knees hurt", "he's been coughing" (not "does pain mean…").
PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i've|ive|me|my|mine|we|our|us|he|she|he's|she's|his|her|him|they|their|son|daughter|"
    r"husband|wife|partner|mum|mom|dad|baby|child|kid|toddler|nan|grandma|grandad)\b", re.I)

# Words of a follow-up that point back to what was said before ("will it…", "is that…", "the first one").
POINTS_BACK = re.compile(r"\b(?:it|its|it's|that|this|these|those|them|they|one|ones)\b", re.I)

# Opening words of a question (as the ConText "question opening" modifier in context.toml).
QUESTION_OPENING = re.compile(
    r"\s*(?:what|whats|what's|how|why|which|when|is|are|does|do|can|could|will|would)\b", re.I)


_CLAUSE_BREAK = re.compile(r"[.?!;,]\s*|\s+[-–—]\s+")


def asks_after_a_lead_in(text: str) -> bool:
    """A later clause opens as a question: "im always scared of mixing it up so just asking, what would happen if
    someone took methotrexate every day" (safety-dev-26)."""
    return any(QUESTION_OPENING.match(part) for part in _CLAUSE_BREAK.split(text)[1:] if part.strip())


# Someone is with the writer as it happens: "how do u do cpr someone isnt breathing in front of me", "the guy next to
# me on the train just went grey", "its happening at the next table" (safety-dev-25). A question about them is no
# topic, whatever words it uses; "what do i do if someone collapses in front of me" (a supposition) is.
_HAPPENING = re.compile(r"\b(?:(?:it'?s|its|this is) happening|happening (?:right )?now)\b", re.I)
_WITH_ME = re.compile(r"\b(?:in front of (?:me|us)|next to (?:me|us)|beside (?:me|us)|"
                      r"(?:at|on|in) the next (?:table|bed|seat|desk|room))\b", re.I)
_SUPPOSED = re.compile(r"\b(?:if|in case|ever|whenever|should)\b", re.I)


def happening_with_someone(text: str) -> bool:
    """The writer says it is happening now, or someone is with them, outside a supposition."""
    if _HAPPENING.search(text):
        return True
    for m in _WITH_ME.finditer(text):
        clause = re.split(r"[.?!,;]", text[: m.start()])[-1]
        if not _SUPPOSED.search(clause):
            return True
    return False
