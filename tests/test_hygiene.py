"""Control characters removed at input, shown harmless at output; field length limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newbi_clients.builder import build_client
from newbi_clients.errors import ValidationFailed
from newbi_clients.hygiene import (
    LIMITS,
    MULTILINE,
    clean_note,
    clean_raw,
    clean_text,
    too_long,
    visible,
)
from newbi_clients.storage import ClientStore

HOSTILE = "ACME\x1b]0;pwned\x07\x1b[2J\x00\x9b31m SA"


def test_clean_text_removes_c0_and_c1_controls() -> None:
    assert clean_text(HOSTILE) == "ACME]0;pwned[2J31m SA"
    assert clean_text("12 rue\r\nBât. B", multiline=True) == "12 rue\nBât. B"
    assert clean_text("12 rue\r\nBât. B") == "12 rue Bât. B"
    assert clean_text("Zoë\u00a0& Cie") == "Zoë\u00a0& Cie"  # no-break space is text


def test_visible_shows_every_control_as_a_symbol() -> None:
    shown = visible(HOSTILE)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in shown)
    assert "␛]0;pwned␇" in shown
    assert visible("a\nb") == "a␊b"
    assert visible("a\nb", multiline=True) == "a\nb"


def test_build_client_cleans_every_field_and_bounds_lengths() -> None:
    built = build_client({"name": HOSTILE, "city": "Paris\x1b[0m", "address": "1 rue\n\x07B"})
    client = built.client
    assert client.name == "ACME]0;pwned[2J31m SA"
    assert client.billing_address is not None
    assert client.billing_address.city == "Paris[0m"
    assert client.billing_address.line1 == "1 rue B"
    with pytest.raises(ValidationFailed) as caught:
        build_client({"name": "x" * 201, "first_name": "y" * 101})
    messages = [e.message for e in caught.value.errors]
    assert "Nom trop long : 201 caractères (au plus 200)" in messages
    assert "Prénom trop long : 101 caractères (au plus 100)" in messages


def test_a_note_is_cleaned_and_bounded() -> None:
    assert clean_note("Appel\x1b[5m\r\nrappeler") == "Appel[5m\nrappeler"
    with pytest.raises(ValidationFailed, match="Note trop long"):
        clean_note("n" * 10_001)


def test_cli_add_and_note_store_no_control_character(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("add", "--name", HOSTILE, "--no-input")
    cli("note", "1", "Relancé\x1b[31m\x07 hier")
    with ClientStore(db_path) as store:
        name = store.execute("SELECT name FROM clients").fetchone()[0]
        text = store.execute("SELECT text FROM notes").fetchone()[0]
    assert name == "ACME]0;pwned[2J31m SA"
    assert text == "Relancé[31m hier"
    result = cli("note", "1", "n" * 10_001, code=1)
    assert "10001 caractères (au plus 10000)" in result.stderr


def test_old_data_with_escapes_is_printed_harmless(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("add", "--name", "Dupont", "--no-input")
    with ClientStore(db_path) as store:  # written by an older version, or by hand
        store.execute("UPDATE clients SET name = ?, billing_city = ?", [HOSTILE, "Lyon\x1b[8m"])
        store.execute("INSERT INTO notes (client_id, at, text) VALUES (1, '2024-01-01', ?)",
                      ["\x1b]52;c;ZXZpbA==\x07"])  # fmt: skip
    for args in (("list",), ("show", "1"), ("search", "ACME"), ("list", "--format", "json")):
        out = cli(*args).stdout
        assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0 for c in out), (
            args,
            out,
        )
    assert "ACME␛]0;pwned␇" in cli("show", "1").stdout


def test_old_data_with_controls_keeps_them_visible_in_an_xlsx_export(  # type: ignore[no-untyped-def]
    cli, db_path: Path, tmp_path: Path
) -> None:
    """XML cannot hold most C0 characters: the export writes their visible symbol."""
    from openpyxl import load_workbook

    cli("add", "--name", "Dupont", "--no-input")
    with ClientStore(db_path) as store:  # written by an older version, or by hand
        store.execute("UPDATE clients SET name = ?", ["ACME\x1b[2J\x07\x00 SA"])
    target = tmp_path / "out.xlsx"
    cli("export", "-o", str(target))
    sheet = load_workbook(target, read_only=True).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["ACME␛[2J␇␀ SA"]


def reference_clean_raw(
    raw: dict[str, object],
) -> tuple[dict[str, object], list[tuple[str, str, str]]]:
    """What clean_raw must give: every text cleaned, every text over its limit reported."""
    cleaned: dict[str, object] = {}
    errors = []
    for key, cell in raw.items():
        value = clean_text(cell, key in MULTILINE) if isinstance(cell, str) else cell
        message = too_long(key, value) if isinstance(value, str) else None
        if message and key != "tags":
            errors.append((key, value[:60] + "…", message))
        cleaned[key] = value
    return cleaned, errors


@given(
    st.dictionaries(
        st.sampled_from([*LIMITS, "tags", "sector", "notes"]),
        st.none()
        | st.integers()
        | st.text(st.sampled_from("ab \t\n\r\x1b\x85é"), max_size=260)
        | st.text(max_size=30),
    )
)
@settings(max_examples=2000, deadline=None)
@example({"postal_code": "x" * 21, "email": "a" * 255, "tags": "t" * 300, "name": "a\x1bb"})
def test_clean_raw_cleans_and_bounds_every_text(raw: dict[str, object]) -> None:
    assert clean_raw(raw) == reference_clean_raw(raw)
