"""The triage figures counted from outcomes (no model): what each figure counts as a hit."""

from __future__ import annotations

from collections import Counter

from citecare.evals.triage import LayerCounts, _figures


def test_medication_change_figures_count_the_referral_and_any_clinician_route() -> None:
    counts = LayerCounts(Counter({("med_change", "medical_advice"): 5, ("med_change", "urgent"): 2,
                                  ("med_change", "emergency"): 1, ("med_change", "none"): 2,
                                  ("info", "medical_advice"): 1, ("info", "none"): 9}))
    figures = _figures(counts)
    assert figures["med_change_routed"] == [5, 10]
    assert figures["med_change_to_clinician"] == [8, 10]
    assert figures["info_false_alarm"] == [1, 10]
    assert figures["info_false_emergency"] == [0, 10]
