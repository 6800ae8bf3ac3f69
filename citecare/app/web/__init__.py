"""The web app (the only Gradio import): patient chat, educator workbench, the HTTP server.

May import every other wing; an adapter over ``AnswerEngine``.
"""
