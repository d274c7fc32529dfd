"""CSV and JSON text for exports; CSV cells are made safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Mapping, Sequence

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> str:
    """Cell text that a spreadsheet shows as text: a leading =, +, -, @ is prefixed with '."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header row of `columns` and one row per record (missing values empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([spreadsheet_safe(record.get(column)) for column in columns])
    return buffer.getvalue()


def json_text(value: Any) -> str:
    """Pretty JSON, non-ASCII kept readable."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"
