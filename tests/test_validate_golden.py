"""What an import's validation makes of every fixture file stays what it was.

``validate_chunk`` (cells → staging tables and errors) is pinned on every file of
``tests/data`` that the importer accepts: ``tests/data/validated.json`` holds its staged
rows, errors, warnings and notices, as the code gave them before its speed work. A change
of output is then either a bug or a decision; for a decision, write the file again with

    .venv/bin/python tests/test_validate_golden.py --write

and review its diff. Rows of the benchmark's generator, with invalid values mixed in, are
also validated with the fast paths and without them (every value to the libraries): the
two must stage the same rows and report the same errors.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newbi_clients import fastpaths
from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.mapping import map_headers
from newbi_clients.transfer.read import open_table
from newbi_clients.transfer.validate import Chunk, Validated, validate_chunk
from purepython import (
    PURE_ENV,
    any_compiled,
    compiled_names,
    is_compiled,
    pure_env,
    run_in_pure_python,
)

TESTS = Path(__file__).parent
DATA = TESTS / "data"
GOLDEN = DATA / "validated.json"
STAMP = "2026-01-02T03:04:05+00:00"
DEFAULTS = {"terms_days": 30, "currency": "EUR"}


def outcome(done: Validated) -> dict[str, Any]:
    """Everything a validated chunk hands back, but its timing and process id."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(done.data)
        names = [n for (n,) in conn.execute("SELECT name FROM sqlite_master ORDER BY name")]
        tables = {n: [list(r) for r in conn.execute(f"SELECT * FROM {n}")] for n in names}
    finally:
        conn.close()
    return {
        "count": done.count,
        "valid": done.valid,
        "errors": [e.to_dict() for e in done.errors],
        "rejected": done.rejected,
        "warnings": done.warnings,
        "notices": [list(n) for n in done.notices],
        "tables": tables,
    }


def validated(header: list[str], rows: Chunk) -> dict[str, Any]:
    return outcome(validate_chunk(rows, map_headers(header, None, None, {}), STAMP, DEFAULTS))


def fixture_files() -> Iterator[Path]:
    for path in sorted(DATA.rglob("*")):
        if path.is_file() and path != GOLDEN:
            yield path


def fixture_outcomes() -> dict[str, Any]:
    """Each accepted fixture file's validation, by path relative to ``tests/data``."""
    found: dict[str, Any] = {}
    for path in fixture_files():
        try:
            table = open_table(path)
            found[path.relative_to(DATA).as_posix()] = validated(table.header, list(table.rows))
        except ImportRejected:
            continue
    return found


def test_validation_of_every_fixture_is_unchanged() -> None:
    pinned = json.loads(GOLDEN.read_text(encoding="utf-8"))
    found = json.loads(json.dumps(fixture_outcomes()))  # tuples as lists, as in the file
    assert sorted(found) == sorted(pinned)
    for name, expected in pinned.items():
        assert found[name] == expected, name
    assert sum(o["valid"] for o in found.values()) > 100
    assert sum(len(o["errors"]) for o in found.values()) > 3


