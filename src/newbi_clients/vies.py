"""Online check of VAT numbers in VIES, the EU's register, and the checks kept as proof.

VIES REST API (the European Commission's public service, described by its OpenAPI file
https://ec.europa.eu/assets/taxud/vow-information/swagger_publicVAT.yaml):

- ``GET {url}/ms/{country}/vat/{number}`` answers
  ``{"isValid": true, "requestDate": "…", "userError": "VALID", "name": "…",
  "address": "…", "requestIdentifier": "", …}``; when the member state cannot answer,
  ``isValid`` is false and ``userError`` names the reason (``MS_UNAVAILABLE``…).
- ``POST {url}/check-vat-number`` with ``{"countryCode", "vatNumber",
  "requesterMemberStateCode", "requesterNumber"}`` (the seller's own number) answers
  ``{"valid": true, "requestDate", "name", "address", "requestIdentifier", …}``; the
  request identifier is the consultation number that proves the check was made.
- A refused request answers ``{"actionSucceed": false, "errorWrappers": [{"error":
  "MS_MAX_CONCURRENT_REQ", "message": "…"}]}``. The codes ``SERVICE_UNAVAILABLE``,
  ``MS_UNAVAILABLE``, ``MS_MAX_CONCURRENT_REQ``, ``GLOBAL_MAX_CONCURRENT_REQ`` and
  ``TIMEOUT`` mean « try again later », never « invalid »; a name or address VIES
  does not give is ``---``.

Only an explicit ``valid: false`` makes a number invalid: a busy, slow, broken or
unreadable answer is ``unavailable``, which keeps the last conclusive answer in force.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from newbi_clients.errors import NewbiError
from newbi_clients.fiscal import EU_COUNTRIES
from newbi_clients.models import Client, Kind, ViesCheck

if TYPE_CHECKING:
    from newbi_clients.online import HttpClient, Response
    from newbi_clients.storage import ClientStore

DEFAULT_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"
# VAT prefixes VIES knows: the member states (Greece as EL) and Northern Ireland (XI)
VIES_PREFIXES = frozenset({*(c for c in EU_COUNTRIES if c != "GR"), "EL", "XI"})
UNAVAILABLE_CODES = frozenset(
    {
        "SERVICE_UNAVAILABLE",
        "MS_UNAVAILABLE",
        "MS_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "TIMEOUT",
    }
)
STALE_DAYS = 30  # ``list --vies stale``: the last answer is older than this
_PREFIXES_SQL = ", ".join(f"'{p}'" for p in sorted(VIES_PREFIXES))
_EFFECTIVE = (
    "FROM vies_checks v WHERE v.client_id = c.id AND v.vat_number = c.vat_number"
    " ORDER BY v.status = 'unavailable', v.id DESC LIMIT 1"
)
# the client's VIES check as a JSON array (status, checked_at, name, address, number)
CHECK_SQL = (
    "CASE WHEN c.vat_number IS NULL THEN NULL ELSE (SELECT json_array(v.status,"
    f" v.checked_at, v.name, v.address, v.consultation_number) {_EFFECTIVE}) END AS vies_json"
)
_CHECKABLE_SQL = f"c.vat_number IS NOT NULL AND substr(c.vat_number, 1, 2) IN ({_PREFIXES_SQL})"
_STATUS_SQL = f"coalesce((SELECT v.status {_EFFECTIVE}), 'not_checked')"
_CHECKED_AT_SQL = f"(SELECT v.checked_at {_EFFECTIVE})"
FILTERS = ("valid", "invalid", "unavailable", "not_checked", "stale")


def is_checkable(vat_number: str | None) -> bool:
    """Whether VIES knows numbers with this prefix (EU member states and XI)."""
    return bool(vat_number) and str(vat_number)[:2] in VIES_PREFIXES


def check_of(vat_number: str | None, vies_json: str | None) -> ViesCheck | None:
    """The check of a client read from :data:`CHECK_SQL`: None without a VIES number."""
    if not is_checkable(vat_number):
        return None
    if not vies_json:
        return ViesCheck("not_checked")
    status, checked_at, name, address, number = json.loads(vies_json)
    return ViesCheck(status, checked_at, name, address, number)


def filter_condition(which: str, now: datetime | None = None) -> tuple[str, list[object]]:
    """SQL condition (on clients ``c``) and parameters for ``list --vies WHICH``.

    :raises ValidationFailed: for an unknown status.
    """
    from newbi_clients.errors import ValidationFailed

    key = which.strip().lower().replace("-", "_")
    if key not in FILTERS:
        raise ValidationFailed.single(
            "vies", which, f"Statut VIES inconnu : « {which} » ({', '.join(FILTERS)})"
        )
    if key == "stale":
        cutoff = (now or datetime.now(UTC)) - timedelta(days=STALE_DAYS)
        stamp = cutoff.isoformat(timespec="seconds")
        return f"{_CHECKABLE_SQL} AND {_CHECKED_AT_SQL} < ?", [stamp]
    return f"{_CHECKABLE_SQL} AND {_STATUS_SQL} = ?", [key]


@dataclass(frozen=True, slots=True)
class ViesAnswer:
    """What one check found: a status, and what VIES said with it."""

    status: str  # valid | invalid | unavailable
    name: str | None = None
    address: str | None = None
    consultation_number: str | None = None
    detail: str | None = None  # why the check is unavailable (a VIES code, a timeout…)


class RequesterRefused(NewbiError):
    """VIES refuses the seller's own VAT number given as requester."""

    def __init__(self, number: str) -> None:
        super().__init__(
            f"VIES refuse votre numéro de TVA {number} comme demandeur : vérifiez-le"
            " (newbi-clients config set seller_vat_number …) ou effacez-le."
        )


