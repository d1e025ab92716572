"""Rich text runs (ECMA-376 part 1, §18.4.4 ``r``, §18.4.7 ``rPr``) as the fast readers of
a sheet's inline strings (:mod:`.fastrows`) and of the shared strings
(:mod:`.sharedstrings`) read them: ``(<r> [<rPr> properties </rPr>] <t>…</t> </r>)+``,
white space between the tags, the texts of the runs concatenated. Anything else raises
:class:`~.xmltext.Fallback`, and expat reads the text instead.
"""

from __future__ import annotations

import re

from newbi_clients.transfer.xmltext import ATTRS, Fallback, W, attributes, unescape

_PROPERTIES = (
    "b|i|strike|condense|extend|outline|shadow|u|vertAlign|sz|color|rFont|family|charset|scheme"
)

# the grammar of the runs, as (expected, read) → expected next
_MOVES = {
    ("r", "r"): "rPr|t",
    ("rPr|t", "rPr"): "e",
    ("rPr|t", "t"): "/r",
    ("e", "e"): "e",
    ("e", "/rPr"): "t",
    ("t", "t"): "/r",
    ("/r", "/r"): "r",
}


class RichRuns:
    """Reads the runs of a text written with the namespace ``prefix`` (``""`` or ``"x:"``)."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        self.tokens = re.compile(
            f"(<{p}r>|</{p}r>|<{p}rPr>|</{p}rPr>)|<{p}(?:{_PROPERTIES})({ATTRS}){W}*/>"
            f"|<{p}t({ATTRS}){W}*(?:/>|>([^<]*)</{p}t>)|{W}+()|(.)",
            re.S,
        )
        self.tags = {f"<{prefix}{tag}>": tag for tag in ("r", "rPr")}
        self.tags.update({f"</{prefix}{tag}>": f"/{tag}" for tag in ("r", "rPr")})

    def text(self, runs: str) -> str:
        """The text of ``runs`` (from the first ``<r>`` to the last ``</r>``)."""
        texts: list[str] = []
        expect = "r"
        for match in self.tokens.finditer(runs):
            kind = match.lastindex
            if kind == 1:
                step = self.tags[match.group(1)]
            elif kind == 2:
                attributes(match.group(2))
                step = "e"
            elif kind in (3, 4):  # a text, or an empty one (``<t/>``)
                if match.group(3):
                    attributes(match.group(3))
                texts.append(unescape(match.group(4) or ""))
                step = "t"
            elif kind == 5:
                continue  # white space
            else:
                raise Fallback
            following = _MOVES.get((expect, step))
            if following is None:
                raise Fallback
            expect = following
        if expect != "r":
            raise Fallback
        return "".join(texts)