def test_none_is_still_bound_as_null() -> None:
    """The staging code registers an adapter of None (to None): NULL stays NULL."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE TABLE t (a, b)")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, ""), ("x", None)])
        assert conn.execute("SELECT a IS NULL, b IS NULL, b FROM t").fetchall() == [
            (1, 0, ""),
            (0, 1, None),
        ]
    finally:
        conn.close()


# values that are invalid, unusual or hostile somewhere, dropped into generated rows
ODD_VALUES = [
    "", " ", "x", "not an email", "a@b", "jean@@x.fr", "06 12 34 56", "0692 12 34 56",
    "+33 6 12 34 56 78", "0033612345678", "612345678", "06123456789", "+49 30 123456",
    "492984850345", "1234", "7500", "75 002", "1E+13", "7.3282932E+13", "73282932000075",
    "732 829 320 00074", "35600000000048", "732829320", "FR44732829320", "FR00732829320",
    "DE123456789", "XX", "Allemagne", "germany", "zz", "abc\x1b[31mdef", "a\tb\nc", "x" * 300,
    "é" * 60, "Œuvre Æther", "ACME SARL", "S.A.R.L. Martin", "particulier", "pro", "bogus",
    "oui", "vrai", "2", "-5", "5%", "150%", "12,50", "cheque", "CB", "USD", "zzz",
    "VIP, vip, Vip", "[2025-01-01T10:00:00] note\n suite", "０６１２３４５６７８", "06 90 12 34 56",
    "0590 12 34 56", "97400", "97100", "98000", "'=cmd", "Jean.Dupont@Exemple.FR",
    "postmaster@exemple.fr", "a@xn--caf-dma.fr", "jean@café.fr", "08 00 12 34 56",
    "09 12 34 56 78", "+33 (0)5 82 76 88 05", "06.12.34.56.78", "06-12-34-56-78",
]  # fmt: skip


def generated_rows(count: int, seed: int) -> tuple[list[str], Chunk]:
    from test_fastpaths import generator

    gen = generator()
    start = 5_000_000 + seed * count
    rows = gen.gen_chunk((seed, start, bytes(gen.plan_kinds(count, seed, start))))
    rnd = random.Random(seed)
    chunk: Chunk = []
    for number, row in enumerate(rows, start=2):
        for _ in range(rnd.choice([0, 0, 1, 1, 2, 3])):
            row[rnd.randrange(len(row))] = rnd.choice(ODD_VALUES)
        chunk.append((number, row))
    return list(gen.HEADER), chunk


@pytest.mark.parametrize("seed", [1, 2])
def test_fast_paths_change_no_validation(
    seed: int, monkeypatch: pytest.MonkeyPatch, pure_src: Path
) -> None:
    if not os.environ.get(PURE_ENV) and any_compiled():
        # compiled validators call the fast paths directly: the replacements below would
        # not reach them, so the test runs on the plain Python source
        test_id = f"tests/test_validate_golden.py::test_fast_paths_change_no_validation[{seed}]"
        result = run_in_pure_python(test_id, pure_src)
        assert "1 passed" in result.stdout, result.stdout + result.stderr
        return
    assert not is_compiled("newbi_clients.validation")
    header, rows = generated_rows(600, seed)
    fast = validated(header, rows)
    for name in ("email", "french_phone", "siret"):
        monkeypatch.setattr(fastpaths, name, lambda text: None)
    assert validated(header, rows) == fast
    assert 0 < fast["valid"] < len(rows)


def compared_outcomes() -> dict[str, Any]:
    """What the compiled and the plain builds must validate alike: every fixture file, and
    generated rows with odd values (as JSON reads it back)."""
    found = fixture_outcomes()
    for seed in (1, 2, 3):
        found[f"generated-{seed}"] = validated(*generated_rows(800, seed))
    return json.loads(json.dumps(found))


def test_compiled_modules_validate_as_plain_python(pure_src: Path, tmp_path: Path) -> None:
    """The compiled build and the plain Python source stage the same rows and report the
    same errors, on every fixture file and on generated rows with odd values."""
    if not any_compiled():
        pytest.skip("installed as plain Python: nothing is compiled")
    assert all(is_compiled(name) for name in compiled_names())
    target = tmp_path / "pure.json"
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import purepython, test_validate_golden as g;"
        "assert not purepython.any_compiled();"
        "open(sys.argv[2], 'w', encoding='utf-8').write(json.dumps(g.compared_outcomes()))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(TESTS), str(target)],
        env=pure_env(pure_src), check=True, timeout=600,
    )  # fmt: skip
    pure = json.loads(target.read_text(encoding="utf-8"))
    found = compared_outcomes()
    assert sorted(found) == sorted(pure)
    for name, expected in pure.items():
        assert found[name] == expected, name
    assert sum(o["valid"] for o in found.values()) > 1000


def as_text(value: Any, indent: str = "") -> str:
    """JSON with one line a row or error, so that a diff shows what changed."""
    inner = indent + " "
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {as_text(v, inner)}" for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        items = [inner + json.dumps(v, ensure_ascii=False, sort_keys=True) for v in value]
        return "[\n" + ",\n".join(items) + f"\n{indent}]"
    return json.dumps(value, ensure_ascii=False)


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    text = as_text(json.loads(json.dumps(fixture_outcomes())))
    GOLDEN.write_text(text + "\n", encoding="utf-8")
    print(f"{GOLDEN}: {len(text)} characters")
