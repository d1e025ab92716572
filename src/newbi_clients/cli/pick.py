"""``pick``: an interactive client selector for invoicing scripts."""

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from newbi_clients.cli.common import interactive, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

NEW_CLIENT = "Nouveau client"
_PICKED = re.compile(r"^#(\d+)\b")


def _completer(store: "ClientStore") -> Any:
    from prompt_toolkit.completion import Completer, Completion

    from newbi_clients.search import ClientQuery

    class ClientCompleter(Completer):
        """Completions from the search index, « Nouveau client » first."""

        def get_completions(self, document: Any, complete_event: Any) -> "Iterator[Any]":
            text = document.text_before_cursor
            yield Completion(
                NEW_CLIENT, start_position=-len(text), display=f"+ {NEW_CLIENT}",
                display_meta="créer un client",
            )  # fmt: skip
            if _PICKED.match(text):
                return
            query = ClientQuery(text=text.strip() or None, limit=15)
            try:
                clients = list(store.iter_clients(query))
            except Exception:  # a half-typed filter (« zone:eu ») is not an error yet
                return
            for client in clients:
                address = client.billing_address
                meta = " · ".join(
                    p
                    for p in (
                        client.email,
                        address.city if address else None,
                        client.siret or client.vat_number,
                    )
                    if p
                )
                shown = f"#{client.id} {client.display_name}"
                if client.blocked:  # plainly, before anything else
                    meta = f"BLOQUÉ : {client.blocked.reason}" + (f" · {meta}" if meta else "")
                yield Completion(
                    shown, start_position=-len(text),
                    display=shown + (" [BLOQUÉ]" if client.blocked else ""), display_meta=meta,
                )  # fmt: skip

    return ClientCompleter()


def pick() -> None:
    """Choisit un client de façon interactive et affiche son identifiant.

    Tapez quelques lettres (nom, email, ville, SIRET…) et choisissez dans la liste ; le
    premier choix, « Nouveau client » (Entrée tout de suite), pose les questions de « add ». L'identifiant
    choisi ou créé est écrit seul sur la sortie standard.

    Exemple : client=$(newbi-clients pick) && facturer --client "$client"
    """
    import questionary

    from newbi_clients.cli.add import create_client
    from newbi_clients.cli.prompts import _output, wrap_validation
    from newbi_clients.errors import AmbiguousClient, NewbiError, ValidationFailed

    if not interactive():
        raise ValidationFailed.single(
            "pick", None,
            "« pick » a besoin d'un terminal pour poser ses questions ; dans un script,"
            " utilisez « newbi-clients search … --format ids ».",
        )  # fmt: skip
    with open_store(write=True) as store:

        def reference(answer: str) -> str:
            picked = _PICKED.match(answer.strip())  # « #12 Nom » from the list
            return f"#{picked.group(1)}" if picked else answer

        def validate(answer: str) -> bool | str:
            if answer.strip() in ("", NEW_CLIENT):  # Enter on the first entry: a new client
                return True
            try:
                store.resolve(reference(answer))
            except AmbiguousClient as exc:
                return (
                    f"{len(exc.candidates)} clients ou plus correspondent à « {answer.strip()} » :"
                    " tapez la suite, ou choisissez dans la liste (flèches)"
                )
            except NewbiError as exc:
                return exc.message.splitlines()[0]
            return True

        question = questionary.autocomplete(
            "Client (tapez pour chercher) :", choices=[], completer=_completer(store),
            validate=validate, output=_output(),
        )  # fmt: skip
        application = wrap_validation(question).application
        # open the list at once, so that « Nouveau client » and the first clients show
        application.pre_run_callables.append(
            lambda: application.current_buffer.start_completion(select_first=False)
        )
        answer = question.unsafe_ask()
        answer = str(answer).strip()
        if answer in ("", NEW_CLIENT):
            client_id = create_client(store, {}, [], False, True).id
        else:
            chosen = resolve(store, reference(answer))
            client_id = chosen.id
            if chosen.blocked:
                from newbi_clients.blocking import french_date
                from newbi_clients.cli.render import warn

                warn(
                    f"#{chosen.id} {chosen.display_name} est bloqué depuis le"
                    f" {french_date(chosen.blocked.at)} : {chosen.blocked.reason}"
                )
    print(client_id)
