"""The words of names and keys: the regular expression splits as ``str.isalnum`` does."""

from __future__ import annotations

import sys

from hypothesis import example, given
from hypothesis import strategies as st

from newbi_clients.models import Client
from newbi_clients.rows import _NOT_ALNUM, LEGAL_FORMS, folded, has_company_form, name_key, words
from newbi_clients.text import fold


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


NAMES = (
    st.none() | st.text() | st.sampled_from(["Éléonore", "DUPRÉ SARL", "Œuvre", "ǅ", "ß", "ﬁ", "İ"])
)


@given(NAMES, NAMES)
@example("\u0301e", "a\u0301")
@example("Σ", "ΑΣ")
def test_folding_by_parts_is_folding_the_joined_name(first: str | None, name: str | None) -> None:
    """sort_name and name_key fold each part: the same as folding the joined name."""
    client = Client(name=name or "", first_name=first)
    joined = " ".join(filter(None, (first, client.name)))
    assert folded(first, client.name) == fold(joined)
    assert name_key(client) == " ".join(w for w in words(fold(joined)) if w not in LEGAL_FORMS)
