"""`citecare serve` (the web app) and `citecare export-ratings` (educator ratings → eval cases)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from citecare.app.readiness import EngineStarter
from citecare.config import Settings
from citecare.errors import CiteCareError


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: CITECARE_HOST, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: CITECARE_PORT, 7860).")] = None,
) -> None:
    """Start the web app: patient chat, educator workbench, /answer API and /healthz."""
    settings = Settings()
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = settings.model_copy(update=overrides) if overrides else settings
    try:
        starter = start_engine(settings)
    except CiteCareError as exc:
        typer.echo(f"Cannot start CiteCare: {exc}", err=True)
        raise typer.Exit(1) from None
    from citecare.app.web.server import build_app  # Gradio is heavy: import it only when serving

    build_app(starter, settings).launch()


def start_engine(settings: Settings) -> EngineStarter:
    """The engine loading in the background: the server answers /healthz ("starting…") meanwhile."""
    from citecare.app.ratings_store import RatingsStore
    from citecare.engine import ChatEngine

    ChatEngine.check_settings(settings)  # a wrong model path or backend fails now, in plain words
    RatingsStore.from_settings(settings).ensure_schema()  # so does an unreachable ratings database
    return EngineStarter(lambda: ChatEngine.from_settings(settings)).start()


def export_ratings(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write (eval-case format).")],
    db: Annotated[str | None, typer.Option(
        help="Ratings database: a SQLite file or a database URL (default: CITECARE_DATABASE_URL, "
             "else CITECARE_RATINGS_DB).")] = None,
) -> None:
    """Write every educator rating (and consented patient feedback) as an eval case (JSONL), for `citecare eval`."""
    from citecare.app.ratings_store import RatingsStore

    store = RatingsStore(db) if db else RatingsStore.from_settings(Settings())
    if store.sqlite_path is not None and not store.sqlite_path.exists():
        typer.echo(f"No ratings yet ({store.sqlite_path} does not exist).", err=True)
        raise typer.Exit(1)
    try:
        n = store.export_jsonl(out)
    except CiteCareError as exc:
        typer.echo(f"Cannot export ratings: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Wrote {n} eval case(s) to {out}")


def register(app: typer.Typer) -> None:
    """Add `serve` and `export-ratings` to the `citecare` command."""
    app.command("serve")(serve)
    app.command("export-ratings")(export_ratings)
