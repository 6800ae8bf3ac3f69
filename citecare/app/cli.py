"""The `citecare` command: ingest, stats, doctor, ask, chat (plus serve, eval, export-ratings)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from citecare.config import Settings
from citecare.errors import CiteCareError
from citecare.store.embedder import set_offline_env
from citecare.text import parse_history
from citecare.types import Answer, Turn

app = typer.Typer(help="CiteCare: answers from curated health sources, quoted and cited.", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

IndexDirOpt = Annotated[Path | None, typer.Option("--index-dir", help="Index folder (default: CITECARE_INDEX_DIR).")]


def load_settings(index_dir: Path | None = None, **overrides: Any) -> Settings:
    settings = Settings()
    if index_dir is not None:
        overrides["index_dir"] = index_dir
    return settings.model_copy(update=overrides) if overrides else settings


def fail(message: str, code: int = 1) -> None:
    err.print(f"[red]{message}[/red]")
    raise typer.Exit(code)


# --- ingest / stats / doctor ------------------------------------------------------------------
@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: the corpus folder).")] = None,
    index_dir: IndexDirOpt = None,
    prune: Annotated[bool, typer.Option(help="Also remove indexed documents not in PATHS.")] = False,
    strict: Annotated[bool, typer.Option(help="Exit non-zero when any file fails.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    manifest: Annotated[list[Path] | None, typer.Option(
        help="External source manifest (.csv or .jsonl: file, title, url, publisher, licence, reviewed; "
             "source_url/source_name/license_status are read too). Repeatable.")] = None,
) -> None:
    """Add new and changed documents to the index, remove deleted ones; unchanged ones cost nothing."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from citecare.answer.lexicon import publish_lexicon
    from citecare.ingest.pipeline import Ingestor
    from citecare.store.chroma import ChromaIndex
    from citecare.store.embedder import make_embedder

    settings = load_settings(index_dir)
    for p in paths or []:
        if not p.exists():
            fail(f"No such file or folder: {p}")
    embedder = make_embedder(settings, threads=settings.ingest_threads, batch_size=settings.embed_batch_size)
    try:
        index = ChromaIndex.from_settings(settings, embedder)
        with Progress(
            TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=err, transient=True, disable=as_json,
        ) as progress:
            task = progress.add_task("", total=None)

            def on_progress(done: int, total: int, name: str) -> None:
                progress.update(task, completed=done, total=total, description=name)

            ingestor = Ingestor(settings, embedder, index, derived=[publish_lexicon])
            report = ingestor.run(paths or None, prune=prune, progress=on_progress, manifests=manifest or ())
            prepare_engine_start(settings, index)
    except CiteCareError as exc:
        fail(str(exc))
        return
    summary = report.summary()
    if as_json:
        payload = {**summary, "failures": [{"file": f, "reason": r} for f, r in report.failed],
                   "quarantine": [{"doc_id": d, "sentence": s} for d, s in report.quarantined]}
        console.print_json(json.dumps(payload))
    else:
        _print_ingest_report(report, summary)
    if strict and report.failed:
        raise typer.Exit(2)


def prepare_engine_start(settings: Settings, index: Any) -> None:
    """Build what an engine derives from the library now (term statistics, title index), not at its start."""
    from citecare.answer.lexicon import lexicon_for
    from citecare.store.snapshot import ChromaLibrary

    if index.count():
        lexicon_for(ChromaLibrary(index, settings).snapshot())


def _print_ingest_report(report: Any, summary: dict[str, Any]) -> None:
    table = Table(title="Ingest summary", show_header=False)
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)
    for file, reason in report.failed:
        console.print(f"[yellow]skipped[/yellow] {file}: {reason}")
    for doc_id, sentence in report.quarantined:
        console.print(f"[magenta]quarantined[/magenta] in {doc_id}: {sentence!r}")


