"""Rewrite the README's generated settings table from citecare.config.Settings."""

from __future__ import annotations

import re

from citecare.config import PROJECT_ROOT, settings_table


def main() -> None:
    path = PROJECT_ROOT / "README.md"
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"(<!-- settings-table:[^>]*-->\n).*?(\n<!-- /settings-table -->)",
                 lambda m: m.group(1) + settings_table() + m.group(2), text, flags=re.S)
    path.write_text(new, encoding="utf-8")
    print("README.md settings table:", "updated" if new != text else "already current")


if __name__ == "__main__":
    main()
