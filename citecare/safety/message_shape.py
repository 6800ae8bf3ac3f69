"""Words that shape how the guard reads a message: who it is about, whether it opens as a question, whether a
follow-up points back to what was said before."""

from __future__ import annotations

import re

# A symptom report is about someone: "my knees hurt", "he's been coughing" (not "does pain mean…").
PERSONAL = re.compile(
    r"\b(?:i|i'm|im|i've|ive|me|my|mine|we|our|us|he|she|he's|she's|his|her|him|they|their|son|daughter|"
    r"husband|wife|partner|mum|mom|dad|baby|child|kid|toddler|nan|grandma|grandad)\b", re.I)

# The same people as patients type them, without the apostrophe ("what do i do if hes not breathing").
PERSONAL_TYPED = re.compile(r"\b(?:hes|shes|hed|shed|theyre|theyve|im|ive|id|ill)\b", re.I)

# The asker in a first-aid question ("what do i do if…", "i want to know…"), not the person it is about.
ASKER = re.compile(r"\b(?:what|how)\s+(?:do|should|would|can|could|must)\s+(?:i|we|you)\s+(?:do|help|react)\b|"
                   r"\b(?:i|we)\s+(?:want|wanted|would like|need)\s+to\s+know\b", re.I)

# Words of a follow-up that point back to what was said before ("will it…", "is that…", "the first one").
POINTS_BACK = re.compile(r"\b(?:it|its|it's|that|this|these|those|them|they|one|ones)\b", re.I)

# Opening words of a question (as the ConText "question opening" modifier in context.toml).
QUESTION_OPENING = re.compile(
    r"\s*(?:what|whats|what's|how|why|which|when|is|are|does|do|can|could|will|would)\b", re.I)


def about_someone_in_particular(text: str) -> bool:
    """The message names a person of the patient's own (or the patient), besides the asker of a first-aid question:
    "what do i do if hes not breathing" is about someone; "what do i do if someone stops breathing" is not."""
    return bool(PERSONAL.search(ASKER.sub(" ", text)) or PERSONAL_TYPED.search(text))