@app.command()
def stats(index_dir: IndexDirOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents, chunks, sources and size of the index."""
    from citecare.store.chroma import ChromaIndex
    from citecare.store.embedder import make_embedder

    settings = load_settings(index_dir)
    index = ChromaIndex.from_settings(settings, make_embedder(settings))
    docs = index.documents()
    publishers: dict[str, int] = {}
    for rec in docs.values():
        publishers[rec.meta.publisher or "(unknown)"] = publishers.get(rec.meta.publisher or "(unknown)", 0) + 1
    size = sum(f.stat().st_size for f in Path(settings.index_dir).rglob("*") if f.is_file()) if not settings.chroma_url else None
    data = {
        "documents": len(docs),
        "chunks": index.count(),
        "sources": publishers,
        "index_bytes": size,
        "index": settings.chroma_url or str(settings.index_dir),
        "version": index.version(),
    }
    if as_json:
        console.print_json(json.dumps(data))
        return
    console.print(f"Index: {data['index']}")
    console.print(f"Documents: {data['documents']}   Chunks: {data['chunks']}   "
                  f"Size: {_human(size) if size is not None else 'on the server'}")
    table = Table("publisher", "documents")
    for pub, n in sorted(publishers.items(), key=lambda kv: -kv[1]):
        table.add_row(pub, str(n))
    console.print(table)


def _human(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024:
            return f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TB"


@app.command()
def doctor(index_dir: IndexDirOpt = None) -> None:
    """Check the model, the index and the settings, and say how to fix each problem."""
    from citecare.app.doctor import run_checks

    settings = load_settings(index_dir)
    ok = True
    for check in run_checks(settings):
        mark = "[green]ok[/green]" if check.ok else "[red]problem[/red]"
        console.print(f"{mark}  {check.name}: {check.detail}")
        if not check.ok:
            ok = False
            console.print(f"      fix: {check.fix}")
    raise typer.Exit(0 if ok else 1)


# --- ask / chat -----------------------------------------------------------------------------
def _engine(index_dir: Path | None) -> Any:
    from citecare.engine import ChatEngine

    try:
        return ChatEngine.from_settings(load_settings(index_dir))
    except CiteCareError as exc:
        fail(str(exc))


def _read_history(path: Path | None) -> list[Turn]:
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(parse_history(data, strict=False))
    except (OSError, ValueError) as exc:
        fail(f"Could not read the history file {path}: {exc}")
        return []


def render_answer(answer: Answer) -> str:
    """Readable text with a numbered sources list."""
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            when = f", reviewed {c.reviewed}" if c.reviewed else ""
            old = " (possibly outdated)" if c.outdated else ""
            pub = f" — {c.source}" if c.source else ""
            lines.append(f"  [{c.n}] {c.title}{pub}{when}{old}")
            lines.append(f"      “{c.quote}”")
        lines.append("")
    if answer.disclaimer:
        lines.append(answer.disclaimer)
    return "\n".join(lines)


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
    history: Annotated[Path | None, typer.Option(help="JSON file: a list of {role, content} messages.")] = None,
    batch: Annotated[Path | None, typer.Option(help='JSONL file: one {"question", "history"?} per line.')] = None,
    index_dir: IndexDirOpt = None,
) -> None:
    """Answer one question (or a batch), citing the sources."""
    if batch is None and not question:
        fail("Give a question, or --batch FILE.jsonl.")
    engine = _engine(index_dir)
    if batch is not None:
        _ask_batch(engine, batch, as_json)
        return
    answer = engine.ask(question or "", _read_history(history))
    if as_json:
        sys.stdout.write(answer.to_json(indent=2) + "\n")
    else:
        console.print(render_answer(answer), markup=False, highlight=False)


def _ask_batch(engine: Any, batch: Path, as_json: bool) -> None:
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        fail(f"Could not read {batch}: {exc}")
        return
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            answer = engine.ask(str(item["question"]), parse_history(item.get("history", []), strict=False))
        except (ValueError, KeyError, TypeError) as exc:
            err.print(f"line {number}: skipped ({exc})")
            continue
        out = answer.to_json() if as_json else render_answer(answer) + "\n"
        sys.stdout.write(out + "\n")
        sys.stdout.flush()


@app.command()
def chat(index_dir: IndexDirOpt = None) -> None:
    """A conversation in the terminal (empty line or Ctrl-D to leave)."""
    engine = _engine(index_dir)
    turns: list[Turn] = []
    console.print("CiteCare — ask about your condition and treatment. Empty line to leave.")
    while True:
        try:
            question = console.input("[bold]you>[/bold] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        answer = engine.ask(question, turns)
        console.print(render_answer(answer), markup=False, highlight=False)
        turns += [Turn("user", question), Turn("assistant", answer.text)]


def _register_commands() -> None:
    """Commands that live beside their feature (serve, export-ratings, eval)."""
    from citecare.app import bench, eval_command, serve_command

    serve_command.register(app)
    eval_command.register(app)
    bench.register(app)


_register_commands()


def main() -> None:
    set_offline_env()
    logging.basicConfig(level=Settings().log_level, format="%(levelname)s %(name)s: %(message)s")
    app()
