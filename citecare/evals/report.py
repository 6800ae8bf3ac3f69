"""Eval reports (report.json, report.md, self-contained report.html), terminal tables, baselines, gates."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citecare.evals.metrics import HEADLINE, LOWER_IS_BETTER, STAGES
from citecare.evals.runner import CaseResult, EvalRun, flat_metrics
from citecare.types import ANSWER_KINDS

TAG_COLUMNS: tuple[str, ...] = ("kind_accuracy", "doc_hit@1", "doc_hit@5", "mrr", "first_citation_correct",
                                "citation_recall", "on_subject_citation_share", "lead_answers_question",
                                "must_include_coverage")


def lower_is_better(metric: str) -> bool:
    """True for rates of bad events and for latencies."""
    return metric in LOWER_IS_BETTER or metric.startswith("latency_")


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


# --------------------------------------------------------------------------- formatting helpers
def fmt(value: float | None, metric: str = "") -> str:
    """0.8123 -> '0.812'; latencies in ms with one decimal; None -> '—'."""
    if value is None:
        return "—"
    return f"{value:.1f}" if metric.startswith("latency_") or metric.endswith("_ms") else f"{value:.3f}"


def fmt_ci(mv: dict[str, Any]) -> str:
    return "—" if mv.get("ci_low") is None else f"[{mv['ci_low']:.3f}, {mv['ci_high']:.3f}]"


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _kind_order(confusion: dict[str, dict[str, int]]) -> list[str]:
    seen = set(confusion) | {k for row in confusion.values() for k in row}
    return [k for k in (*ANSWER_KINDS, "error") if k in seen] + sorted(seen - {*ANSWER_KINDS, "error"})


def _tag_groups(summary: dict[str, Any]) -> list[str]:
    return [g for g in summary if g != "all"]


# --------------------------------------------------------------------------- Markdown
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
    for tag in ["all", *_tag_groups(summary)]:
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


_DIST_TITLES = {"answer_sentences": "cited sentences per answer", "reading_grade": "reading grade (Flesch-Kincaid)"}


def _dist_line(dist: dict[str, Any]) -> str:
    hist = ", ".join(f"{k}: {v}" for k, v in dist.get("histogram", {}).items())
    return (f"median {dist['median']:.1f} (quartiles {dist['p25']:.1f}–{dist['p75']:.1f}, range "
            f"{dist['min']:.1f}–{dist['max']:.1f}, n={dist['n']})" + (f"; {hist}" if hist else ""))


def _md_distributions(dists: dict[str, Any]) -> list[str]:
    shown = [(name, d) for name, d in dists.items() if d.get("n")]
    if not shown:
        return []
    return ["", "## Answer length and reading grade", ""] + [
        f"- {_DIST_TITLES.get(name, name)}: {_dist_line(d)}" for name, d in shown]


def _md_confusion(confusion: dict[str, dict[str, int]]) -> list[str]:
    kinds = _kind_order(confusion)
    rows = ["| expected \\ returned | " + " | ".join(kinds) + " |", "| --- |" + " ---: |" * len(kinds)]
    for exp in kinds:
        if exp in confusion:
            rows.append(f"| {exp} | " + " | ".join(str(confusion[exp].get(k, 0)) for k in kinds) + " |")
    return rows


# --------------------------------------------------------------------------- HTML
_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1b1f24;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top}
th{background:#f6f8fa;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td:first-child{border-left:4px solid #cf222e}tr.pass td:first-child{border-left:4px solid #1a7f37}
.cases td{max-width:420px;word-wrap:break-word}.muted{color:#656d76;font-size:12px}
ul{margin:0;padding-left:18px}.fails li{color:#a40e26}svg text{font:12px system-ui,sans-serif}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def render_html(report: dict[str, Any]) -> str:
    """A self-contained report.html: inline CSS and SVG only, no scripts, every text escaped."""
    summary, meta = report["summary"], report["meta"]
    overall = summary["all"]
    title = f"CiteCare eval — {', '.join(meta.get('sets', [])) or 'eval'}"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1><p>{overall['n']} cases, {overall['passed']} passed all checks · started "
        f"{_e(meta.get('started'))} · {_e(meta.get('duration_s'))} s · support check: "
        f"{_e(meta.get('support_checker'))}</p>",
        "<h2>Headline metrics (95% bootstrap CI)</h2>", svg_metric_bars(overall["metrics"], report["headline"]),
        _html_headline_table(overall["metrics"], report["headline"]),
        _html_distributions(overall.get("distributions", {})),
        "<h2>By tag</h2>", _html_tag_table(summary),
        "<h2>Expected vs returned kind</h2>", html_confusion(overall["confusion"]),
        "<h2>Latency</h2>", svg_latency_histogram(report["cases"]), _html_latency(overall["latency_ms"]),
        *_html_cases(report["cases"]),
        "</body></html>",
    ]
    return "\n".join(parts)


def _html_distributions(dists: dict[str, Any]) -> str:
    items = [f"<li>{_e(_DIST_TITLES.get(name, name))}: {_e(_dist_line(d))}</li>"
             for name, d in dists.items() if d.get("n")]
    return f"<h2>Answer length and reading grade</h2><ul>{''.join(items)}</ul>" if items else ""


def svg_metric_bars(metrics: dict[str, Any], names: Sequence[str]) -> str:
    """Horizontal bars (0..1) with CI whiskers; lower-is-better metrics drawn in orange."""
    rows = [(n, metrics[n]) for n in names if n in metrics and metrics[n]["value"] is not None]
    label_w, bar_w, row_h = 260, 420, 22
    h = row_h * len(rows) + 30
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{label_w + bar_w + 90}' height='{h}' role='img'>"]
    for t in (0, 0.25, 0.5, 0.75, 1):
        x = label_w + t * bar_w
        out.append(f"<line x1='{x:.1f}' y1='0' x2='{x:.1f}' y2='{h - 20}' stroke='#eee'/>"
                   f"<text x='{x:.1f}' y='{h - 6}' text-anchor='middle' fill='#656d76'>{t:g}</text>")
    for i, (name, mv) in enumerate(rows):
        y = i * row_h + 4
        color = "#d4760a" if lower_is_better(name) else "#0969da"
        w = max(0.0, min(1.0, mv["value"])) * bar_w
        out.append(f"<text x='{label_w - 8}' y='{y + 14}' text-anchor='end'>{_e(name)} (n={mv['n']})</text>"
                   f"<rect x='{label_w}' y='{y + 3}' width='{w:.1f}' height='{row_h - 8}' fill='{color}' "
                   f"opacity='0.8'/>")
        if mv.get("ci_low") is not None:
            x1, x2, ym = label_w + mv["ci_low"] * bar_w, label_w + mv["ci_high"] * bar_w, y + row_h / 2
            out.append(f"<line x1='{x1:.1f}' y1='{ym:.1f}' x2='{x2:.1f}' y2='{ym:.1f}' stroke='#1b1f24'/>"
                       f"<line x1='{x1:.1f}' y1='{ym - 5:.1f}' x2='{x1:.1f}' y2='{ym + 5:.1f}' stroke='#1b1f24'/>"
                       f"<line x1='{x2:.1f}' y1='{ym - 5:.1f}' x2='{x2:.1f}' y2='{ym + 5:.1f}' stroke='#1b1f24'/>")
        out.append(f"<text x='{label_w + bar_w + 8}' y='{y + 14}'>{mv['value']:.3f}</text>")
    out.append("</svg>")
    return "".join(out)


def _html_headline_table(metrics: dict[str, Any], names: Sequence[str]) -> str:
    rows = "".join(
        f"<tr><td>{_e(n)}{' <span class=muted>(lower is better)</span>' if lower_is_better(n) else ''}</td>"
        f"<td class=num>{fmt(metrics[n]['value'])}</td><td>{_e(fmt_ci(metrics[n]))}</td>"
        f"<td class=num>{metrics[n]['n']}</td></tr>"
        for n in names if n in metrics)
    return f"<table><tr><th>metric</th><th>value</th><th>95% CI</th><th>n</th></tr>{rows}</table>"


def _html_tag_table(summary: dict[str, Any]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in TAG_COLUMNS)
    rows = []
    for tag in ["all", *_tag_groups(summary)]:
        g = summary[tag]
        cells = "".join(_metric_cell(g["metrics"].get(c)) for c in TAG_COLUMNS)
        rows.append(f"<tr><td>{_e(tag)}</td><td class=num>{g['n']}</td><td class=num>{g['passed']}</td>{cells}</tr>")
    return f"<table><tr><th>tag</th><th>n</th><th>passed</th>{head}</tr>{''.join(rows)}</table>"


def _metric_cell(mv: dict[str, Any] | None) -> str:
    if not mv or mv["value"] is None:
        return "<td class=num>—</td>"
    ci = f"<br><span class=muted>{_e(fmt_ci(mv))}</span>" if mv.get("ci_low") is not None else ""
    return f"<td class=num>{mv['value']:.3f}{ci}</td>"


def html_confusion(confusion: dict[str, dict[str, int]]) -> str:
    """Heat table: green diagonal (correct), red off-diagonal, shade by count."""
    kinds = _kind_order(confusion)
    top = max([v for row in confusion.values() for v in row.values()] or [1])
    head = "".join(f"<th>{_e(k)}</th>" for k in kinds)
    rows = []
    for exp in kinds:
        if exp not in confusion:
            continue
        cells = []
        for got in kinds:
            n = confusion[exp].get(got, 0)
            rgb = "26,127,55" if exp == got else "207,34,46"
            alpha = 0.12 + 0.75 * n / top if n else 0
            cells.append(f"<td class=num style='background:rgba({rgb},{alpha:.2f})'>{n}</td>")
        rows.append(f"<tr><th>{_e(exp)}</th>{''.join(cells)}</tr>")
    return (f"<table><tr><th>expected \\ returned</th>{head}</tr>{''.join(rows)}</table>"
            "<p class=muted>A case whose set of acceptable kinds contains the returned kind counts on the diagonal.</p>")


def svg_latency_histogram(cases: Sequence[dict[str, Any]], bins: int = 20) -> str:
    """Histogram of per-case total latency (engine 'total', else wall clock) with p50/p95 lines."""
    vals = sorted(_total_ms(c) for c in cases)
    if not vals:
        return "<p>No latencies.</p>"
    lo, hi = vals[0], vals[-1]
    width = (hi - lo) / bins or 1.0
    counts = [0] * bins
    for v in vals:
        counts[min(bins - 1, int((v - lo) / width))] += 1
    w, h, pad = 640, 200, 40
    bw = (w - 2 * pad) / bins
    top = max(counts)
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h + 30}' role='img'>"]
    for i, n in enumerate(counts):
        bh = (h - pad) * n / top
        out.append(f"<rect x='{pad + i * bw:.1f}' y='{h - bh:.1f}' width='{bw - 2:.1f}' height='{bh:.1f}' "
                   f"fill='#0969da' opacity='0.75'><title>{n} cases</title></rect>")
    for q, color, ty in ((50, "#1a7f37", 20), (95, "#cf222e", 36)):
        v = vals[min(len(vals) - 1, math.ceil(q / 100 * len(vals)) - 1)]
        x = pad + (v - lo) / (width * bins) * (w - 2 * pad)
        out.append(f"<line x1='{x:.1f}' y1='10' x2='{x:.1f}' y2='{h}' stroke='{color}' stroke-dasharray='4'/>"
                   f"<text x='{x + 3:.1f}' y='{ty}' fill='{color}'>p{q} {v:.0f} ms</text>")
    out.append(f"<text x='{pad}' y='{h + 18}'>{lo:.0f} ms</text>"
               f"<text x='{w - pad}' y='{h + 18}' text-anchor='end'>{hi:.0f} ms</text></svg>")
    return "".join(out)


def _total_ms(case: dict[str, Any]) -> float:
    timings = (case.get("answer") or {}).get("timings_ms") or {}
    return float(timings.get("total", case["wall_ms"]))


def _html_latency(latency: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td>{_e(s)}</td><td class=num>{st['n']}</td><td class=num>{st['p50']:.1f}</td>"
                   f"<td class=num>{st['p95']:.1f}</td><td class=num>{st['max']:.1f}</td></tr>"
                   for s, st in latency.items())
    return ("<table><tr><th>stage</th><th>n</th><th>p50 ms</th><th>p95 ms</th><th>max ms</th></tr>"
            f"{rows}</table><p class=muted>wall = measured around ask(); other stages as reported by the engine.</p>")


def _html_cases(cases: Sequence[dict[str, Any]]) -> list[str]:
    failed = [c for c in cases if not c["passed"]]
    passed = [c for c in cases if c["passed"]]
    head = ("<tr><th>case</th><th>question</th><th>kind</th><th>answer</th><th>citations</th>"
            "<th>top docs</th><th>what failed</th></tr>")
    return [f"<h2>Cases with failures ({len(failed)})</h2>",
            f"<table class=cases>{head}{''.join(_html_case_row(c) for c in failed)}</table>",
            f"<h2>Passing cases ({len(passed)})</h2><details><summary>show</summary>",
            f"<table class=cases>{head}{''.join(_html_case_row(c) for c in passed)}</table></details>"]


def _html_case_row(c: dict[str, Any]) -> str:
    ans = c.get("answer") or {}
    history = "".join(f"<li><b>{_e(t['role'])}:</b> {_e(t['content'])}</li>" for t in c["history"])
    question = _e(c["question"]) + (f"<details><summary class=muted>history</summary><ul>{history}</ul></details>"
                                    if history else "")
    cites = "".join(f"<li>[{_e(x['n'])}] <b>{_e(x['doc_id'])}</b> — {_e(x['quote'])}</li>"
                    for x in ans.get("citations", []))
    expected = " or ".join(c["expected_kinds"])
    docs = ", ".join(c["details"].get("ranked_docs", [])[:5])
    want = f"<br><span class=muted>want: {_e(', '.join(c['expected_sources']))}</span>" if c["expected_sources"] else ""
    fails = "".join(f"<li>{_e(f)}</li>" for f in c["failures"])
    return (f"<tr class={'pass' if c['passed'] else 'fail'}><td>{_e(c['id'])}<br>"
            f"<span class=muted>{_e(', '.join(c['tags']))}</span></td><td>{question}</td>"
            f"<td>{_e(c['kind'])}<br><span class=muted>expected {_e(expected)}</span></td>"
            f"<td>{_e(ans.get('text', c.get('error') or ''))}<br><span class=muted>{_e(ans.get('disclaimer', ''))}"
            f"</span></td><td><ul>{cites}</ul></td><td>{_e(docs)}{want}</td><td><ul class=fails>{fails}</ul></td></tr>")


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
            table.add_row(f"{_DIST_TITLES.get(name, name)} median (p25–p75)",
                          f"{dist['median']:.1f}", f"{dist['p25']:.1f}–{dist['p75']:.1f}", str(dist["n"]))
    console.print(table)
    tags = _tag_groups(summary)[:max_tags]
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


# --------------------------------------------------------------------------- baselines and gates
def baseline_payload(summary: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """What --write-baseline saves: headline metric values (and latencies) overall and per tag."""
    groups = {g: {k: v for k, v in flat_metrics(summary[g]).items() if k in HEADLINE} for g in summary}
    groups["all"] = flat_metrics(summary["all"])
    return {"sets": meta.get("sets", []), "created": meta.get("started"), "n_cases": summary["all"]["n"],
            "support_checker": meta.get("support_checker"), "engine": meta.get("engine", {}), "metrics": groups}


@dataclass(frozen=True)
class Delta:
    """Change of one metric against the baseline; ``worse`` respects the metric's direction."""

    group: str
    metric: str
    baseline: float
    current: float | None

    @property
    def delta(self) -> float | None:
        return None if self.current is None else self.current - self.baseline

    @property
    def worse_by(self) -> float:
        """How much worse than the baseline (positive = regression; missing metric = inf)."""
        if self.delta is None:
            return math.inf
        return self.delta if lower_is_better(self.metric) else -self.delta