def error_code(data: Any) -> str | None:
    """The error code of a VIES answer (``errorWrappers`` or ``userError``), if any."""
    if not isinstance(data, dict):
        return None
    wrappers = data.get("errorWrappers")
    if isinstance(wrappers, list) and wrappers and isinstance(wrappers[0], dict):
        return str(wrappers[0].get("error") or "") or None
    user_error = data.get("userError")
    if user_error and user_error not in ("VALID", "INVALID"):
        return str(user_error)
    return None


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value is not None else ""
    return None if text in ("", "---") else text


def parse_answer(response: Response) -> ViesAnswer:
    """The answer of one VIES response (see the module docstring for its shapes)."""
    data = response.json()
    if not isinstance(data, dict):
        return ViesAnswer("unavailable", detail=f"réponse illisible (HTTP {response.status})")
    code = error_code(data)
    if code:
        return ViesAnswer("unavailable", detail=code)
    valid = data.get("valid", data.get("isValid"))
    if valid is not True and valid is not False:
        return ViesAnswer("unavailable", detail=f"réponse sans résultat (HTTP {response.status})")
    if not valid:
        return ViesAnswer("invalid", consultation_number=_text(data.get("requestIdentifier")))
    return ViesAnswer(
        "valid",
        _text(data.get("name")),
        _text(data.get("address")),
        _text(data.get("requestIdentifier")),
    )


def _worth_retrying(response: Response) -> bool:
    return error_code(response.json()) in UNAVAILABLE_CODES


