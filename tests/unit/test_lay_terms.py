"""Lay words and the words the sources use for the same thing: one reviewed data file."""

from __future__ import annotations

import tomllib

from citecare.answer.query import LAY_TERMS_FILE, content_terms, expand_lay_terms, lay_alternatives, lay_terms


def test_the_lay_words_are_a_reviewed_data_file() -> None:
    with LAY_TERMS_FILE.open("rb") as f:
        data = tomllib.load(f)
    assert data["reviewer"] and data["reviewed"]
    assert data["terms"]["ra"] == "rheumatoid arthritis"
    assert all(lay == lay.lower() and target.strip() for lay, target in data["terms"].items())
    assert lay_terms()["ms"] == "multiple sclerosis"
    assert lay_terms()["humira"] == "adalimumab"  # brand names still come from medicines.toml


def test_the_body_in_everyday_words_meets_a_labels_words() -> None:
    # "does prednisone raise your blood sugar": the prednisone label says "Manifestations of latent diabetes mellitus"
    alternatives = lay_alternatives("does prednisone raise your blood sugar")
    assert content_terms("diabetes") <= alternatives["sugar"]
    assert content_terms("ophthalmic") <= lay_alternatives("can prednisone affect your eyes")["eye"]
    assert "ophthalmic" not in expand_lay_terms("how will my doctor keep an eye on side effects")  # an idiom
    assert "hepatic" in expand_lay_terms("does tylenol hurt your liver")
    assert "sleepy" not in lay_alternatives("is it normal to feel sleepy")  # whole words only
