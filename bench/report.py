"""Write a benchmark's results into its own section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, heading: str, body: str) -> None:
    """Replace the text under ``heading`` (up to the next ``## `` heading), or append the section."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    section = [f"{heading}\n\n", body.rstrip() + "\n", "\n"]
    if start is None:
        new = [*lines, "\n" if lines and lines[-1].strip() else "", *section]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = [*lines[:start], *section, *lines[end:]]
    path.write_text("".join(new), encoding="utf-8")
