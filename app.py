"""Start CiteCare's web app: settings → engine → UI (`python app.py`; same as `citecare serve`)."""

import logging
import sys

from citecare.config import Settings
from citecare.store.embedder import set_offline_env

if __name__ == "__main__":
    set_offline_env()
    from citecare.app.serve_command import start_engine
    from citecare.app.web.server import build_app
    from citecare.errors import CiteCareError

    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        engine = start_engine(settings)  # loads in the background; /healthz says ready: false until then
    except CiteCareError as exc:
        sys.exit(f"CiteCare cannot start: {exc}")
    build_app(engine, settings).launch()
