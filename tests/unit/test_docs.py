"""The README says what the code does: its settings table is generated from Settings."""

from __future__ import annotations

import re

from citecare.config import PROJECT_ROOT, settings_table


def test_readme_settings_table_matches_settings() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- settings-table:[^>]*-->\n(.*?)\n<!-- /settings-table -->", readme, re.S)
    assert m, "README.md lost its settings-table markers"
    assert m.group(1) == settings_table(), "README settings table is out of date: run `make readme`"
