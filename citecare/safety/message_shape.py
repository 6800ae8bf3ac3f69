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

