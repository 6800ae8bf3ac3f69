"""The web app (the only Gradio import): patient chat, educator workbench, the HTTP server.

May import every other wing; an adapter over ``AnswerEngine``. Modules by job: ``render`` (HTML from answers,
every text escaped), ``chat`` (the patient chat handlers), ``workbench`` (the educator workbench),
``layout`` (the Gradio pages, theme and CSS), ``server`` (``build_app``, /healthz, uvicorn).
"""

import os

# Gradio and the HF hub phone home at import time unless told not to: set this before any module here imports them.
os.environ.update(
    GRADIO_ANALYTICS_ENABLED="False",
    HF_HUB_OFFLINE="1",
    HF_HUB_DISABLE_TELEMETRY="1",
    ANONYMIZED_TELEMETRY="False",
)
