"""Start CiteCare's web app: settings → engine → UI (`python app.py`; same as `citecare serve`)."""

import logging

from citecare.config import Settings
from citecare.embedder import set_offline_env

if __name__ == "__main__":
    set_offline_env()
    from citecare import ui
    from citecare.engine import ChatEngine

    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    ui.build_app(ChatEngine.from_settings(settings), settings).launch()
