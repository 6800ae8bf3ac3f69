"""A list item is quoted with the sentence that introduces it, never alone and never as a dangling lead-in."""

from __future__ import annotations

from citecare.answer.list_items import items_with_lead_ins
from citecare.text import split_sentences

PAGE = """Consider talking to your doctor about being evaluated for osteoporosis if
- you are a woman age 65 or older
- you have been taking glucocorticoid medications such as prednisone for 2 months or longer
- you have a chronic illness that causes bone loss. Here is how to find an appropriate health care professional to treat osteoporosis.
"""


def test_each_item_after_a_lead_in_is_joined_to_it() -> None:
    joined = dict(items_with_lead_ins(split_sentences(PAGE)))
    assert joined[2] == ("Consider talking to your doctor about being evaluated for osteoporosis if … you have been "
                         "taking glucocorticoid medications such as prednisone for 2 months or longer")
    assert joined[3].endswith("if … you have a chronic illness that causes bone loss.")  # the next line is not part of the item
    assert joined[1] == ("Consider talking to your doctor about being evaluated for osteoporosis if … you are a woman "
                         "age 65 or older")
    assert sorted(joined) == [1, 2, 3]  # the lead-in itself and the line after the list are not items


def test_a_whole_sentence_is_not_a_lead_in() -> None:
    assert list(items_with_lead_ins(["Prednisone is a steroid.", "taken by mouth"])) == []
