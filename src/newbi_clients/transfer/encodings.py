"""How a CSV file's encoding is decided, on evidence: a BOM (UTF-8, UTF-16), UTF-16 by
its NUL bytes, strict UTF-8, then, when no line is UTF-8, Windows-1252 (a file written by
French Excel) or Mac Roman (Excel for Mac's « CSV Macintosh ») by the letters each reading
gives; a UTF-8 file with a few stray bytes is refused, naming its lines."""

from __future__ import annotations

import re
from pathlib import Path

from newbi_clients.errors import ImportRejected

_CHUNK = 1 << 20


def _decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes with ``encoding`` (read in chunks: memory stays
    flat), and how many lines it has."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = returns = 0
    ok = True
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
            returns += chunk.count(b"\r")
            if ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
        if ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                ok = False
    return ok, max(lines, returns)  # a Mac file ends its lines with CR alone


# a valid UTF-8 sequence of two to four bytes (RFC 3629): evidence that a file is UTF-8
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def utf8_evidence(path: Path) -> tuple[list[int], bool]:
    """The numbers of the lines that are not UTF-8, and whether the file holds any valid
    UTF-8 sequence of several bytes (then it is UTF-8 with a few stray bytes, not
    Windows-1252)."""
    bad: list[int] = []
    multibyte = False
    with path.open("rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(_CHUNK), b""), start=1):
            if line.isascii():
                continue
            multibyte = multibyte or _UTF8_MULTIBYTE.search(line) is not None
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(number)
    return bad, multibyte


def utf16_without_bom(head: bytes) -> str | None:
    """« utf-16-le » or « utf-16-be » when the text has the NUL bytes of UTF-16 (every
    other byte of Latin text), else None."""
    sample = head[: len(head) - len(head) % 2][:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


# the letters and signs of French text beyond ASCII (« œ », « € », quotes, no-break
# space), and its capitals but those that Mac Roman puts where Windows-1252 has its small
# letters (« È » is Windows-1252's « é » read in Mac Roman: French text writes it in
# capitals only)
_FRENCH = frozenset("àâäçéèêëîïôöùûüÿœæ«»’‘“”…€°–—\u00a0ÀÇÉŒ")
_ASCII = bytes(range(128))


def _scores(encoding: str, capitals: str) -> dict[int, int]:
    """For each byte beyond ASCII, 1 if ``encoding`` reads it as French, else -1."""
    french = _FRENCH | set(capitals)
    return {
        byte: 1 if bytes([byte]).decode(encoding, "replace") in french else -1
        for byte in range(128, 256)
    }


_MAC = _scores("mac_roman", "")
_WINDOWS = _scores("cp1252", "ÈÊËÎÏÔÙÛÜŸÂÆ")


def mac_roman_evidence(path: Path) -> bool:
    """Whether a file that is not UTF-8 reads as French in Mac Roman (Excel for Mac's
    « CSV Macintosh ») and less so in Windows-1252: the bytes 0x80–0x9F that are « é »,
    « à », « É », « ç » in Mac Roman are « Ž », « ˆ », « ƒ », « � » in Windows-1252, which
    French text does not use, while Windows-1252's « é », « è », « à » (0xE9, 0xE8, 0xE0)
    are « È », « Ë », « ‡ » in Mac Roman. Only the bytes beyond ASCII are counted (a few
    in a hundred): the file is read at the speed of a copy."""
    mac = windows = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            high = chunk.translate(None, _ASCII)
            for byte in set(high):
                count = high.count(byte)
                mac += _MAC[byte] * count
                windows += _WINDOWS[byte] * count
    return mac > 0 and mac > windows


def lines_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")


def choose_encoding(path: Path, head: bytes, encoding: str | None) -> tuple[str, list[str], int]:
    """The file's encoding, decided on evidence, the notices to show, and its number of
    lines: forced by ``--encoding``; else from its BOM (UTF-8, UTF-16); else UTF-16 by its
    NUL bytes; else strict UTF-8; else Windows-1252 only when no line is UTF-8 (French
    Excel's « CSV (séparateur : point-virgule) »); a UTF-8 file with a few stray bytes is
    refused, naming the lines, rather than read garbled."""
    name = path.name
    if encoding and encoding.lower().replace("_", "-") in ("utf-16", "utf16"):
        # Python's utf-16 needs a BOM: without one, the byte order is read from the text
        bom = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        encoding = "utf-16" if bom else utf16_without_bom(head) or "utf-16-le"
    if encoding:
        try:
            ok, lines = _decodes(path, encoding)
        except LookupError:
            raise ImportRejected(f"Encodage inconnu : « {encoding} »") from None
        if not ok:
            raise ImportRejected(
                f"Le fichier {name} n'est pas en {encoding} : essayez --encoding utf-8,"
                " --encoding cp1252, --encoding mac_roman (Excel pour Mac) ou --encoding utf-16"
            )
        return encoding, [], lines
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", ["Encodage UTF-16 détecté."], _decodes(path, "utf-16")[1]
    utf16 = utf16_without_bom(head)
    if utf16 and _decodes(path, utf16)[0]:
        return utf16, ["Encodage UTF-16 (sans BOM) détecté."], _decodes(path, utf16)[1]
    candidate = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    ok, lines = _decodes(path, candidate)
    if ok:
        return candidate, [], lines
    bad, multibyte = utf8_evidence(path)
    if candidate == "utf-8" and mac_roman_evidence(path):
        return "mac_roman", ["Encodage Mac Roman (Excel pour Mac) détecté."], lines
    if not multibyte and candidate == "utf-8" and _decodes(path, "cp1252")[0]:
        return "cp1252", ["Encodage Windows-1252 (Excel français) détecté."], lines
    if not multibyte:
        raise ImportRejected(
            f"Impossible de lire {name} : ni UTF-8, ni Windows-1252, ni Mac Roman. Indiquez"
            " l'encodage avec --encoding (ex. --encoding cp1252, ou --encoding mac_roman pour"
            " un fichier d'Excel pour Mac)."
        )
    raise ImportRejected(
        f"{name} n'est pas entièrement en UTF-8 : {len(bad)} ligne(s) ne le sont pas"
        f" (lignes {lines_list(bad)}), alors que d'autres le sont. Corrigez ces lignes, ou"
        " indiquez l'encodage du fichier avec --encoding (ex. --encoding cp1252, ou"
        " --encoding mac_roman pour un fichier d'Excel pour Mac)."
    )


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 20
