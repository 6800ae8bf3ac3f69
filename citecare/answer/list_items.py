"""A list item read with the sentence that introduces it: "Consider talking to your doctor about being evaluated for
osteoporosis if" + "- you have been taking glucocorticoid medications such as prednisone… for 2 months or longer"
is quoted as "Consider talking to your doctor about being evaluated for osteoporosis if … you have been taking
glucocorticoid medications such as prednisone… for 2 months or longer". Neither half stands alone (a dangling
lead-in, an item without its subject); together they answer "should i be checked for osteoporosis on prednisone".
The "…" shows that the other items of the list are left out. Health pages (MedlinePlus, NIHSeniorHealth, NIDDK)
put many answers in such lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from citecare.answer.quotable import is_quotable

# A lead-in ends with a colon or a word that needs what follows ("…if", "…include", "…such as").
_LEAD_IN_END = re.compile(
    r"(?::|\b(?:if|when|include|includes|including|are|is|such as|like|to|that|who|have|has|may|can|should|"
    r"because|for|with|by|of|as)\b)\s*$", re.IGNORECASE)
ELLIPSIS = " … "
_ITEM_WORDS = 6
_RUN_ON = re.compile(r"[a-z,] (?!I\b)[A-Z][a-z]+ [a-z]")
_NEXT_SENTENCE = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z][a-z])")


def _is_lead_in(sentence: str) -> bool:
    return bool(_LEAD_IN_END.search(sentence.strip())) and len(sentence.split()) >= 3


def _is_item(sentence: str) -> bool:
    """A list item that goes on the lead-in's sentence: it starts in lowercase and says something (six words or
    more: "- you have been taking glucocorticoid medications…", not "- Tripping or falling"), and is not two lines
    the splitter read as one ("…swallowing or breathing Doctors may use a physical exam…")."""
    text = sentence.strip()
    return text[:1].islower() and len(text.split()) >= _ITEM_WORDS and not _RUN_ON.search(text)


def items_with_lead_ins(sentences: list[str]) -> Iterator[tuple[int, str]]:
    """(position of the item, "<lead-in> … <item>") for each list item that follows a lead-in in ``sentences``."""
    lead_in = ""
    for pos, sentence in enumerate(sentences):
        if lead_in and _is_item(sentence) and not _is_lead_in(sentence):
            # the line after the last item is read into it when the item ends with a full stop: "…when you
            # reached puberty. Here is how to find…" ends at "puberty."
            item = _NEXT_SENTENCE.split(sentence.strip(), maxsplit=1)[0]
            yield pos, f"{lead_in.rstrip().rstrip(':')}{ELLIPSIS}{item}"
            continue
        lead_in = sentence if _is_lead_in(sentence) and not is_quotable(sentence) else ""
