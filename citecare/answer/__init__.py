"""Answering: query preparation, follow-ups, retrieval with its evidence gate, composing and verifying answers.

May import the base, ``store`` (snapshots, BM25) and ``safety`` (the output policy every writer obeys).
"""
