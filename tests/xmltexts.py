"""Hypothesis strategies for XML character data as spreadsheet writers write it: any
character XML allows (escaped where it must be), the five entities, character references,
every kind of line end. Shared by the tests of the fast XLSX readers against expat."""

from __future__ import annotations

from hypothesis import strategies as st

CHAR = st.characters(
    codec="utf-8",
    exclude_categories=("Cs",),
    exclude_characters="&<\r\x00\ufffe\uffff",
).filter(lambda c: c in "\t\n" or ord(c) >= 0x20)
REFERENCE = st.sampled_from(
    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#233;", "&#xE9;", "&#x1F600;", "&#13;"]
)
# « ]]> » may not appear in character data: writers escape its « > »
TEXT = st.lists(
    st.one_of(CHAR, CHAR, CHAR, REFERENCE, st.sampled_from(["\r\n", "\r", "\n", " "])),
    max_size=12,
).map(lambda chars: "".join(chars).replace("]]>", "]]&gt;"))
