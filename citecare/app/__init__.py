"""The outside world: the CLI, the web app, doctor, ratings storage and log redaction.

May import every other wing; nothing imports ``app``.
"""
