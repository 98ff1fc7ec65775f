"""A copy of a shipped CSV with one cell changed, for import tests."""

import csv


def copy_with(source, tmp_path, line_index, field, value):
    """``source`` copied under ``tmp_path`` with row ``line_index`` (0 = the first data row) given ``field=value``."""
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        fieldnames = list(rows[0].keys())
    rows[line_index][field] = value
    path = tmp_path / source.name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)
    return path
