"""The HTTP client and the VIES check, against local servers that answer like VIES
(shapes from VIES's OpenAPI file, swagger_publicVAT.yaml): retries, timeout, pacing,
what is stored, and the VAT regime after each status."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from newbi_clients import schema
from newbi_clients.fiscal import SellerSettings, client_regime
from newbi_clients.models import Address, Client, Kind, ViesCheck
from newbi_clients.online import HttpClient, HttpPolicy, Offline, ServiceUnavailable, user_agent
from newbi_clients.storage import ClientStore
from newbi_clients.vies import (
    UNAVAILABLE_CODES,
    RequesterRefused,
    ViesService,
    clients_to_check,
    names_match,
    record,
)
from servers import (
    closed_port,
    serve,
    vies_error,
    vies_invalid,
    vies_number,
    vies_valid,
)

FAST = HttpPolicy(timeout=0.5, retries=2, delay=0.0)


def service(url: str, requester: str | None = None, policy: HttpPolicy = FAST) -> ViesService:
    return ViesService(HttpClient("VIES", policy), url, requester)


def answer_with(body, status: int = 200, delay: float = 0.0):
    return lambda request, n: (status, body, {}, delay)


# --- the HTTP client --------------------------------------------------------------------


def test_user_agent_names_the_program_and_version() -> None:
    from newbi_clients import __version__

    with serve(answer_with({"ok": True})) as server:
        response = HttpClient("test", FAST).get(server.url + "/x")
    assert response.status == 200 and response.json() == {"ok": True}
    assert server.requests[0].headers["User-Agent"] == user_agent()
    assert f"newbi-clients/{__version__}" in user_agent()


def test_http_500_is_retried_then_reported() -> None:
    with serve(answer_with({"error": "boom"}, status=500)) as server:
        client = HttpClient("test", FAST)
        with pytest.raises(ServiceUnavailable, match="HTTP 500"):
            client.get(server.url + "/x")
    assert len(server.requests) == 3 == client.requests  # one try and two retries


def test_retry_stops_at_the_first_good_answer() -> None:
    def flaky(request, n):
        return (503, {}, {}, 0.0) if n == 0 else (200, {"ok": True}, {}, 0.0)

    with serve(flaky) as server:
        assert HttpClient("test", FAST).get(server.url + "/x").json() == {"ok": True}
    assert len(server.requests) == 2


def test_backoff_doubles_and_honours_retry_after() -> None:
    waits: list[float] = []
    with serve(lambda r, n: (429, {}, {"Retry-After": "3"} if n == 1 else {}, 0.0)) as server:
        client = HttpClient("test", HttpPolicy(timeout=1, retries=3, delay=0.5), sleep=waits.append)
        client._last = None
        with pytest.raises(ServiceUnavailable, match="429"):
            client.get(server.url + "/x")
    backoffs = [w for w in waits if w >= 0.5]
    assert backoffs[:3] == [0.5, 3.0, 2.0]  # doubling, Retry-After when it asks for more


def test_timeout_is_per_request_and_bounded() -> None:
    with serve(answer_with({"ok": True}, delay=1.5)) as server:
        client = HttpClient("test", HttpPolicy(timeout=0.2, retries=1, delay=0.0))
        started = time.monotonic()
        with pytest.raises(ServiceUnavailable, match=r"aucune réponse en 0\.2 s"):
            client.get(server.url + "/x")
        elapsed = time.monotonic() - started
    assert client.requests == 2
    assert elapsed < 1.4  # two tries of 0.2 s, not the server's 1.5 s


def test_no_network_fails_at_once_without_retrying() -> None:
    client = HttpClient("VIES", HttpPolicy(timeout=1, retries=3, delay=5.0))
    with pytest.raises(Offline, match="Pas de connexion à VIES"):
        client.get(closed_port() + "/x")
    assert client.requests == 1


def test_requests_are_paced() -> None:
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with serve(answer_with({})) as server:
        client = HttpClient("test", HttpPolicy(delay=0.4), sleep=sleep, clock=lambda: now[0])
        client.get(server.url + "/a")
        now[0] += 0.1
        client.get(server.url + "/b")
    assert waits == [pytest.approx(0.3)]


# --- VIES answers -----------------------------------------------------------------------


def vies_server(behaviour):
    """VIES answering ``behaviour(number, post, n)`` → (status, body, delay)."""

    def answer(request, n):
        status, body, delay = behaviour(vies_number(request), request.method == "POST", n)
        return status, body, {}, delay

    return serve(answer)


def test_valid_number_with_name_and_address() -> None:
    with vies_server(lambda num, post, n: (200, vies_valid(num, post), 0)) as server:
        answer = service(server.url).check("DE136695976")
    assert answer.status == "valid"
    assert answer.name == "Müller Maschinenbau GmbH"
    assert answer.address == "Hauptstraße 1 10115 Berlin"
    assert answer.consultation_number is None  # GET: no requester, no consultation number
    assert server.requests[0].path.endswith("/ms/DE/vat/136695976")


def test_requester_gets_a_consultation_number() -> None:
    with vies_server(lambda num, post, n: (200, vies_valid(num, post), 0)) as server:
        answer = service(server.url + "/check-vat-number", "FR44732829320").check("BE0403170701")
    assert answer.status == "valid" and answer.consultation_number == "WAPIAAAAZ1234567"
    sent = server.requests[0]
    assert sent.method == "POST" and sent.path.endswith("/check-vat-number")
    assert sent.body == {"countryCode": "BE", "vatNumber": "0403170701",
                         "requesterMemberStateCode": "FR", "requesterNumber": "44732829320"}  # fmt: skip


@pytest.mark.parametrize("post", [False, True])
def test_invalid_number(post: bool) -> None:
    with vies_server(lambda num, p, n: (200, vies_invalid(num, p), 0)) as server:
        answer = service(server.url, "FR44732829320" if post else None).check("DE136695976")
    assert answer.status == "invalid" and answer.name is None
    assert len(server.requests) == 1


@pytest.mark.parametrize("code", sorted(UNAVAILABLE_CODES))
def test_each_unavailable_code_is_retried_and_never_invalid(code: str) -> None:
    with vies_server(lambda num, post, n: (200, vies_error(code), 0)) as server:
        answer = service(server.url).check("DE136695976")
    assert answer.status == "unavailable" and answer.detail == code
    assert len(server.requests) == 3  # one try, two retries


def test_unavailable_in_get_user_error_is_not_invalid() -> None:
    body = {"isValid": False, "userError": "MS_UNAVAILABLE", "name": "---", "address": "---"}
    with vies_server(lambda num, post, n: (200, body, 0)) as server:
        answer = service(server.url).check("DE136695976")
    assert answer.status == "unavailable" and answer.detail == "MS_UNAVAILABLE"


def test_busy_then_valid() -> None:
    def behaviour(num, post, n):
        return (
            (200, vies_error("MS_MAX_CONCURRENT_REQ"), 0)
            if n < 2
            else (200, vies_valid(num, post), 0)
        )

    with vies_server(behaviour) as server:
        assert service(server.url).check("DE136695976").status == "valid"
    assert len(server.requests) == 3


def test_slow_vies_is_unavailable() -> None:
    policy = HttpPolicy(timeout=0.2, retries=1, delay=0.0)
    with vies_server(lambda num, post, n: (200, vies_valid(num, post), 1.0)) as server:
        answer = service(server.url, policy=policy).check("DE136695976")
    assert answer.status == "unavailable" and "aucune réponse" in (answer.detail or "")
    assert len(server.requests) == 2


def test_malformed_json_is_unavailable() -> None:
    with vies_server(lambda num, post, n: (200, '{"isValid": tru', 0)) as server:
        answer = service(server.url).check("DE136695976")
    assert answer.status == "unavailable" and "illisible" in (answer.detail or "")


def test_http_500_is_unavailable_after_retries() -> None:
    with vies_server(lambda num, post, n: (500, "Internal Server Error", 0)) as server:
        answer = service(server.url).check("DE136695976")
    assert answer.status == "unavailable" and "HTTP 500" in (answer.detail or "")
    assert len(server.requests) == 3


def test_refused_requester_is_an_error() -> None:
    refused = vies_server(lambda num, post, n: (400, vies_error("INVALID_REQUESTER_INFO"), 0))
    with refused as server, pytest.raises(RequesterRefused, match="FR44732829320"):
        service(server.url, "FR44732829320").check("DE136695976")


# --- what is stored, and the regime -----------------------------------------------------


def _german(store: ClientStore, name: str = "Müller Maschinenbau") -> Client:
    client = Client(name=name, kind=Kind.BUSINESS, vat_number="DE136695976",
                    billing_address=Address("Hauptstraße 1", None, "10115", "Berlin", "DE"))  # fmt: skip
    return store.add(client)


def _check(store: ClientStore, client: Client, behaviour) -> Client:
    with vies_server(behaviour) as server:
        answer = service(server.url).check(client.vat_number or "")
    return record(store, client, answer, None)


VALID = lambda num, post, n: (200, vies_valid(num, post), 0)  # noqa: E731
INVALID = lambda num, post, n: (200, vies_invalid(num, post), 0)  # noqa: E731
DOWN = lambda num, post, n: (200, vies_error("MS_UNAVAILABLE"), 0)  # noqa: E731


def test_never_checked_keeps_reverse_charge_with_a_warning(store: ClientStore) -> None:
    client = _german(store)
    assert client.vies == ViesCheck("not_checked")
    regime = client_regime(client)
    assert regime.code == "reverse_charge" and "non vérifié dans VIES" in (regime.warning or "")


def test_valid_gives_reverse_charge_without_warning(store: ClientStore) -> None:
    client = _check(store, _german(store), VALID)
    assert client.vies is not None and client.vies.status == "valid"
    assert client.vies.name == "Müller Maschinenbau GmbH" and client.vies.checked_at
    regime = client_regime(client)
    assert regime.code == "reverse_charge" and regime.warning is None


def test_invalid_gives_french_vat_with_a_warning(store: ClientStore) -> None:
    client = _check(store, _german(store), INVALID)
    regime = client_regime(client)
    assert regime.code == "french_vat" and "invalide" in (regime.warning or "")


def test_unavailable_keeps_reverse_charge_with_a_warning(store: ClientStore) -> None:
    client = _check(store, _german(store), DOWN)
    assert client.vies is not None and client.vies.status == "unavailable"
    regime = client_regime(client)
    assert regime.code == "reverse_charge" and "indisponible" in (regime.warning or "")


def test_unavailable_never_replaces_a_conclusive_answer(store: ClientStore) -> None:
    client = _check(store, _german(store), INVALID)
    client = _check(store, client, DOWN)
    assert client.vies is not None and client.vies.status == "invalid"
    client = _check(store, client, VALID)
    client = _check(store, client, DOWN)
    assert client.vies is not None and client.vies.status == "valid"
    rows = store.execute("SELECT status FROM vies_checks ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["invalid", "unavailable", "valid", "unavailable"]


def test_franchise_overrides_every_status(store: ClientStore) -> None:
    client = _check(store, _german(store), INVALID)
    assert client_regime(client, SellerSettings(vat_franchise=True)).code == "franchise"


def test_a_new_vat_number_is_not_checked(store: ClientStore) -> None:
    client = _check(store, _german(store), VALID)
    client.vat_number = "ATU13585627"
    client = store.update(client)
    assert client.vies == ViesCheck("not_checked")


def test_clients_to_check_and_stale(store: ClientStore) -> None:
    checked = _check(store, _german(store), VALID)
    other = store.add(Client(name="Brasserie", kind=Kind.BUSINESS, vat_number="BE0403170701",
                             billing_address=Address(country="BE")))  # fmt: skip
    store.add(Client(name="Sans numéro", kind=Kind.BUSINESS, billing_address=Address(country="BE")))
    store.add(Client(name="Suisse", kind=Kind.BUSINESS, vat_number="CHE116281710MWST",
                     billing_address=Address(country="CH")))  # fmt: skip
    assert [c.id for c in clients_to_check(store)] == [other.id, checked.id]
    assert [c.id for c in clients_to_check(store, 30)] == [other.id]
    store.execute("UPDATE vies_checks SET checked_at = '2020-01-01T00:00:00+00:00'")
    assert [c.id for c in clients_to_check(store, 30)] == [other.id, checked.id]


def test_names_compared_without_accents_case_or_legal_form() -> None:
    client = Client(name="Muller Maschinenbau", kind=Kind.BUSINESS)
    assert names_match(client, "MÜLLER MASCHINENBAU GMBH") is True
    assert names_match(client, "Müller Maschinenbau GmbH & Co. KG") is True
    assert names_match(client, "Schmidt AG") is False
    assert names_match(client, None) is None


def test_migration_from_a_database_of_the_previous_schema(tmp_path: Path) -> None:
    """A book made before the VIES checks (by the migrations that came before) opens,
    gains the table, and keeps its clients, not checked."""
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    before_vies = schema.MIGRATIONS.index(schema._v5_vies_checks)
    for step, migration in enumerate(schema.MIGRATIONS[:before_vies], start=1):
        migration(db)
        conn.execute(f"PRAGMA user_version = {step}")
    from newbi_clients.rows import client_to_row

    values = client_to_row(Client(name="Müller", kind=Kind.BUSINESS, vat_number="DE136695976",
                                  billing_address=Address(country="DE")))  # fmt: skip
    values.update(created_at="2026-01-01T00:00:00+00:00", updated_at="2026-01-01T00:00:00+00:00")
    db.table("clients").insert(values)
    conn.close()
    with ClientStore(path) as store:
        assert store.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        client = store.resolve("DE136695976")
        assert client.vies == ViesCheck("not_checked")
        client = _check(store, client, VALID)
        assert client.vies is not None and client.vies.status == "valid"


def test_a_cut_connection_is_retried() -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    accepted: list[int] = []

    def cut() -> None:  # accept, read the request, close without answering
        for _ in range(3):
            conn, _ = listener.accept()
            conn.recv(65536)
            accepted.append(1)
            conn.close()

    thread = threading.Thread(target=cut, daemon=True)
    thread.start()
    client = HttpClient("test", FAST)
    with pytest.raises(ServiceUnavailable, match="interrompue ou invalide"):
        client.get(f"http://127.0.0.1:{port}/x")
    thread.join(2)
    listener.close()
    assert client.requests == 3 and len(accepted) == 3
