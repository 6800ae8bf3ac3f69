"""Baselines and threshold gates for eval runs: what a baseline holds, deltas against it, pass/fail gates.

``citecare eval --write-baseline`` saves ``baseline_payload``; ``--baseline`` compares with
``compare_to_baseline`` (each Delta knows the metric's direction); ``--fail-under/--fail-over`` parse ``Gate``s
and check them with ``check_gates``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citecare.evals.metrics import HEADLINE
from citecare.evals.report_format import fmt, lower_is_better
from citecare.evals.runner import flat_metrics


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
