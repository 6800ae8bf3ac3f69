"""Number formats, column choices and metric directions shared by every eval report and the gates.

Owns how a metric value is shown (``fmt``, ``fmt_ci``), which way is better for a metric (``lower_is_better``),
the by-tag columns, and the order of answer kinds in a confusion table.
"""

from __future__ import annotations

from typing import Any

from citecare.evals.metrics import LOWER_IS_BETTER
from citecare.types import ANSWER_KINDS

TAG_COLUMNS: tuple[str, ...] = ("kind_accuracy", "doc_hit@1", "doc_hit@5", "mrr", "first_citation_correct",
                                "citation_recall", "on_subject_citation_share", "lead_answers_question",
                                "must_include_coverage")


def lower_is_better(metric: str) -> bool:
    """True for rates of bad events and for latencies."""
    return metric in LOWER_IS_BETTER or metric.startswith("latency_")


def fmt(value: float | None, metric: str = "") -> str:
    """0.8123 -> '0.812'; latencies in ms with one decimal; None -> '—'."""
    if value is None:
        return "—"
    return f"{value:.1f}" if metric.startswith("latency_") or metric.endswith("_ms") else f"{value:.3f}"


def fmt_ci(mv: dict[str, Any]) -> str:
    """A metric's 95% confidence interval as '[0.712, 0.845]'; '—' when it has none."""
    return "—" if mv.get("ci_low") is None else f"[{mv['ci_low']:.3f}, {mv['ci_high']:.3f}]"


def kind_order(confusion: dict[str, dict[str, int]]) -> list[str]:
    """The answer kinds seen in a confusion table, in ANSWER_KINDS order, then 'error', then any others."""
    seen = set(confusion) | {k for row in confusion.values() for k in row}
    return [k for k in (*ANSWER_KINDS, "error") if k in seen] + sorted(seen - {*ANSWER_KINDS, "error"})


def tag_groups(summary: dict[str, Any]) -> list[str]:
    """The summary's groups other than 'all' (one per tag)."""
    return [g for g in summary if g != "all"]


DIST_TITLES = {"answer_sentences": "cited sentences per answer", "reading_grade": "reading grade (Flesch-Kincaid)"}


def dist_line(dist: dict[str, Any]) -> str:
    """A distribution (median, quartiles, range, n, histogram) on one line."""
    hist = ", ".join(f"{k}: {v}" for k, v in dist.get("histogram", {}).items())
    return (f"median {dist['median']:.1f} (quartiles {dist['p25']:.1f}–{dist['p75']:.1f}, range "
            f"{dist['min']:.1f}–{dist['max']:.1f}, n={dist['n']})" + (f"; {hist}" if hist else ""))

