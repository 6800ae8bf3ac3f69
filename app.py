"""Start CiteCare's web app: settings → engine → UI (`python app.py`; same as `citecare serve`)."""

import logging
import sys

from citecare.config import Settings
from citecare.store.embedder import set_offline_env

if __name__ == "__main__":
    set_offline_env()
    from citecare.app.web.server import build_app
    from citecare.engine import ChatEngine
    from citecare.errors import CiteCareError

    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        engine = ChatEngine.from_settings(settings)
    except CiteCareError as exc:
        sys.exit(f"CiteCare cannot start: {exc}")
    build_app(engine, settings).launch()
