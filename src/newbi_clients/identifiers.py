"""Fiscal identifiers: SIRET, SIREN and VAT numbers, validated offline by python-stdnum."""

from __future__ import annotations

from functools import cache

from newbi_clients.text import SEPARATORS as _SEPARATORS
from newbi_clients.text import clean
from newbi_clients.text import fail as _fail

SIRET_LENGTH_MESSAGE = "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"
SIRET_CHECKSUM_MESSAGE = (
    "SIRET invalide : la clé de contrôle ne correspond pas (vérifiez chacun des 14 chiffres)"
)


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", text)


def normalize_siret(value: object) -> str | None:
    """A SIRET: 14 digits, Luhn (La Poste exception included); spaces and dots accepted."""
    text = clean(value)
    if text is None:
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret

    compact = _digits(text)
    if not (len(compact) == 14 and compact.isdigit()):
        raise _fail("siret", text, SIRET_LENGTH_MESSAGE)
    try:
        return str(siret.validate(compact))
    except ValidationError:
        raise _fail("siret", text, SIRET_CHECKSUM_MESSAGE) from None


def normalize_siren(value: object) -> str | None:
    """A SIREN: 9 digits with a Luhn check digit."""
    text = clean(value)
    if text is None:
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren

    compact = _digits(text)
    if not (len(compact) == 9 and compact.isdigit()):
        raise _fail("siren", text, "SIREN invalide : le SIREN doit contenir exactement 9 chiffres")
    try:
        return str(siren.validate(compact))
    except ValidationError:
        raise _fail(
            "siren",
            text,
            "SIREN invalide : la clé de contrôle ne correspond pas"
            " (vérifiez chacun des 9 chiffres)",
        ) from None


def vat_prefix(country: str) -> str:
    """The VAT prefix of a country: GR → EL, and Monaco uses the French FR."""
    return {"GR": "EL", "MC": "FR"}.get(country, country)


def normalize_vat(value: object, country: str = "FR") -> str | None:
    """An intra-community VAT number in compact form (FR44732829320), validated offline.

    Dashes, dots and (non-breaking) spaces are removed, GR is rewritten EL, and a number
    given without its prefix takes the client's country. EU numbers (and XI) are checked
    with stdnum.eu.vat, others with stdnum.vatin.
    """
    text = clean(value)
    if text is None:
        return None
    compact = _SEPARATORS.sub("", text).upper()
    if compact[:1].isdigit():
        compact = vat_prefix(country) + compact
    if compact.startswith("GR"):
        compact = "EL" + compact[2:]
    prefix = compact[:2]
    from stdnum.exceptions import ValidationError

    message = (
        f"Numéro de TVA invalide : « {text} » (format attendu : préfixe pays puis numéro,"
        " ex. FR44732829320 ou DE136695976)"
    )
    try:
        if prefix.lower() in _eu_vat_states():
            from stdnum.eu import vat

            return str(vat.validate(compact))
        from stdnum import vatin

        return str(vatin.validate(compact))
    except ValidationError:
        raise _fail("vat_number", text, message) from None


@cache
def _eu_vat_states() -> frozenset[str]:
    from stdnum.eu import vat

    return frozenset(vat.MEMBER_STATES) | {"el"}


def vat_siren(vat_number: str) -> str | None:
    """The SIREN inside a French VAT number, None for Monaco or non-French numbers."""
    if not vat_number.startswith("FR"):
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import tva

    try:
        return str(tva.to_siren(vat_number))
    except ValidationError:
        return None


def is_eu_vat_number(vat_number: str | None) -> bool:
    """True for a number of the EU VAT system (member states and XI)."""
    return bool(vat_number) and vat_number[:2].lower() in _eu_vat_states()  # type: ignore[index]
