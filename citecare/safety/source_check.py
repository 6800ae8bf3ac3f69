"""The ingest quarantine: source sentences that must never be quoted to a patient.

Text aimed at an assistant (prompt injection planted in a document) and text telling patients to change
medicines without their clinician, in any phrasing. Uses the same sentence policy as every answer writer, so
one vocabulary decides what a medication change is.
"""

from __future__ import annotations

from citecare.safety.output_policy import SentencePolicy, default_policy
from citecare.safety.rules import load_rules


def flag_source_sentence(sentence: str, policy: SentencePolicy | None = None) -> str | None:
    """Why a *source* sentence must be quarantined at ingest (never quoted), or None.

    Text aimed at an assistant (prompt injection planted in a document) and text telling patients to change
    medicines without their clinician, in any phrasing.
    """
    policy = policy or default_policy()
    rules = load_rules()
    s = " ".join(sentence.lower().replace("’", "'").split())
    if rules.scope and any(p.search(s) for p in (*rules.scope.injection, *rules.scope.source_addressed_to_ai)):
        return "addressed_to_assistant"
    if policy.addressed_to_writer(s):
        return "addressed_to_assistant"
    if policy.tells_to_change_medicine(s):
        return "medication_change_without_doctor"
    return None
