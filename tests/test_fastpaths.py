"""The fast paths give exactly what email-validator, phonenumbers and python-stdnum give.

A fast path answers a value or ``None`` ("ask the library"); whenever it answers, the
library must accept the value and normalise it the same way. Checked with hypothesis on
shapes built around the accepted ones (near misses included), on every cell of the test
fixtures, every string written in the test modules, and every value of rows made by the
benchmark's data generator.
"""

from __future__ import annotations

import ast
import importlib.util
import random
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.eu import vat as stdnum_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from newbi_clients import fastpaths
from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.read import open_table

TESTS = Path(__file__).parent
GENERATOR = TESTS.parent / "benchmarks" / "gen_data.py"


# --- the libraries, as the validators call them --------------------------------------


def library_email(text: str) -> str | None:
    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError:
        return None


def library_phone(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def library_siret(compact: str) -> str | None:
    try:
        return str(stdnum_siret.validate(compact))
    except ValidationError:
        return None


def library_vat(compact: str) -> str | None:
    try:
        return str(stdnum_vat.validate(compact))
    except ValidationError:
        return None


def library_vat_siren(number: str) -> str | None:
    try:
        return str(stdnum_tva.to_siren(number))
    except ValidationError:
        return None


def check_email(text: str) -> str | None:
    fast = fastpaths.email(text)
    if fast is not None:
        assert library_email(text) == fast, text
    return fast


def check_phone(text: str) -> str | None:
    fast = fastpaths.french_phone(text)
    if fast is not None:
        assert library_phone(text) == fast, text
    return fast


def check_siret(text: str) -> str | None:
    fast = fastpaths.siret(text)
    if fast is not None:
        assert library_siret(text) == fast, text
    elif text.isascii() and text.isdigit() and len(text) == 14:
        # the only valid 14-digit SIRETs left to the library: La Poste's
        assert library_siret(text) is None or text.startswith("356000000"), text
    return fast


def check_vat(text: str) -> str | None:
    fast = fastpaths.french_vat(text)
    if fast is not None:
        assert library_vat(text) == fast, text
        # what identifiers.vat_siren answers for it without the library
        assert library_vat_siren(fast) == fast[4:], text
    elif len(text) == 13 and text.startswith("FR") and text[2:].isascii() and text[2:].isdigit():
        # the only valid all-digit French numbers left to the library: Monaco's (000…)
        assert library_vat(text) is None or text[4:7] == "000", text
    return fast


def check_all(text: str) -> None:
    check_email(text)
    check_phone(text)
    check_siret(text)
    check_vat(text)
    check_vat(text.upper())


# --- hypothesis ----------------------------------------------------------------------

LOCAL_CHARS = "abcXYZ0189._+-!#$%&'*/=?^`{|}~\"() é"
DOMAIN_CHARS = "abcXYZ019.-_é"
TLDS = ["fr", "com", "FR", "eu", "c0m", "1", "x", "test", "local", "invalid", "arpa", "onion",
        "localhost", "xn--p1ai", "", "museum", "coop"]  # fmt: skip
MAILBOXES = [
    "jean",
    "Jean.Dupont",
    "postmaster",
    "INFO",
    "abuse",
    "a",
    "a..b",
    ".a",
    "a.",
    "x" * 70,
]


@st.composite
def email_like(draw: st.DrawFn) -> str:
    local = draw(st.sampled_from(MAILBOXES) | st.text(LOCAL_CHARS, min_size=0, max_size=20))
    labels = draw(st.lists(st.text(DOMAIN_CHARS, min_size=0, max_size=12), min_size=0, max_size=3))
    tld = draw(st.sampled_from(TLDS) | st.text(DOMAIN_CHARS, max_size=4))
    at = draw(st.sampled_from(["@", "@", "@", "@@", "", " @"]))
    return local + at + ".".join([*labels, tld])


@given(st.emails() | email_like())
@settings(max_examples=3000, deadline=None)
@example("Jean.Dupont@Exemple.FR")
@example("postmaster@exemple.fr")
@example("a@xn--caf-dma.fr")
@example("a@ab--cd.fr")
@example("a@exemple.local")
@example("a@b.c0m")
def test_email_fast_path_agrees_with_email_validator(text: str) -> None:
    check_email(text)


def test_email_fast_path_takes_the_usual_shapes() -> None:
    for text in ("jean.dupont@exemple.fr", "Contact+devis@Cabinet-Joly.COM", "a_b-c@sfr.fr"):
        assert check_email(text) == library_email(text) is not None


SEPARATORS = st.sampled_from(["", " ", ".", "-", "  ", "/", "_", ",", " - "])
PHONE_PREFIXES = st.sampled_from(
    ["0", "+33", "+33 ", "+33 (0)", "+33(0)", "+33 (0) ", "0033", "+330", "+262 ", "00", "", "+"]
)


@st.composite
def french_phone_like(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=9, max_size=10))
    if draw(st.booleans()):  # overseas and special prefixes more often than by chance
        head = draw(st.sampled_from(["262", "269", "590", "594", "596", "639", "690", "691",
                                     "692", "693", "694", "696", "697", "976", "8", "6", "7"]))  # fmt: skip
        digits = (head + digits)[: len(digits)]
    sep = draw(SEPARATORS)
    groups = [digits[:1]] + [digits[i : i + 2] for i in range(1, len(digits), 2)]
    if draw(st.booleans()):
        groups = [digits[:3]] + [digits[i : i + 2] for i in range(3, len(digits), 2)]
    return draw(PHONE_PREFIXES) + sep.join(groups)