def compare_to_baseline(summary: dict[str, Any], baseline: dict[str, Any]) -> list[Delta]:
    """Deltas for every metric the baseline holds, in every group that both runs have."""
    out: list[Delta] = []
    for group, metrics in baseline.get("metrics", {}).items():
        if group not in summary:
            continue
        current = flat_metrics(summary[group])
        out += [Delta(group, name, float(val), current.get(name)) for name, val in metrics.items()]
    return out


@dataclass(frozen=True)
class Gate:
    """A threshold: ``[GROUP:]METRIC=VALUE`` (GROUP defaults to 'all')."""

    group: str
    metric: str
    value: float

    @classmethod
    def parse(cls, spec: str) -> Gate:
        name, sep, value = spec.rpartition("=")
        if not sep or not name:
            raise ValueError(f"expected METRIC=VALUE or TAG:METRIC=VALUE, got {spec!r}")
        group, _, metric = name.rpartition(":")
        try:
            return cls(group or "all", metric.strip(), float(value))
        except ValueError as exc:
            raise ValueError(f"threshold in {spec!r} is not a number") from exc


def check_gates(summary: dict[str, Any], gates: Sequence[Gate], *, under: bool) -> list[str]:
    """Messages for gates not met: ``under`` = fail when below (else fail when above). Unmeasured fails."""
    failed: list[str] = []
    for g in gates:
        value = flat_metrics(summary[g.group]).get(g.metric) if g.group in summary else None
        if value is None:
            failed.append(f"{g.group}:{g.metric} was not measured")
        elif (value < g.value) if under else (value > g.value):
            word = "below" if under else "above"
            failed.append(f"{g.group}:{g.metric} = {fmt(value, g.metric)} is {word} {g.value:g}")
    return failed