@dataclass(slots=True)
class ViesService:
    """VIES at ``url`` (``vies.url``), asked with the seller's number when it is known."""

    http: HttpClient
    url: str = DEFAULT_URL
    requester: str | None = None

    def check(self, vat_number: str) -> ViesAnswer:
        """Ask VIES about one number (compact, with its prefix).

        :raises Offline: without network.
        :raises RequesterRefused: if VIES refuses the seller's number.
        """
        from newbi_clients.online import ServiceUnavailable

        base = self.url.rstrip("/").removesuffix("/check-vat-number")
        country, number = vat_number[:2], vat_number[2:]
        try:
            if self.requester:
                payload = {
                    "countryCode": country,
                    "vatNumber": number,
                    "requesterMemberStateCode": self.requester[:2],
                    "requesterNumber": self.requester[2:],
                }
                response = self.http.post(f"{base}/check-vat-number", payload, _worth_retrying)
            else:
                response = self.http.get(f"{base}/ms/{country}/vat/{number}", _worth_retrying)
        except ServiceUnavailable as exc:
            return ViesAnswer("unavailable", detail=exc.reason)
        answer = parse_answer(response)
        if answer.detail == "INVALID_REQUESTER_INFO" and self.requester:
            raise RequesterRefused(self.requester)
        return answer


def record(store: ClientStore, client: Client, answer: ViesAnswer, requester: str | None) -> Client:
    """Keep a check of the client's current VAT number; returns the client as it now is."""
    from newbi_clients.storage import now

    assert client.id is not None and client.vat_number
    stamp = now()
    with store.transaction():
        store.execute(
            "INSERT INTO vies_checks (client_id, vat_number, status, checked_at, name, address,"
            " consultation_number, requester, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [client.id, client.vat_number, answer.status, stamp, answer.name, answer.address,
             answer.consultation_number, requester, answer.detail],
        )  # fmt: skip
        details = {"vat_number": client.vat_number, "status": answer.status}
        if answer.consultation_number:
            details["consultation_number"] = answer.consultation_number
        store.audit("vies", client.id, None, None, details)
    return store.get(client.id)


def clients_to_check(store: ClientStore, stale_days: int | None = None) -> list[Client]:
    """Active business clients with a VAT number VIES knows; with ``stale_days``, only
    those without a conclusive answer of the last ``stale_days`` days."""
    from newbi_clients.clauses import status_condition

    business = f"{status_condition('active', 'c')} AND c.kind = 'business'"
    sql = f"SELECT c.id FROM clients c WHERE {business} AND {_CHECKABLE_SQL}"
    params: list[object] = []
    if stale_days is not None:
        cutoff = datetime.now(UTC) - timedelta(days=stale_days)
        sql += f" AND ({_STATUS_SQL} IN ('not_checked', 'unavailable') OR {_CHECKED_AT_SQL} < ?)"
        params.append(cutoff.isoformat(timespec="seconds"))
    ids = [r[0] for r in store.execute(sql + " ORDER BY c.sort_name, c.id", params)]
    return [store.get(i) for i in ids]


# Legal forms left out when VIES's name is compared with the client's
LEGAL_FORMS = frozenset(
    "sa sas sasu sarl eurl sci snc sca scop selarl selas eirl ei ste societe cie"
    " gmbh ag kg ohg ug mbh co kgaa ev ltd limited plc llc inc bv bvba nv sprl srl srls spa"
    " sl slu sau lda oy oyj ab aps as asa sro spol zoo sp kft doo dd ooo eood ead"
    " se".split()
)


def name_key(name: str) -> tuple[str, ...]:
    """The words of a name without case, accents, punctuation or legal form."""
    from newbi_clients.text import fold

    words = "".join(c if c.isalnum() else " " for c in fold(name)).split()
    return tuple(w for w in words if w not in LEGAL_FORMS)


def names_match(client: Client, vies_name: str | None) -> bool | None:
    """Whether VIES's name is the client's (None when VIES gave no name): the same words,
    or the words of one all within the other's, once legal forms are set aside."""
    if not vies_name:
        return None
    ours = set(name_key(client.display_name))
    theirs = set(name_key(vies_name))
    if not ours or not theirs:
        return None
    return ours <= theirs or theirs <= ours


def is_business_in_vies(client: Client) -> bool:
    """A business client whose VAT number VIES can check."""
    return client.kind is Kind.BUSINESS and is_checkable(client.vat_number)
