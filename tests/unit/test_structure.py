"""Drug-label structure at ingest: headings become headings, lists under a heading become one quotable line."""

from __future__ import annotations

from pathlib import Path

from citecare.ingest.loaders import load_document
from citecare.ingest.structure import join_lead_in_lists, label_heading, label_pieces, rejoin_broken
from citecare.types import SourceMeta

LABEL = """prednisone - ADVERSE REACTIONS (DailyMed (NLM) / FDA drug label)

Fluid and Electrolyte Disturbances:

Sodium retention.

Fluid retention.

Hypertension.
Musculoskeletal:

Muscle weakness.

Steroid myopathy.

Pathologic fracture of long bones.
Metabolic:

Negative nitrogen balance due to protein catabolism.
"""

DOSING = """celebrex - DOSAGE AND ADMINISTRATION (DailyMed (NLM) / FDA drug label)

These doses can be given without regard to timing of meals.
2.2 Osteoarthritis
For OA, the dosage is 200 mg per day administered as a single dose or as 100 mg twice daily.
2.5 Ankylosing Spondylitis
For AS, the dosage of CELEBREX is 200 mg daily in single or divided doses.
"""


def _load(tmp_path: Path, text: str) -> list[tuple[str, str]]:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    doc = load_document(path, SourceMeta(doc_id="doc", title=""))
    return [(s.heading, s.text) for s in doc.sections]


def test_label_headings_and_lead_ins() -> None:
    assert label_heading("2.5 Ankylosing Spondylitis") == "Ankylosing Spondylitis"
    assert label_heading("Musculoskeletal:") == "Musculoskeletal"
    assert label_heading("With NSAIDs:") == "With NSAIDs"
    assert label_heading("Symptoms to report include:") == ""  # a lead-in, not a heading
    assert label_heading("For OA, the dosage is 200 mg per day.") == ""
    assert label_heading("Doctors may prescribe one or more of the following medicines to help:") == ""


def test_lists_under_a_label_heading_become_one_line(tmp_path: Path) -> None:
    sections = _load(tmp_path, LABEL)
    assert sections == [  # the title heads no text of its own here
        ("Fluid and Electrolyte Disturbances", "Sodium retention; Fluid retention; Hypertension."),
        ("Musculoskeletal", "Muscle weakness; Steroid myopathy; Pathologic fracture of long bones."),
        ("Metabolic", "Negative nitrogen balance due to protein catabolism."),  # one item stays as it is
    ]


def test_numbered_headings_no_longer_fuse_with_the_next_sentence(tmp_path: Path) -> None:
    sections = _load(tmp_path, DOSING)
    assert [h for h, _ in sections][1:] == ["Osteoarthritis", "Ankylosing Spondylitis"]
    assert sections[2][1].startswith("For AS, the dosage of CELEBREX")


def test_a_sentence_broken_by_a_blank_line_is_joined_and_plain_text_is_untouched() -> None:
    assert rejoin_broken(["Vaccines help keep your patients and their", "growing families healthy."]) == [
        "Vaccines help keep your patients and their growing families healthy."]
    assert rejoin_broken(["Symptoms include:", "fever"]) == ["Symptoms include:", "fever"]
    plain = ["Lupus is a disease.", "It can affect the joints."]
    assert label_pieces(plain) == [("p", p) for p in plain]


def test_a_lead_in_is_joined_with_the_bulleted_list_it_runs_on_into() -> None:
    # NIDDK's Crohn's treatments page: read apart, "high blood glucose" was a fragment nobody could quote.
    paragraphs = ["Side effects of corticosteroids include", "- acne\n- bone mass loss\n- high blood glucose",
                  "In most cases, health care providers do not prescribe corticosteroids for long-term use."]
    assert join_lead_in_lists(paragraphs) == [
        "Side effects of corticosteroids include acne; bone mass loss; high blood glucose.", paragraphs[2]]
    # A list of long items with sentences of their own, a lead-in that ends its sentence, and a heading stay.
    long_items = ["Other medications may include",
                  "- acetaminophen for mild pain. People with colitis should avoid ibuprofen.\n- antibiotics"]
    assert join_lead_in_lists(long_items) == long_items
    ended = ["These are the common side effects.", "- acne\n- weight gain"]
    assert join_lead_in_lists(ended) == ended
    heading = ["Medications", "- aminosalicylates\n- corticosteroids"]
    assert join_lead_in_lists(heading) == heading
