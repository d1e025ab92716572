"""Countries: ISO 3166-1 alpha-2 codes from codes, French and English names (pycountry).

Re-exported by :mod:`newbi_clients.validation`, from which callers import every validator.
"""

from __future__ import annotations

from functools import cache, lru_cache

from newbi_clients.text import clean, match_key
from newbi_clients.text import fail as _fail

# languages whose country names are read too, after French and English
_OTHER_LANGUAGES = ("de", "nl", "it", "es", "pt")


@cache
def _country_index() -> dict[str, str]:
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
        for name in [n for n in names if n]:
            index.setdefault(match_key(name), code)
            index.setdefault(match_key(french.gettext(name)), code)
        index[match_key(country.alpha_3)] = code
    # then the names the neighbours' and partners' own files use (« Schweiz », « België »,
    # « Deutschland », « España »…): French and English names keep their meaning
    for language in _OTHER_LANGUAGES:
        other = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                name = getattr(country, attr, None)
                if name:
                    index.setdefault(match_key(other.gettext(name)), country.alpha_2)
    for alias, code in {
        "uk": "GB",
        "angleterre": "GB",
        "grandebretagne": "GB",
        "ecosse": "GB",
        "irlandedunord": "GB",
        "usa": "US",
        "etatsunis": "US",
        "hollande": "NL",
        "paysbas": "NL",
        "suisse": "CH",
        "russie": "RU",
        "coreedusud": "KR",
        "southkorea": "KR",
        "vietnam": "VN",
        "tchequie": "CZ",
        "republiquetcheque": "CZ",
        "czechrepublic": "CZ",
        "el": "GR",
        "russia": "RU",
        "greatbritain": "GB",
        "britain": "GB",
        "vatican": "VA",
        "reunion": "RE",
        "lareunion": "RE",
        "palestine": "PS",
        "micronesie": "FM",
        "micronesia": "FM",
        "iran": "IR",
        "syrie": "SY",
        "syria": "SY",
        "bolivie": "BO",
        "bolivia": "BO",
        "venezuela": "VE",
        "tanzanie": "TZ",
        "tanzania": "TZ",
        "taiwan": "TW",
        "laos": "LA",
        "moldavie": "MD",
        "moldova": "MD",
        "coreedunord": "KP",
        "northkorea": "KP",
    }.items():
        index[alias] = code
    return index


@cache
def _alpha2_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=16384)
def normalize_country(value: object, field: str = "country") -> str:
    """ISO 3166-1 alpha-2 from a code (FR, FRA) or a name in French, English, or a
    neighbour's language (Allemagne, Germany, Deutschland)."""
    text = clean(value)
    if text is None:
        return "FR"
    upper = text.upper().removeprefix("BASE.")  # Odoo's external ids: base.de
    if len(upper) == 2 and upper in _alpha2_codes():
        return upper
    code = _country_index().get(match_key(text))
    if code is None:
        raise _fail(
            field,
            text,
            f"Pays inconnu : « {text} » (indiquez un code ISO comme FR ou DE, ou le nom du pays"
            " en français, en anglais, en allemand, en néerlandais, en italien, en espagnol ou"
            " en portugais)",
        )
    return code


@cache
def country_label(code: str) -> str:
    """The French name of a country code: DE → Allemagne."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    name = getattr(country, "common_name", None) or country.name
    return str(french.gettext(name))