@given(french_phone_like() | st.text("0123456789 +().-", max_size=20))
@settings(max_examples=5000, deadline=None)
@example("06 12 34 56 78")
@example("+33 (0)5 82 76 88 05")
@example("0692 12 34 56")
@example("0262 12 34 56")
@example("0590 12 34 56")
@example("08 00 12 34 56")
@example("06.12.34.56.78")
@example("06-12-34-56-78")
def test_phone_fast_path_agrees_with_phonenumbers(text: str) -> None:
    check_phone(text)


def library_valid(nsn: str) -> bool:
    number = phonenumbers.PhoneNumber(country_code=33, national_number=int(nsn))
    return bool(phonenumbers.is_valid_number(number))


@given(st.text("0123456789", min_size=9, max_size=9).filter(lambda t: t[0] != "0"))
@settings(max_examples=2000, deadline=None)
@example("612345678")
@example("692123456")
@example("800123456")
@example("836012345")
def test_french_validity_agrees_with_is_valid_number(nsn: str) -> None:
    assert bool(fastpaths.french_valid()(nsn)) == library_valid(nsn), nsn


def test_french_validity_agrees_on_every_prefix() -> None:
    """Every 4-digit start of a national number, with suffixes of each shape."""
    rnd = random.Random(33)
    valid = 0
    for prefix in range(1000, 10000):
        for suffix in ("00000", "99999", f"{rnd.randrange(100000):05d}"):
            nsn = f"{prefix}{suffix}"
            expected = library_valid(nsn)
            assert bool(fastpaths.french_valid()(nsn)) == expected, nsn
            valid += expected
    assert valid > 1000  # both answers were met


def test_phone_fast_path_leaves_overseas_numbers_to_the_library() -> None:
    for text in ("0692 12 34 56", "0262 12 34 56", "0590 12 34 56", "0696 12 34 56"):
        assert fastpaths.french_phone(text) is None


def luhn_completed(body: str) -> str:
    return body + luhn.calc_check_digit(body)


@st.composite
def siret_like(draw: st.DrawFn) -> str:
    siren = luhn_completed(draw(st.text("0123456789", min_size=8, max_size=8)))
    if draw(st.integers(0, 9)) == 0:
        siren = "356000000"
    body = siren + draw(st.text("0123456789", min_size=4, max_size=4))
    return draw(st.sampled_from([luhn_completed(body), body + draw(st.text("0123456789", min_size=1, max_size=1))]))  # fmt: skip


@given(siret_like() | st.text("0123456789 ٣", min_size=13, max_size=15))
@settings(max_examples=3000, deadline=None)
@example("73282932000074")
@example("35600000000048")
@example("35600000049837")
def test_siret_fast_path_agrees_with_stdnum(text: str) -> None:
    check_siret(text)


@given(st.text("0123456789", min_size=1, max_size=40))
@settings(max_examples=5000, deadline=None)
@example("73282932000074")
@example("9")
@example("0" * 14)
def test_luhn_agrees_with_stdnum(digits: str) -> None:
    assert fastpaths.luhn(digits) == luhn.checksum(digits), digits


