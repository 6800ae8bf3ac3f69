"""The `citecare eval` command: run eval sets, write reports, compare with a baseline, gate on thresholds."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from citecare.errors import CiteCareError
from citecare.evals import gates
from citecare.evals import report as rep
from citecare.evals.cases import EvalCase, load_sets
from citecare.evals.report_format import fmt
from citecare.evals.runner import CaseResult, EvalRun, run_eval, summarize
from citecare.protocols import AnswerEngine

EngineFactory = Callable[[Path | None], AnswerEngine]
EXIT_GATE = 1
EXIT_USAGE = 2


def real_engine(index_dir: Path | None) -> AnswerEngine:
    """ChatEngine from Settings (CITECARE_* environment), with index_dir overridden when given."""
    from citecare.config import Settings
    from citecare.engine import ChatEngine

    settings = Settings()  # type: ignore[call-arg]
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    return ChatEngine.from_settings(settings)


def register(app: typer.Typer, engine_factory: EngineFactory | None = None) -> None:
    """Add the `eval` command to ``app``; tests pass ``engine_factory`` to use a fake engine."""
    factory = engine_factory or real_engine

    @app.command("eval")
    def eval_command(
        sets: Annotated[list[Path], typer.Argument(help="Eval set files (JSONL cases, or qa-dev.jsonl with --format nlm).")],
        fmt: Annotated[str, typer.Option("--format", help="jsonl (CiteCare cases) or nlm (extdata qa-dev.jsonl).")] = "jsonl",
        out: Annotated[Path | None, typer.Option(help="Report folder (default evals/reports/<timestamp>/).")] = None,
        baseline: Annotated[Path | None, typer.Option(help="Baseline JSON to compare with; prints deltas.")] = None,
        max_drop: Annotated[float | None, typer.Option(
            help="With --baseline: exit 1 when a headline rate is worse than the baseline by more than this.")] = None,
        fail_under: Annotated[list[str] | None, typer.Option(
            help="[TAG:]METRIC=VALUE; exit 1 when the metric is below VALUE (repeatable).")] = None,
        fail_over: Annotated[list[str] | None, typer.Option(
            help="[TAG:]METRIC=VALUE; exit 1 when the metric is above VALUE (rates of bad events, latencies).")] = None,
        write_baseline: Annotated[Path | None, typer.Option(help="Save the headline metrics as a baseline JSON.")] = None,
        index_dir: Annotated[Path | None, typer.Option(help="Index folder (default: CITECARE_INDEX_DIR).")] = None,
        limit: Annotated[int | None, typer.Option(min=1, help="Run only the first N cases.")] = None,
        quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
        verbose: Annotated[bool, typer.Option(help="Keep the engine's per-answer log lines.")] = False,
    ) -> None:
        """Run eval sets through the engine and write report.json, report.md and report.html."""
        console = Console(width=None if sys.stdout.isatty() else 140)  # CI logs: do not squeeze the tables
        if fmt not in ("jsonl", "nlm"):
            _die(console, f"--format must be jsonl or nlm, not {fmt!r}")
        try:
            gates_under = [gates.Gate.parse(s) for s in fail_under or []]
            gates_over = [gates.Gate.parse(s) for s in fail_over or []]
            cases = load_sets(sets, "nlm" if fmt == "nlm" else "jsonl")[:limit]
            base = _read_baseline(baseline) if baseline else None
            engine = factory(index_dir)
            meta = {"sets": [str(s) for s in sets], "format": fmt, "engine": _health(engine)}
            run = _run(engine, cases, console, quiet, verbose, meta=meta)
        except (CiteCareError, ValueError) as exc:
            _die(console, str(exc))
        summary = summarize(run)
        out_dir = out or Path("evals/reports") / time.strftime("%Y%m%d-%H%M%S")
        paths = rep.write_reports(run, summary, out_dir)
        rep.print_summary(console, summary)
        console.print(f"Reports: {paths['md']}  {paths['html']}  {paths['json']}")
        if write_baseline:
            write_baseline.parent.mkdir(parents=True, exist_ok=True)
            write_baseline.write_text(json.dumps(gates.baseline_payload(summary, run.meta), indent=1) + "\n")
            console.print(f"Baseline written: {write_baseline}")
        problems = _gate(console, summary, base, max_drop, gates_under, gates_over)
        if problems:
            for p in problems:
                console.print(f"[red]FAIL[/red] {p}")
            raise typer.Exit(EXIT_GATE)


def _health(engine: AnswerEngine) -> dict[str, Any]:
    try:
        return dict(engine.health())
    except Exception as exc:  # health is informational only
        return {"error": f"{type(exc).__name__}: {exc}"}


def _die(console: Console, message: str) -> None:
    console.print(f"[red]error:[/red] {message}", markup=True, highlight=False)
    raise typer.Exit(EXIT_USAGE)


def _read_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read baseline {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise ValueError(f"{path} is not a baseline file (no 'metrics')")
    return data


def _run(engine: AnswerEngine, cases: list[EvalCase], console: Console, quiet: bool, verbose: bool,
         meta: dict[str, Any]) -> EvalRun:
    engine_log = logging.getLogger("citecare")
    level = engine_log.level
    if not verbose:  # one INFO line per answer would bury the progress bar
        engine_log.setLevel(max(engine_log.getEffectiveLevel(), logging.WARNING))
    try:
        return _run_with_progress(engine, cases, console, quiet, meta)
    finally:
        engine_log.setLevel(level)


def _run_with_progress(engine: AnswerEngine, cases: list[EvalCase], console: Console, quiet: bool,
                       meta: dict[str, Any]) -> EvalRun:
    columns = (TextColumn("[bold]eval"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[last]}"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, disable=quiet, transient=False) as progress:
        task = progress.add_task("eval", total=len(cases), last="")

        def advance(result: CaseResult) -> None:
            mark = "[green]ok" if result.passed else "[red]fail"
            progress.update(task, advance=1, last=f"{mark}[/] {result.case.id}")

        return run_eval(engine, cases, on_case=advance, meta=meta)


def _gate(console: Console, summary: dict[str, Any], baseline: dict[str, Any] | None, max_drop: float | None,
          under: list[gates.Gate], over: list[gates.Gate]) -> list[str]:
    problems = gates.check_gates(summary, under, under=True) + gates.check_gates(summary, over, under=False)
    if baseline is None:
        return problems
    deltas = gates.compare_to_baseline(summary, baseline)
    _print_deltas(console, [d for d in deltas if d.group == "all"])
    if max_drop is not None:
        problems += [f"{d.group}:{d.metric} regressed: {fmt(d.baseline)} -> {fmt(d.current)}"
                     for d in deltas if not d.metric.startswith("latency_") and d.worse_by > max_drop]
    return problems


def _print_deltas(console: Console, deltas: list[gates.Delta]) -> None:
    from rich.table import Table

    table = Table(title="Against baseline")
    for col in ("metric", "baseline", "now", "delta"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for d in deltas:
        if d.delta is None:
            shown = "[red]missing[/red]"
        else:
            color = "red" if d.worse_by > 1e-9 else "green" if d.worse_by < -1e-9 else "white"
            shown = f"[{color}]{d.delta:+.3f}[/{color}]" if not d.metric.startswith("latency_") else f"{d.delta:+.1f}"
        table.add_row(d.metric, fmt(d.baseline, d.metric), fmt(d.current, d.metric), shown)
    console.print(table)
