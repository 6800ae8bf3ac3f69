"""Evals: eval-set loading, the runner, metrics, reports, baselines and gates.

May import the base, ``answer`` (the support check), ``safety`` and ``engine`` (the AnswerEngine protocol's
real implementation for retrieval comparisons).
"""
