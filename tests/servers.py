"""Small HTTP servers on 127.0.0.1 (port 0, one thread) that answer like VIES and like the
company register, for the tests of the online checks: nothing reaches the internet.

The answers follow the public shapes: VIES's OpenAPI file
(https://ec.europa.eu/assets/taxud/vow-information/swagger_publicVAT.yaml) and the
response model of the « API Recherche d'entreprises »
(github.com/annuaire-entreprises-data-gouv-fr/search-api, ``app/models/unite_legale.py``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

# (status, body: dict/list → JSON, str → as is, headers, delay in seconds)
Answer = tuple[int, Any, dict[str, str], float]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    headers: dict[str, str]


@dataclass
class LocalServer:
    """The server's address and every request it received."""

    url: str
    requests: list[Request] = field(default_factory=list)


@contextmanager
def serve(answer: Callable[[Request, int], Answer]) -> Iterator[LocalServer]:
    """Serve ``answer(request, n)`` (``n``: how many requests came before this one)."""
    server_info = LocalServer("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            parsed = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Request(
                self.command,
                parsed.path,
                parse_qs(parsed.query),
                json.loads(raw) if raw else None,
                dict(self.headers),
            )
            with lock:
                count = len(server_info.requests)
                server_info.requests.append(request)
            status, body, headers, delay = answer(request, count)
            if delay:
                time.sleep(delay)
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout)

        do_GET = _handle
        do_POST = _handle

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server_info.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_info
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> str:
    """The address of a port nothing listens on (no network)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# --- VIES -------------------------------------------------------------------------------

VIES_NAMES = {
    "DE136695976": ("Müller Maschinenbau GmbH", "Hauptstraße 1\n10115 Berlin"),
    "BE0403170701": ("SA Brasserie Dupont", "Rue Basse 5\n7904 Tourpes"),
    "IT00743110157": ("Autre Nom SpA", "Via Roma 1\n20100 Milano"),
}


def vies_valid(number: str, post: bool) -> dict[str, Any]:
    """A VIES answer for a valid number (GET or POST shape)."""
    name, address = VIES_NAMES.get(number, ("---", "---"))
    body: dict[str, Any] = {
        "countryCode": number[:2],
        "vatNumber": number[2:],
        "requestDate": "2026-11-30T08:00:00.000Z",
        "name": name,
        "address": address,
        "requestIdentifier": "WAPIAAAAZ1234567" if post else "",
    }
    body["valid" if post else "isValid"] = True
    if not post:
        body["userError"] = "VALID"
    return body


def vies_invalid(number: str, post: bool) -> dict[str, Any]:
    """A VIES answer for a number VIES does not know."""
    if post:
        return {"countryCode": number[:2], "vatNumber": number[2:], "valid": False,
                "name": "---", "address": "---", "requestIdentifier": "WAPIAAAAZ7654321"}  # fmt: skip
    return {"isValid": False, "userError": "INVALID", "name": "---", "address": "---",
            "requestIdentifier": ""}  # fmt: skip


def vies_error(code: str) -> dict[str, Any]:
    """A refused VIES request (``errorWrappers``)."""
    return {"actionSucceed": False, "errorWrappers": [{"error": code, "message": code}]}


def vies_number(request: Request) -> str:
    """The VAT number a VIES request is about (GET path or POST body)."""
    if request.method == "POST":
        return str(request.body["countryCode"]) + str(request.body["vatNumber"])
    parts = request.path.rstrip("/").split("/")  # …/ms/{country}/vat/{number}
    return parts[-3] + parts[-1]


# --- the register -----------------------------------------------------------------------


def establishment(siret: str, *, head: bool, open_: bool = True, **address: str) -> dict[str, Any]:
    """An establishment as the register gives it."""
    values = {"numero_voie": "12", "type_voie": "RUE", "libelle_voie": "DE LA PAIX",
              "code_postal": "75002", "libelle_commune": "PARIS"} | address  # fmt: skip
    full = " ".join(
        v for v in (values.get("numero_voie"), values.get("type_voie"), values.get("libelle_voie"),
                    values["code_postal"], values["libelle_commune"]) if v
    )  # fmt: skip
    return values | {
        "siret": siret,
        "adresse": full,
        "activite_principale": "62.01Z",
        "est_siege": head,
        "etat_administratif": "A" if open_ else "F",
        "complement_adresse": None,
    }


def company(siren: str, name: str, *, siege: dict[str, Any], matching: list[Any] | None = None,
            active: bool = True) -> dict[str, Any]:  # fmt: skip
    """A search result of the register."""
    return {
        "siren": siren,
        "nom_complet": name,
        "nom_raison_sociale": name,
        "nature_juridique": "5710",
        "activite_principale": "62.01Z",
        "etat_administratif": "A" if active else "C",
        "siege": siege,
        "matching_etablissements": matching if matching is not None else [siege],
        "nombre_etablissements": 2,
    }


ACME = company(
    "732829320", "ACME", siege=establishment("73282932000074", head=True),
    matching=[establishment("73282932000074", head=True)],
)  # fmt: skip
ACME_LYON_CLOSED = establishment(
    "73282932000058", head=False, open_=False, numero_voie="3", type_voie="PL",
    libelle_voie="BELLECOUR", code_postal="69002", libelle_commune="LYON",
)  # fmt: skip
ACME_WITH_LYON = company(
    "732829320", "ACME", siege=establishment("73282932000074", head=True),
    matching=[ACME_LYON_CLOSED],
)  # fmt: skip
ACMEA = company(
    "552100554", "ACMEA DISTRIBUTION", siege=establishment("55210055400013", head=True,
    code_postal="69003", libelle_commune="LYON"),
)  # fmt: skip


def register_answer(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A page of search results."""
    return {"results": results, "total_results": len(results), "page": 1, "per_page": 10,
            "total_pages": 1}  # fmt: skip
