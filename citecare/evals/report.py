"""Eval reports as files and on the terminal: report.json, report.md, and the Rich summary tables.

``write_reports`` writes all three report files (report.html is rendered by ``report_html``). Number formats
and metric directions come from ``report_format``; baselines and threshold gates live in ``gates``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from citecare.evals.metrics import HEADLINE, STAGES
from citecare.evals.report_format import (
    DIST_TITLES,
    TAG_COLUMNS,
    dist_line,
    fmt,
    fmt_ci,
    kind_order,
    lower_is_better,
    tag_groups,
)
from citecare.evals.report_html import render_html
from citecare.evals.runner import CaseResult, EvalRun


# --------------------------------------------------------------------------- JSON
def case_dict(r: CaseResult) -> dict[str, Any]:
    """One per-case entry of report.json."""
    c = r.case
    return {
        "id": c.id, "origin": c.origin, "tags": list(c.tags), "question": c.question,
        "history": [{"role": t.role, "content": t.content} for t in c.history],
        "expected_kinds": list(c.expected_kinds), "expected_sources": list(c.expected_sources),
        "kind": r.kind, "passed": r.passed, "failures": r.failures, "error": r.error,
        "scores": {k: list(v) for k, v in r.scores.items()}, "details": r.details,
        "wall_ms": round(r.wall_ms, 3), "answer": r.answer.to_dict() if r.answer else None,
    }


def report_dict(run: EvalRun, summary: dict[str, Any]) -> dict[str, Any]:
    """Everything: run metadata, metrics by group ('all' and each tag), per-case results."""
    return {"meta": run.meta, "headline": list(HEADLINE), "summary": summary,
            "cases": [case_dict(r) for r in run.results]}


def write_reports(run: EvalRun, summary: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = report_dict(run, summary)
    paths = {"json": out_dir / "report.json", "md": out_dir / "report.md", "html": out_dir / "report.html"}
    paths["json"].write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    paths["md"].write_text(render_markdown(report), encoding="utf-8")
    paths["html"].write_text(render_html(report), encoding="utf-8")
    return paths


# --------------------------------------------------------------------------- Markdown
def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: headline metrics with CIs, by-tag table, confusion matrix, latency, failed cases."""
    summary, meta = report["summary"], report["meta"]
    overall = summary["all"]
    lines = [f"# CiteCare eval report — {', '.join(meta.get('sets', [])) or 'eval'}", "",
             f"{overall['n']} cases, {overall['passed']} passed all checks. Started {meta.get('started')}, "
             f"{meta.get('duration_s')} s. Support check: {meta.get('support_checker')}.", "",
             "## Headline metrics", "", "| metric | value | 95% CI | n |", "| --- | ---: | --- | ---: |"]
    for name in report["headline"]:
        mv = overall["metrics"].get(name)
        if mv:
            arrow = " (lower is better)" if lower_is_better(name) else ""
            lines.append(f"| {name}{arrow} | {fmt(mv['value'])} | {fmt_ci(mv)} | {mv['n']} |")
    lines += ["", "## By tag", "", "| tag | n | " + " | ".join(TAG_COLUMNS) + " |",
              "| --- | ---: |" + " ---: |" * len(TAG_COLUMNS)]
    for tag in ["all", *tag_groups(summary)]:
        g = summary[tag]
        cells = [fmt(g["metrics"].get(c, {}).get("value")) for c in TAG_COLUMNS]
        lines.append(f"| {_md(tag)} | {g['n']} | " + " | ".join(cells) + " |")
    lines += _md_distributions(overall.get("distributions", {}))
    lines += ["", "## Expected vs returned kind", "", *_md_confusion(overall["confusion"]), "",
              "## Latency (ms)", "", "| stage | n | p50 | p95 | max |", "| --- | ---: | ---: | ---: | ---: |"]
    for stage, st in overall["latency_ms"].items():
        lines.append(f"| {stage} | {st['n']} | {st['p50']:.1f} | {st['p95']:.1f} | {st['max']:.1f} |")
    failed = [c for c in report["cases"] if not c["passed"]]
    lines += ["", f"## Cases with failures ({len(failed)})", ""]
    lines += [f"- **{_md(c['id'])}** ({_md(c['kind'])}): {_md(c['question'][:160])} — "
              + "; ".join(_md(f) for f in c["failures"]) for c in failed]
    return "\n".join(lines) + "\n"


def _md_distributions(dists: dict[str, Any]) -> list[str]:
    shown = [(name, d) for name, d in dists.items() if d.get("n")]
    if not shown:
        return []
    return ["", "## Answer length and reading grade", ""] + [
        f"- {DIST_TITLES.get(name, name)}: {dist_line(d)}" for name, d in shown]


def _md_confusion(confusion: dict[str, dict[str, int]]) -> list[str]:
    kinds = kind_order(confusion)
    rows = ["| expected \\ returned | " + " | ".join(kinds) + " |", "| --- |" + " ---: |" * len(kinds)]
    for exp in kinds:
        if exp in confusion:
            rows.append(f"| {exp} | " + " | ".join(str(confusion[exp].get(k, 0)) for k in kinds) + " |")
    return rows


# --------------------------------------------------------------------------- terminal
def print_summary(console: Any, summary: dict[str, Any], max_tags: int = 30) -> None:
    """Rich tables: headline metrics with CIs, then a compact by-tag table."""
    from rich.table import Table

    overall = summary["all"]
    table = Table(title=f"Eval summary — {overall['n']} cases, {overall['passed']} passed all checks")
    for col in ("metric", "value", "95% CI", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for name in HEADLINE:
        mv = overall["metrics"].get(name)
        if mv:
            table.add_row(name + (" ↓" if lower_is_better(name) else ""), fmt(mv["value"]), fmt_ci(mv), str(mv["n"]))
    for stage in STAGES:
        st = overall["latency_ms"].get(stage)
        if st:
            table.add_row(f"latency {stage} p50 / p95 ms", f"{st['p50']:.1f} / {st['p95']:.1f}", "", str(st["n"]))
    for name, dist in overall.get("distributions", {}).items():
        if dist.get("n"):
            table.add_row(f"{DIST_TITLES.get(name, name)} median (p25–p75)",
                          f"{dist['median']:.1f}", f"{dist['p25']:.1f}–{dist['p75']:.1f}", str(dist["n"]))
    console.print(table)
    tags = tag_groups(summary)[:max_tags]
    if tags:
        tt = Table(title="By tag")
        short = {"kind_accuracy": "kind", "doc_hit@1": "hit@1", "doc_hit@5": "hit@5", "citation_recall": "cite_rec",
                 "must_include_coverage": "must_inc", "first_citation_correct": "1st_cite",
                 "on_subject_citation_share": "on_subj", "lead_answers_question": "lead"}
        for col in ("tag", "n", *TAG_COLUMNS):
            tt.add_column(short.get(col, col), justify="left" if col == "tag" else "right", no_wrap=col == "tag")
        for tag in tags:
            g = summary[tag]
            tt.add_row(tag, str(g["n"]), *(fmt(g["metrics"].get(c, {}).get("value")) for c in TAG_COLUMNS))
        console.print(tt)


