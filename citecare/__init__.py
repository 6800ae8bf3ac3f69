"""CiteCare: a patient chatbot that answers only from curated sources, quoting and citing them.

Layout (imports point one way; ``tests/unit/test_architecture.py`` enforces it):
config, types, errors, protocols, text, prompts (the base, importing nothing else of CiteCare)
  ← store, safety (import only the base)
  ← ingest, answer (may import store and safety)
  ← engine (the whole flow in one method)
  ← evals ← app (CLI, web, ratings, logging).
``data/`` holds reviewed content (messages, safety rules, vocabularies), never code.
"""
