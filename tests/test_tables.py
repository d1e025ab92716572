"""The rule every table follows on a terminal: one line a row, identifiers whole."""

from __future__ import annotations

from newbi_clients.cli.tables import GAP, MIN_TEXT, fit_columns

HEADERS = ("ID", "Nom", "Type", "Email", "Téléphone", "Ville", "SIRET / TVA", "Tags")
ROWS = [
    ("12", "Société Générale des Établissements du Sud-Ouest", "Professionnel",
     "compta@etablissements-sud-ouest.fr", "05 56 00 00 00", "Bordeaux", "73282932000074",
     "VIP, Salon 2025, Relance"),
    ("7", "Jean Dupont", "Particulier", "jean@exemple.fr", "06 12 34 56 78", "Lyon", "", "VIP"),
]  # fmt: skip


def _fit(width: int) -> dict[str, int]:
    shown, widths = fit_columns(HEADERS, ROWS, width)
    assert sum(widths) + GAP * (len(widths) - 1) <= width
    return {HEADERS[i]: w for i, w in zip(shown, widths, strict=True)}


def test_wide_enough_everything_whole() -> None:
    natural = {h: max(len(h), *(len(r[i]) for r in ROWS)) for i, h in enumerate(HEADERS)}
    assert _fit(300) == natural


def test_at_80_columns_identifiers_keep_their_width_and_text_shrinks() -> None:
    fitted = _fit(80)
    assert fitted["Email"] == len("compta@etablissements-sud-ouest.fr")
    assert fitted["Téléphone"] == len("05 56 00 00 00")
    assert fitted["SIRET / TVA"] == len("73282932000074")
    assert fitted["ID"] == 2 and fitted["Nom"] >= MIN_TEXT
    assert "Tags" not in fitted  # the least useful text columns go first


def test_very_narrow_keeps_the_id_and_the_name() -> None:
    assert set(_fit(20)) == {"ID", "Nom"}


def test_drop_order_can_be_given() -> None:
    shown, _ = fit_columns(HEADERS, ROWS, 80, drop=("Email", "Téléphone", "Tags", "Ville", "Type"))
    names = [HEADERS[i] for i in shown]
    assert "Email" not in names and "SIRET / TVA" in names
