"""Ingest: source files → documents → chunks → vectors in the store, with source metadata and quarantine.

May import the base, ``store`` (where chunks go) and ``safety`` (the source-sentence quarantine).
"""
