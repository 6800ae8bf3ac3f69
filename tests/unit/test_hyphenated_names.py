"""A name written with a hyphen is the same name written as one word or two (issue 10, subject lock)."""

from __future__ import annotations

from citecare.answer.subject import Subject, SubjectIndex, _stem_seq, mentions
from citecare.types import Chunk, SourceMeta
from citecare.vocab import load_medicines


def test_a_hyphenated_word_mentions_the_name_written_as_one_word_or_two_and_back() -> None:
    phn = _stem_seq("postherpetic neuralgia")
    assert mentions("The most common complication is a condition called post-herpetic neuralgia (PHN).", phn)
    assert mentions("Gabapentin is used for postherpetic neuralgia.", _stem_seq("post-herpetic neuralgia"))
    assert mentions("pain called post herpetic neuralgia", _stem_seq("post-herpetic neuralgia"))
    assert mentions("Take anti-inflammatory medicines.", _stem_seq("anti inflammatory"))
    assert not mentions("A condition called post-herpetic itch.", phn)  # the whole name, not a part of it
    assert not mentions("Shingles can be painful.", phn)


def test_the_subject_lock_keeps_a_sentence_that_writes_the_locked_name_with_a_hyphen() -> None:
    meta = SourceMeta(doc_id="shingles", title="Shingles - What is Shingles? (NIH)", publisher="NIH")
    text = "The most common complication of shingles is pain, a condition called post-herpetic neuralgia (PHN)."
    index = SubjectIndex([Chunk(chunk_id="s-0", doc_id="shingles", text=text, ordinal=1, meta=meta)],
                         load_medicines())
    lock = Subject("postherpetic neuralgia", "postherpetic neuralgia", said="postherpetic neuralgia",
                   qualifier=_stem_seq("postherpetic neuralgia"))
    assert index.names(text, lock)
    assert index.covers("shingles", text, [lock]) == frozenset({"postherpetic neuralgia"})


def test_medicines_counted_as_tablets_are_still_medicines() -> None:
    """"one of my sumatriptans", "two of my co-codamols": the plural of a one-word medicine name."""
    from citecare.safety.drug_names import drug_names

    meds = load_medicines()
    assert [m.name for m in meds.mentions("can i have two of my methotrexates")] == ["methotrexate"]
    assert not meds.mentions("she has plans for the weekend")  # too short to be a plural of a name
    assert "sumatriptan" in drug_names().find("can she have one of my sumatriptans")
