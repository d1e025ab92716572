"""The words of names and keys: the regular expression splits as ``str.isalnum`` does."""

from __future__ import annotations

import sys

from hypothesis import example, given
from hypothesis import strategies as st

from newbi_clients.models import Client
from newbi_clients.rows import _NOT_ALNUM, has_company_form, name_key, words


def test_the_expression_refuses_exactly_what_isalnum_refuses() -> None:
    """Every code point, one by one."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (_NOT_ALNUM.fullmatch(char) is None) == char.isalnum(), hex(code)


@given(st.text())
@example("S.A.R.L. d'Œuvres_2 ²³ ٣ Ⅻ")
def test_words_are_the_runs_isalnum_accepts(text: str) -> None:
    assert words(text) == "".join(c if c.isalnum() else " " for c in text).split()


def test_name_key_and_company_form() -> None:
    client = Client(name="Société Générale d'Œuvres SARL", first_name="Jean-Éric")
    assert name_key(client) == "jean eric generale d œuvres"
    assert has_company_form("S.A.R.L. Martin") and not has_company_form("Sarlat Jean")
