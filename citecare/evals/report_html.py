"""The self-contained report.html of an eval run: inline CSS and SVG charts only, no scripts, all text escaped.

Renders the report dict built by ``report.report_dict``: headline bars with confidence whiskers, by-tag table,
kind confusion heat table, latency histogram, and every case (failed first) with its answer and citations.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

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
    items = [f"<li>{_e(DIST_TITLES.get(name, name))}: {_e(dist_line(d))}</li>"
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
    for tag in ["all", *tag_groups(summary)]:
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
    kinds = kind_order(confusion)
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
