# Copyright 2026 Stablecoin Invoicing contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rows for PostgreSQL's ``COPY ... FROM STDIN`` (text format): the watcher streams thousands
of transfers a scan, where a multi-row ``INSERT`` of literals costs the server as much parsing
as inserting."""

import json
from datetime import date, datetime

from psycopg2.extras import Json

# Backslash first: the others add backslashes.
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def copy_text(value):
    """One column's value as COPY's text format writes it (``\\N`` for NULL)."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is int:  # (a bool's type is bool)
        return str(value)
    if kind is str:  # hashes, addresses, selections: most need no escape
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            for raw, escaped in _ESCAPES:
                value = value.replace(raw, escaped)
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Json):
        value = json.dumps(value.adapted)
    text = str(value)
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


class LineStream:
    """A file-like reader over an iterable of text lines (what ``copy_expert`` reads), so the
    rows are encoded as they are sent, never held twice."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self._buffer = b""

    # (A file's read, not a model's: nothing to call super on.)
    def read(self, size=-1):  # pylint: disable=method-required-super
        while size < 0 or len(self._buffer) < size:
            line = next(self._lines, None)
            if line is None:
                break
            self._buffer += line.encode()
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    readline = read
