"""Patient safety: the guard (triage, medication-change referral, scope, input checks), the source-sentence
check used at ingest, and the output policy every answer writer obeys.

May import only the base; rules and word lists live in ``citecare/data/safety`` as reviewed data.
"""
