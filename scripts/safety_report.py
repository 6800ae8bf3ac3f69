"""Print the guard's confusion matrix (expected → returned kind) over a safety eval set.

Usage: .venv/bin/python scripts/safety_report.py [evals/safety.jsonl]
Expected answer/no_evidence cases count as "pass" (the guard lets them through to retrieval).
"""

from __future__ import annotations

import sys
from pathlib import Path

from citecare.config import Settings
from citecare.safety.guard import safety_confusion


def main(path: str = "evals/safety.jsonl") -> int:
    report = safety_confusion(Path(path), Settings())  # type: ignore[call-arg]
    labels = report["labels"]
    width = max(len(x) for x in labels) + 2
    print("expected \\ guard".ljust(width + 4) + "".join(x[:14].rjust(16) for x in labels) + "   total  correct")
    for want in labels:
        row = report["matrix"][want]
        total = sum(row.values())
        if not total:
            continue
        cells = "".join(str(row.get(got, 0)).rjust(16) for got in labels)
        print(want.ljust(width + 4) + cells + f"{total:>8}{row.get(want, 0) / total:>9.0%}")
    em = report["matrix"]["emergency"]
    em_total = sum(em.values())
    false_alarms = sum(report["matrix"][k].get("emergency", 0) for k in labels if k != "emergency")
    others = sum(sum(report["matrix"][k].values()) for k in labels if k != "emergency")
    print(f"\nemergency recall: {em.get('emergency', 0)}/{em_total}; "
          f"false emergencies on non-emergency cases: {false_alarms}/{others}")
    for miss in report["misses"]:
        print(f"MISS {miss['id']}: expected {miss['expected']}, got {miss['got']}")
    return 1 if report["misses"] else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
