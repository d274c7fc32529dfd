"""CSV and JSON text for exports; CSV cells are made safe to open in a spreadsheet.

A CSV download starts with a UTF-8 byte-order mark so that Excel, opened by double-click, reads
it as UTF-8 ("Straße", not "StraÃŸe"). Characters a CSV cell cannot carry faithfully become
U+FFFD: NUL (the csv module cannot write it, and one such message used to fail every export),
the other C0 control characters but tab and line breaks, lone surrogates (not encodable as
UTF-8) and the bidi embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069),
which can make a cell read differently from what it holds. JSON keeps every character, escaping
lone surrogates.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Collection, Dict, Iterable, Mapping, Sequence

_BYTE_ORDER_MARK = "\ufeff"
_REPLACEMENT_CHARACTER = "\ufffd"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_IN_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def spreadsheet_safe(value: Any) -> str:
    """Cell text a spreadsheet shows as written: unsafe characters become U+FFFD, a leading =, +, -, @ gets '."""
    if value is None:
        return ""
    text = _UNSAFE_IN_CELL.sub(_REPLACEMENT_CHARACTER, str(value))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_text(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV with a header row of `columns` and one row per record (missing values empty)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([spreadsheet_safe(record.get(column)) for column in columns])
    return buffer.getvalue()


def csv_download(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """`csv_text` after a UTF-8 byte-order mark, without which Excel reads the file in the local code page."""
    return _BYTE_ORDER_MARK + csv_text(records, columns)


def json_text(value: Any) -> str:
    """Pretty JSON, non-ASCII kept readable; lone surrogates escaped, as UTF-8 cannot carry them."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def with_nulls(record: Mapping[str, Any], columns: Sequence[str],
               empty_means_unknown: Collection[str]) -> Dict[str, Any]:
    """`record` with every column, absent ones and "" in `empty_means_unknown` as None: null in JSON, empty in CSV."""
    filled = {**dict.fromkeys(columns), **record}
    return {key: None if key in empty_means_unknown and value == "" else value for key, value in filled.items()}