def test_luhn_agrees_with_stdnum_on_every_short_number() -> None:
    """Every string of 1 to 5 digits: each digit at each place from the right, doubled
    or not, and every carry of the sum."""
    for length in range(1, 6):
        for number in range(10**length):
            digits = f"{number:0{length}d}"
            assert fastpaths.luhn(digits) == luhn.checksum(digits), digits


@st.composite
def french_vat_like(draw: st.DrawFn) -> str:
    siren = luhn_completed(draw(st.text("0123456789", min_size=8, max_size=8)))
    if draw(st.integers(0, 9)) == 0:
        siren = "000" + draw(st.text("0123456789", min_size=6, max_size=6))  # Monaco
    key = f"{(12 + 3 * (int(siren) % 97)) % 97:02d}"
    if draw(st.booleans()):
        key = draw(st.text("0123456789ABHZ", min_size=2, max_size=2))
    return draw(st.sampled_from(["FR", "Fr", "FR ", "", "DE"])) + key + siren


@given(french_vat_like() | st.text("FR0123456789 ٣", min_size=11, max_size=14))
@settings(max_examples=3000, deadline=None)
@example("FR44732829320")
@example("FR00000000000")
@example("FR11000000000")
def test_vat_fast_path_agrees_with_stdnum(text: str) -> None:
    check_vat(text)


def test_vat_fast_path_takes_the_usual_shape() -> None:
    assert fastpaths.french_vat("FR44732829320") == "FR44732829320"
    for text in ("FR45732829320", "fr44732829320", "FR 44732829320", "FR4473282932", "FRAB732829320",
                 "FR 44 732 829 320", "ESB43969625"):  # fmt: skip
        assert fastpaths.french_vat(text) is None, text


# --- every value of the fixtures, the tests and the benchmark data --------------------


def fixture_cells() -> Iterator[str]:
    for path in sorted((TESTS / "data").iterdir()):
        try:
            table = open_table(path)
        except ImportRejected:
            continue
        yield from table.header
        for _, cells in table.rows:
            yield from cells


def source_strings() -> Iterator[str]:
    for path in sorted(TESTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value


def every_form(cell: str) -> Iterator[str]:
    text = cell.strip()
    yield text
    yield text.replace(" ", "").replace(".", "")


def test_fast_paths_agree_on_every_fixture_cell() -> None:
    checked = 0
    for cell in fixture_cells():
        for text in every_form(cell):
            check_all(text)
            checked += 1
    assert checked > 500


def test_fast_paths_agree_on_every_string_of_the_tests() -> None:
    strings = set(source_strings())
    for text in strings:
        check_all(text.strip())
    assert len(strings) > 1000


@cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_data", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_data"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("start", [0, 1_000_000])
def test_fast_paths_agree_on_the_benchmark_data(start: int) -> None:
    gen = generator()
    kinds = gen.plan_kinds(3000, 2026, start)
    rows = gen.gen_chunk((start + 7, start, bytes(kinds)))
    rnd = random.Random(start)
    rows += [gen.make_planted(row, kind, start + 5000 + i, rnd)
             for i, (row, kind) in enumerate(zip(rows[:300], ["email", "siret", "name_postal_code"] * 100, strict=True))]  # fmt: skip
    answered = {"email": 0, "phone": 0, "siret": 0, "vat": 0}
    for row in rows:
        answered["email"] += check_email(row[gen.C_EMAIL]) is not None
        if row[gen.C_COUNTRY] == "FR":
            answered["phone"] += check_phone(row[gen.C_PHONE]) is not None
        if row[gen.C_SIRET]:
            answered["siret"] += check_siret(row[gen.C_SIRET].replace(" ", "")) is not None
        if row[gen.C_VAT].startswith("FR"):
            answered["vat"] += check_vat(row[gen.C_VAT].replace(" ", "")) is not None
        for cell in row:
            check_all(cell)
    # the fast paths must also be worth having: they answer for nearly every value
    french = sum(row[gen.C_COUNTRY] == "FR" for row in rows)
    assert answered["email"] >= 0.95 * len(rows)
    assert answered["phone"] >= 0.95 * french
    assert answered["siret"] >= 0.95 * sum(bool(row[gen.C_SIRET]) for row in rows)
    assert answered["vat"] >= 0.95 * sum(row[gen.C_VAT].startswith("FR") for row in rows) > 0
