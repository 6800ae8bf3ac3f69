"""CiteCare tests (a regular package: some PyPI packages ship a top-level `tests` that would shadow ours)."""
