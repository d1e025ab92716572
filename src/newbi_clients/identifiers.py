"""Fiscal identifiers: SIRET, SIREN and VAT numbers, validated offline by python-stdnum."""

from __future__ import annotations

from functools import cache

from newbi_clients import fastpaths
from newbi_clients.text import SEPARATORS as _SEPARATORS
from newbi_clients.text import clean, is_ascii_digits
from newbi_clients.text import fail as _fail


def _length_message(label: str, length: int) -> str:
    return f"{label} invalide : le {label} doit contenir exactement {length} chiffres"


def _checksum_message(label: str, length: int) -> str:
    return (
        f"{label} invalide : la clé de contrôle ne correspond pas"
        f" (vérifiez chacun des {length} chiffres)"
    )


SIRET_LENGTH_MESSAGE = _length_message("SIRET", 14)
SIRET_CHECKSUM_MESSAGE = _checksum_message("SIRET", 14)


def _digits(text: str) -> str:
    # most numbers are written as bare digits, where the expression finds nothing to remove
    return text if text.isdigit() else _SEPARATORS.sub("", text)


def _insee_number(value: object, key: str, length: int) -> str | None:
    """A SIRET or SIREN (``key``): ``length`` digits with a Luhn key, checked by stdnum."""
    text = clean(value)
    if text is None:
        return None
    if length == 14:
        fast = fastpaths.siret(_digits(text))
        if fast is not None:
            return fast
    from importlib import import_module

    from stdnum.exceptions import ValidationError

    label = key.upper()
    compact = _digits(text)
    if not (len(compact) == length and is_ascii_digits(compact)):
        raise _fail(key, text, _length_message(label, length))
    try:
        return str(import_module(f"stdnum.fr.{key}").validate(compact))
    except ValidationError:
        raise _fail(key, text, _checksum_message(label, length)) from None


def normalize_siret(value: object) -> str | None:
    """A SIRET: 14 digits, Luhn (La Poste exception included); spaces and dots accepted."""
    return _insee_number(value, "siret", 14)


def normalize_siren(value: object) -> str | None:
    """A SIREN: 9 digits with a Luhn check digit."""
    return _insee_number(value, "siren", 9)


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
    fast = fastpaths.french_vat(compact)
    if fast is not None:
        return fast
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
    if fastpaths.french_vat(vat_number) is not None:
        return vat_number[4:]  # what stdnum's to_siren gives: not a Monaco number (000…)
    from stdnum.exceptions import ValidationError
    from stdnum.fr import tva

    try:
        return str(tva.to_siren(vat_number))
    except ValidationError:
        return None


def is_eu_vat_number(vat_number: str | None) -> bool:
    """True for a number of the EU VAT system (member states and XI)."""
    return bool(vat_number) and vat_number[:2].lower() in _eu_vat_states()  # type: ignore[index]
