"""The one HTTP client of the online checks (VIES and the company register).

Nothing in newbi-clients goes online unless a command asks for it (``vies``,
``lookup``, ``add --lookup``). Requests go through the standard library (urllib): a
timeout on every request, a few retries with a doubling wait when the service is busy or
slow (HTTP 429 and 5xx, a timeout, or an answer the caller says is worth retrying), a
minimum interval between two requests to the same service, and a User-Agent naming the
program and its version. No network at all is reported at once, without retrying.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from newbi_clients.errors import NewbiError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_S = 30.0  # the longest wait between two tries, whatever Retry-After asks


class Offline(NewbiError):
    """The service cannot be reached at all (no network, unknown host, refused)."""

    def __init__(self, service: str, reason: str) -> None:
        super().__init__(
            f"Pas de connexion à {service} ({reason}) : vérifiez votre accès à Internet ;"
            " rien n'a été modifié."
        )


class _Transient(Exception):
    """A try that failed in a way worth trying again (timeout, cut connection)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ServiceUnavailable(NewbiError):
    """The service answered, but not usefully, after every try (busy, slow, broken)."""

    def __init__(self, service: str, reason: str, status: int | None = None) -> None:
        self.reason = reason
        self.status = status
        super().__init__(f"{service} ne répond pas correctement ({reason}) : réessayez plus tard.")


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Timeout, retries and pacing of the requests to one service."""

    timeout: float = 10.0
    retries: int = 3
    delay: float = 1.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> HttpPolicy:
        """The policy the ``online.*`` settings give (defaults for what is unset)."""
        from newbi_clients.settings import ONLINE_SETTINGS

        return cls(
            timeout=float(settings.get("online.timeout") or ONLINE_SETTINGS["online.timeout"][0]),
            retries=int(settings.get("online.retries") or ONLINE_SETTINGS["online.retries"][0]),
            delay=float(settings.get("online.delay") or ONLINE_SETTINGS["online.delay"][0]),
        )


@dataclass(frozen=True, slots=True)
class Response:
    """An HTTP answer: status, body and the headers that matter here."""

    status: int
    body: bytes
    retry_after: float | None = None

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


def user_agent() -> str:
    """The program and its version: « newbi-clients/0.1.0 »."""
    from newbi_clients import __version__

    return f"newbi-clients/{__version__}"


@dataclass(slots=True)
class HttpClient:
    """JSON requests to one service, with the policy's timeout, retries and pacing."""

    service: str  # its French name, for messages: « VIES », « l'annuaire des entreprises »
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    requests: int = 0  # how many requests went out (retries included)
    _last: float | None = None

    def get(self, url: str, retry_if: Callable[[Response], bool] | None = None) -> Response:
        """GET ``url``; see :meth:`send`."""
        return self.send("GET", url, None, retry_if)

    def post(
        self, url: str, payload: Any, retry_if: Callable[[Response], bool] | None = None
    ) -> Response:
        """POST ``payload`` as JSON to ``url``; see :meth:`send`."""
        return self.send("POST", url, payload, retry_if)

    def send(
        self,
        method: str,
        url: str,
        payload: Any = None,
        retry_if: Callable[[Response], bool] | None = None,
    ) -> Response:
        """Send a request and return the answer, trying again while it is worth it.

        :raises Offline: when the service cannot be reached at all.
        :raises ServiceUnavailable: when every try timed out or was answered 429/5xx.
        """
        wait = self.policy.delay
        for attempt in range(self.policy.retries + 1):
            last = attempt == self.policy.retries
            try:
                response = self._once(method, url, payload)
            except _Transient as exc:
                if last:
                    raise ServiceUnavailable(self.service, exc.reason) from None
                retry_after = None
            else:
                worth_retrying = response.status in RETRY_STATUSES or bool(
                    retry_if and retry_if(response)
                )
                if not worth_retrying:
                    return response
                if last:
                    if response.status in RETRY_STATUSES:
                        reason = _status_reason(response.status)
                        raise ServiceUnavailable(self.service, reason, response.status)
                    return response
                retry_after = response.retry_after
            self.sleep(min(MAX_WAIT_S, max(wait, retry_after or 0.0)))
            wait *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _pace(self) -> None:
        """Keep at least ``policy.delay`` between two requests (a small rate limit)."""
        if self._last is not None:
            gap = self.policy.delay - (self.clock() - self._last)
            if gap > 0:
                self.sleep(gap)
        self._last = self.clock()

    def _once(self, method: str, url: str, payload: Any) -> Response:
        import http.client
        import socket
        import urllib.error
        import urllib.request

        self._pace()
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        headers = {"User-Agent": user_agent(), "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        self.requests += 1
        slow = _Transient(f"aucune réponse en {self.policy.timeout:g} s")
        try:
            with urllib.request.urlopen(request, timeout=self.policy.timeout) as answer:
                return Response(answer.status, answer.read(), _retry_after(answer.headers))
        except urllib.error.HTTPError as exc:
            body = exc.read() if exc.fp is not None else b""
            return Response(exc.code, body, _retry_after(exc.headers))
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise slow from None
            raise Offline(self.service, _network_reason(exc.reason)) from None
        except TimeoutError:
            raise slow from None
        except (ConnectionResetError, http.client.HTTPException) as exc:
            # the service cut the connection or answered garbage: worth another try
            raise _Transient(f"réponse interrompue ou invalide : {type(exc).__name__}") from None
        except OSError as exc:
            raise Offline(self.service, _network_reason(exc)) from None


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _status_reason(status: int) -> str:
    if status == 429:
        return "trop de requêtes (HTTP 429), le service limite leur nombre"
    return f"erreur du service, HTTP {status}"


def _network_reason(reason: object) -> str:
    import socket

    if isinstance(reason, socket.gaierror):
        return "adresse du service introuvable"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(reason, ConnectionError):
        return "connexion interrompue"
    return str(reason) or type(reason).__name__
