"""JSON on stdout: whole documents, and arrays or reports written as they are read."""

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO


def dumps(value: Any, indent: int | None = 2) -> str:
    """JSON with accents kept; C1 control characters escaped (a terminal reads them as
    commands), C0 ones are escaped by JSON itself."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=str)
    return text if text.isascii() else text.translate(_JSON_C1)


_JSON_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}


def emit_json(value: Any, out: TextIO | None = None) -> None:
    """One JSON document on stdout."""
    (out or sys.stdout).write(dumps(value) + "\n")


def emit_json_streaming(value: dict[str, Any], out: TextIO | None = None) -> None:
    """One JSON object on stdout, written as :func:`emit_json` writes it, whose iterator
    values are arrays written item by item (memory stays flat)."""
    out = out or sys.stdout
    out.write("{")
    for index, (key, item) in enumerate(value.items()):
        out.write(("\n" if index == 0 else ",\n") + f"  {dumps(key)}: ")
        if not isinstance(item, Iterator):
            out.write(dumps(item).replace("\n", "\n  "))
            continue
        first = True
        for element in item:
            out.write("[\n    " if first else ",\n    ")
            out.write(dumps(element).replace("\n", "\n    "))
            first = False
        out.write("[]" if first else "\n  ]")
    out.write("\n}\n" if value else "}\n")


def emit_json_stream(items: Iterable[dict[str, Any]], out: TextIO | None = None) -> None:
    """A JSON array written item by item, so that memory stays flat."""
    out = out or sys.stdout
    out.write("[")
    first = True
    for item in items:
        out.write("\n" if first else ",\n")
        out.write("  " + dumps(item, indent=None))
        first = False
    out.write("\n]\n" if not first else "]\n")


def emit_jsonl(items: Iterable[dict[str, Any]], out: TextIO | None = None) -> None:
    """One JSON object a line."""
    out = out or sys.stdout
    for item in items:
        out.write(dumps(item, indent=None) + "\n")
