"""An emergency only the learned layer reads, which no example names, carries the crisis line (no model: a stub
classifier gives the learned layer's reading)."""

from __future__ import annotations

from collections.abc import Sequence

from citecare.config import Settings
from citecare.prompts import Messages
from citecare.safety.classifier import Prediction
from citecare.safety.guard import Guard
from citecare.safety.rules import load_rules
from citecare.vocab import load_medicines


class _StubClassifier:
    """Reads every message as an emergency whose nearest examples name nothing (no self-harm, no overdose)."""

    dimension = 1

    def predict(self, vector: Sequence[float], text: str) -> Prediction:
        return Prediction({"emergency": 0.9, "urgent": 0.01, "med_change": 0.02, "info": 0.07},
                          (("emergency", "dev_emergency", 0.6), ("info", "answer_question", 0.5)))

    def threshold(self, label: str, default: float = 0.5) -> float:
        return 0.5


def _guard() -> Guard:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return Guard(settings, Messages(settings), load_rules(), load_medicines(),
                 _StubClassifier(), lambda text: [0.0])  # type: ignore[arg-type]


def test_an_emergency_only_the_learned_layer_reads_carries_the_crisis_line() -> None:
    # d18-136 was read as an emergency with no crisis line: the rules named nothing, no example was self-harm
    result = _guard().check("haha well if the shingles doesnt get me ill do it myself, been looking up methods")
    assert result.kind == "emergency" and result.layers["rules"] is None
    assert "988" in result.message and "emergency:crisis_line_unnamed" in result.reasons


def test_an_emergency_the_rules_name_keeps_its_own_message() -> None:
    result = _guard().check("crushing chest pain going down my left arm")
    assert result.kind == "emergency" and result.layers["rules"] == "emergency"
    assert "988" not in result.message
