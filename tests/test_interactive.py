"""Interactive flows in a real pseudo-terminal (pexpect), as a user types them."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from newbi_clients.storage import ClientStore

DOWN = "\x1b[B"
ENTER = "\r"


def spawn(db_path: Path, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "NEWBI_CLIENTS_DB": str(db_path),
        "TERM": "xterm",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "LINES": "40",
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "newbi_clients", *args],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    return child


def answer(child: pexpect.spawn, question: str, keys: str = "") -> None:
    child.expect_exact(question)
    child.send(keys + ENTER)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def printed_id(child: pexpect.spawn) -> int:
    """The id printed last, once the program has ended with exit code 0."""
    child.expect(pexpect.EOF)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    child.close()
    assert child.exitstatus == 0
    return int(text.strip().splitlines()[-1])


def test_add_individual(db_path: Path) -> None:
    child = spawn(db_path, "add")
    answer(child, "Type de client")  # Particulier is first
    answer(child, "Nom :", "Dupré")
    answer(child, "Prénom :", "Éléonore")
    answer(child, "Pays :")  # France by default
    answer(child, "Email :", "eleonore@exemple.fr")
    answer(child, "Téléphone :", "06 12 34 56 78")
    answer(child, "Adresse :", "3 place Bellecour")
    answer(child, "Complément d'adresse :")
    answer(child, "Code postal :", "69002")
    answer(child, "Ville :", "Lyon")
    answer(child, "Adresse de livraison différente")  # Non
    answer(child, "Délai de paiement")
    answer(child, "Fin de mois")
    answer(child, "Mode de paiement")
    answer(child, "Remise")
    answer(child, "Devise")
    answer(child, "Secteur")
    answer(child, "Segment")
    answer(child, "Tags", "VIP")
    answer(child, "Note :", "Rencontrée au salon")
    child.expect(r"Client #(\d+) créé")
    assert "SIRET" not in (child.before or "")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        client = store.resolve("eleonore")
    assert client.first_name == "Éléonore" and client.phone == "+33612345678"
    assert client.kind.value == "individual" and client.tags == ["VIP"]
    assert [n.text for n in client.notes] == ["Rencontrée au salon"]


def test_add_french_business_asks_siret_again_when_invalid(db_path: Path) -> None:
    child = spawn(db_path, "add", "--email", "contact@acme.fr")
    answer(child, "Type de client", DOWN)
    answer(child, "Raison sociale :", "ACME SAS")
    answer(child, "Pays :")
    answer(child, "Chercher l'entreprise dans l'annuaire")  # Non: nothing goes online
    # --email was given: no email question
    answer(child, "Téléphone :")
    answer(child, "Adresse :")
    answer(child, "Complément d'adresse :")
    answer(child, "Code postal :", "1000")
    child.expect_exact("Code postal invalide")
    child.send("\x15" + "01000" + ENTER)  # Ctrl-U clears the line
    answer(child, "Ville :", "Bourg-en-Bresse")
    answer(child, "Adresse de livraison différente")  # Non
    answer(child, "SIRET", "732 829 320 00075")
    child.expect_exact("SIRET invalide")
    child.send("\x08" + "4" + ENTER)  # fix the last digit
    child.expect_exact("FR44732829320")  # VAT number suggested from the SIREN
    child.send(ENTER)
    for question in ("Délai", "Fin de mois", "Mode de paiement", "Remise", "Devise",
                     "Secteur", "Segment", "Tags", "Note"):  # fmt: skip
        answer(child, question)
    child.expect(r"Client #(\d+) créé")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        client = store.resolve("acme")
    assert client.siret == "73282932000074"
    assert client.vat_number == "FR44732829320"
    assert client.email == "contact@acme.fr"
    assert client.billing_address and client.billing_address.postal_code == "01000"


def test_add_german_business_asks_vat_not_siret(db_path: Path) -> None:
    child = spawn(db_path, "add", "--format", "json")
    answer(child, "Type de client", DOWN)
    answer(child, "Raison sociale :", "Müller GmbH")
    answer(child, "Pays :", "\x15Allemagne")
    answer(child, "Email :")
    answer(child, "Téléphone :", "+49 30 1234567")
    answer(child, "Adresse :", "Hauptstraße 1")
    answer(child, "Complément d'adresse :")
    answer(child, "Code postal :", "10115")
    answer(child, "Ville :", "Berlin")
    answer(child, "Adresse de livraison différente")  # Non
    child.expect_exact("Numéro de TVA intracommunautaire")
    assert "SIRET" not in (child.before or "")
    child.send("DE136695976" + ENTER)
    for question in ("Délai", "Fin de mois", "Mode de paiement", "Remise", "Devise",
                     "Secteur", "Segment", "Tags", "Note"):  # fmt: skip
        answer(child, question)
    child.expect_exact('"vat_regime"')
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        client = store.resolve("müller")
    assert client.country == "DE" and client.vat_number == "DE136695976"


def test_duplicate_flag_is_named_before_any_question_and_the_menu_comes_back(
    db_path: Path,
) -> None:
    with ClientStore(db_path) as store:
        from newbi_clients.builder import build_client

        store.add(build_client({"name": "ACME SAS", "email": "contact@acme.fr"}).client)
    child = spawn(db_path, "add", "--name", "Autre", "--email", "CONTACT@acme.fr", "--kind",
                  "particulier", "--country", "FR")  # fmt: skip
    child.expect_exact("Client déjà existant")  # before the first question
    assert "Prénom" not in (child.before or "")
    answer(child, "Que voulez-vous faire")  # show the existing client
    child.expect_exact("ACME SAS")
    child.expect_exact("Que voulez-vous faire")  # the choice again, nothing lost
    child.send(DOWN + DOWN + DOWN + ENTER)  # cancel
    child.expect_exact("rien n'a été créé")
    assert finish(child) == 1
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 1


def test_duplicate_shown_then_created_anyway_keeps_every_answer(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        from newbi_clients.builder import build_client

        store.add(build_client({"name": "Ancien", "email": "lea@exemple.fr"}).client)
    child = spawn(db_path, "add", "--kind", "particulier")
    answer(child, "Nom :", "Martin")
    answer(child, "Prénom :", "Léa")
    answer(child, "Pays :")
    answer(child, "Email :", "lea@exemple.fr")
    answer(child, "Téléphone :", "0612345678")
    for question in ("Adresse :", "Complément", "Code postal", "Ville",
                     "Adresse de livraison différente", "Délai", "Fin de mois",
                     "Mode de paiement", "Remise", "Devise", "Secteur", "Segment", "Tags"):  # fmt: skip
        answer(child, question)
    answer(child, "Note :", "Vue au salon")
    child.expect_exact("Client déjà existant")
    answer(child, "Que voulez-vous faire")  # show
    child.expect_exact("Ancien")
    answer(child, "Que voulez-vous faire", DOWN + DOWN)  # create anyway
    assert "--allow-duplicate" not in (child.before or "")
    new_id = printed_id(child)
    with ClientStore(db_path) as store:
        created = store.get(new_id)
    assert (created.name, created.first_name, created.phone) == ("Martin", "Léa", "+33612345678")
    assert [n.text for n in created.notes] == ["Vue au salon"]


def test_edit_prefills_current_values(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        from newbi_clients.builder import build_client

        store.add(build_client({"name": "Durand", "first_name": "Paul", "city": "Nantes"}).client)
    child = spawn(db_path, "edit", "durand", "--format", "json")
    answer(child, "Type de client")
    answer(child, "Nom :")  # keeps « Durand »
    answer(child, "Prénom :")
    answer(child, "Pays :")
    answer(child, "Email :", "paul@durand.fr")
    for question in ("Téléphone", "Adresse :", "Complément", "Code postal"):
        answer(child, question)
    child.expect_exact("Ville :")
    child.expect_exact("Nantes")
    child.send(ENTER)
    for question in ("Adresse de livraison différente", "Délai", "Fin de mois", "Mode de paiement", "Remise", "Devise", "Secteur",
                     "Segment", "Tags"):  # fmt: skip
        answer(child, question)
    child.expect_exact('"email": "paul@durand.fr"')
    assert finish(child) == 0


def test_ctrl_c_exits_130_and_writes_nothing(db_path: Path) -> None:
    child = spawn(db_path, "add")
    child.expect_exact("Type de client")
    child.sendintr()
    assert finish(child) == 130
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


@pytest.mark.parametrize("command", [("add", "--no-input", "--name", "Sans question")])
def test_no_input_never_asks_even_in_a_terminal(db_path: Path, command: tuple[str, ...]) -> None:
    child = spawn(db_path, *command)
    child.expect(r"(\d+)\r?\n")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        rows = store.db.execute("SELECT name FROM clients").fetchall()
    assert json.loads(json.dumps(rows)) == [["Sans question"]]


def _seed_two(db_path: Path) -> dict[str, int]:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        a = store.add(build_client({"name": "ACME SAS", "city": "Paris"}).client)
        b = store.add(build_client({"name": "Dupont", "first_name": "Jean"}).client)
    return {"acme": a.id or 0, "dupont": b.id or 0}


def test_pick_existing_client_prints_its_id(db_path: Path) -> None:
    ids = _seed_two(db_path)
    child = spawn(db_path, "pick")
    child.expect_exact("Nouveau client")  # offered first, before typing anything
    child.send("dupo")
    child.expect_exact(f"#{ids['dupont']} Jean Dupont")
    child.send(DOWN + DOWN + ENTER)  # past « Nouveau client » to the match
    assert printed_id(child) == ids["dupont"]


def test_pick_new_client_runs_the_add_flow(db_path: Path) -> None:
    _seed_two(db_path)
    child = spawn(db_path, "pick")
    child.expect_exact("Nouveau client")
    child.send(DOWN + ENTER)
    answer(child, "Type de client")
    answer(child, "Nom :", "Martin")
    for question in ("Prénom", "Pays", "Email", "Téléphone", "Adresse :", "Complément",
                     "Code postal", "Ville", "Adresse de livraison différente", "Délai", "Fin de mois", "Mode de paiement",
                     "Remise", "Devise", "Secteur", "Segment", "Tags", "Note"):  # fmt: skip
        answer(child, question)
    child.expect(r"Client #(\d+) créé")
    new_id = int(child.match.group(1))
    assert printed_id(child) == new_id
    with ClientStore(db_path) as store:
        assert store.get(new_id).name == "Martin"


def test_duplicate_can_complete_the_existing_client(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        existing = store.add(build_client({"name": "ACME SAS", "email": "contact@acme.fr"}).client)
    child = spawn(db_path, "add", "--kind", "professionnel", "--name", "ACME", "--email",
                  "CONTACT@acme.fr", "--phone", "0142000000", "--country", "FR")  # fmt: skip
    child.expect_exact("Client déjà existant")
    answer(child, "Que voulez-vous faire", DOWN)  # complete it with the flags, no question
    child.expect_exact(f"Client #{existing.id} complété")
    assert printed_id(child) == existing.id
    with ClientStore(db_path) as store:
        client = store.get(existing.id or 0)
        assert client.phone == "+33142000000" and client.name == "ACME SAS"
        assert any("ACME" in n.text for n in client.notes)  # the other name, kept as a note
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 1


def test_completing_records_only_the_answers_given(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        existing = store.add(build_client({
            "name": "ACME SAS", "kind": "business", "email": "contact@acme.fr",
            "terms_days": "45", "end_of_month": "oui", "currency": "USD",
        }).client)  # fmt: skip
    child = spawn(db_path, "add")
    answer(child, "Type de client")  # Particulier, offered first: not an answer
    answer(child, "Nom :", "Acme")
    answer(child, "Prénom :")
    answer(child, "Pays :")
    answer(child, "Email :", "contact@acme.fr")
    answer(child, "Téléphone :", "0142000000")
    for question in ("Adresse :", "Complément", "Code postal", "Ville",
                     "Adresse de livraison différente", "Délai", "Fin de mois",
                     "Mode de paiement", "Remise", "Devise", "Secteur", "Segment", "Tags",
                     "Note"):  # fmt: skip
        answer(child, question)  # every default accepted
    answer(child, "Que voulez-vous faire", DOWN)  # complete
    assert printed_id(child) == existing.id
    with ClientStore(db_path) as store:
        client = store.get(existing.id or 0)
    notes = "\n".join(n.text for n in client.notes)
    assert "Acme" in notes  # a value the user typed
    for accepted in ("Délai", "Fin de mois", "Devise", "Type"):
        assert accepted not in notes, notes
    assert (client.terms_days, client.end_of_month, client.currency) == (45, True, "USD")
    assert client.phone == "+33142000000"


def test_import_asks_about_duplicates_then_confirms(db_path: Path, tmp_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        existing = store.add(build_client({"name": "ACME SAS", "email": "contact@acme.fr"}).client)
    path = tmp_path / "clients.csv"
    path.write_text(
        "Nom;Email;Adresse;Téléphone\nACME;CONTACT@acme.fr;;01 42 00 00 00\n"
        "Nouveau;nouveau@x.fr;1 rue;\n",
        encoding="utf-8",
    )
    child = spawn(db_path, "import", str(path))
    child.expect_exact("1 client(s) à créer, 1 doublon(s)")
    answer(child, "Que faire des 1 doublon(s)", DOWN)  # complete the existing client
    answer(child, "Importer 1 client(s), compléter 1 client(s)")  # yes is the default
    child.expect_exact("Créés")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        assert store.get(existing.id or 0).phone == "+33142000000"
        assert store.resolve("nouveau@x.fr").name == "Nouveau"


def test_import_declined_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text("Nom;Email;Adresse\nA;a@x.fr;1 rue\n", encoding="utf-8")
    child = spawn(db_path, "import", str(path))
    answer(child, "Importer 1 client(s)", DOWN)  # « Non »
    child.expect_exact("rien n'a été écrit")
    assert finish(child) == 1
    with ClientStore(db_path) as store:
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_merge_conflicts_chosen_field_by_field(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        keep = store.add(build_client({"name": "ACME", "email": "a@acme.fr"}).client)
        other = store.add(build_client({"name": "ACME", "email": "b@acme.fr"}).client)
    child = spawn(db_path, "merge", str(keep.id), str(other.id))
    child.expect_exact("Identité et contact")  # the merged fiche first
    child.expect_exact("Email : « a@acme.fr » gardé, « b@acme.fr » (#2) conservé en note")
    before_question = child.before or ""
    assert "quelle valeur garder" not in before_question
    answer(child, "Email : quelle valeur garder", DOWN)  # the other's email
    answer(child, "Fusionner ?")
    child.expect_exact("Fusion faite")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        merged = store.get(keep.id or 0)
        assert merged.email == "b@acme.fr"
        assert any("a@acme.fr" in n.text for n in merged.notes)  # the value left aside


def test_add_with_a_delivery_address_and_an_early_duplicate_warning(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        store.add(build_client({"name": "Ancien", "email": "lea@exemple.fr"}).client)
    child = spawn(db_path, "add", "--kind", "particulier", "--allow-duplicate")
    answer(child, "Nom :", "Martin")
    answer(child, "Prénom :", "Léa")
    answer(child, "Pays :")
    answer(child, "Email :", "LEA@exemple.fr")
    child.expect_exact("est déjà celui de #1 (Ancien)")  # said at once, not after 20 questions
    for question in ("Téléphone", "Adresse :"):
        answer(child, question)
    answer(child, "Complément d'adresse :")
    answer(child, "Code postal :", "75002")
    answer(child, "Ville :", "Paris")
    answer(child, "Adresse de livraison différente", DOWN)  # Oui
    answer(child, "Pays de livraison :")
    answer(child, "Adresse de livraison :", "ZI Nord")
    answer(child, "Complément (livraison) :")
    answer(child, "Code postal (livraison) :", "01000")
    answer(child, "Ville (livraison) :", "Bourg-en-Bresse")
    for question in ("Délai", "Fin de mois", "Mode de paiement", "Remise", "Devise", "Secteur",
                     "Segment", "Tags", "Note"):  # fmt: skip
        answer(child, question)
    new_id = printed_id(child)
    with ClientStore(db_path) as store:
        delivery = store.get(new_id).delivery_address
    assert delivery is not None
    assert (delivery.line1, delivery.postal_code, delivery.city) == (
        "ZI Nord",
        "01000",
        "Bourg-en-Bresse",
    )


def test_ctrl_d_at_a_question_is_an_interruption(db_path: Path) -> None:
    child = spawn(db_path, "add")
    answer(child, "Type de client")
    child.expect_exact("Nom :")
    child.sendeof()  # Ctrl-D
    child.expect_exact("Interrompu.")
    assert "EOFError" not in (child.before or "")
    assert finish(child) == 130
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_pick_enter_at_once_chooses_new_client_even_in_an_empty_book(db_path: Path) -> None:
    child = spawn(db_path, "pick")
    child.expect_exact("Nouveau client")
    child.send(ENTER)  # the first entry, « Nouveau client »
    answer(child, "Type de client")
    answer(child, "Nom :", "Martin")
    for question in ("Prénom", "Pays", "Email", "Téléphone", "Adresse :", "Complément",
                     "Code postal", "Ville", "Adresse de livraison différente", "Délai",
                     "Fin de mois", "Mode de paiement", "Remise", "Devise", "Secteur",
                     "Segment", "Tags", "Note"):  # fmt: skip
        answer(child, question)
    new_id = printed_id(child)
    with ClientStore(db_path) as store:
        assert store.get(new_id).name == "Martin"


def test_pick_ambiguous_text_says_what_to_do(db_path: Path) -> None:
    _seed_two(db_path)
    with ClientStore(db_path) as store:
        from newbi_clients.builder import build_client

        store.add(build_client({"name": "Acmé Lyon"}).client)
    child = spawn(db_path, "pick")
    child.expect_exact("Nouveau client")
    child.send("acm" + ENTER)
    child.expect_exact("choisissez dans la liste")
    assert "Référence ambiguë" not in (child.before or "")
    child.sendintr()
    assert finish(child) == 130


def test_a_long_refusal_is_not_cut_on_a_narrow_terminal(db_path: Path) -> None:
    child = spawn(db_path, "add", "--kind", "particulier", "--name", "Martin")
    child.setwinsize(40, 60)
    for question in ("Prénom", "Pays", "Email", "Téléphone", "Adresse :", "Complément"):
        answer(child, question)
    answer(child, "Code postal :", "1000")
    # the whole message, whose end lies past the 60th column
    child.expect_exact("ex. 75002 ou 01000)")
    child.sendintr()
    assert finish(child) == 130


def test_edit_prefills_the_phone_as_shown(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        from newbi_clients.builder import build_client

        store.add(build_client({"name": "Durand", "phone": "0612345678"}).client)
    child = spawn(db_path, "edit", "durand")
    for question in ("Type de client", "Nom :", "Prénom :", "Pays :", "Email :"):
        answer(child, question)
    child.expect_exact("Téléphone :")
    child.expect_exact("06 12 34 56 78")
    child.sendintr()
    assert finish(child) == 130


def test_contact_add_asks_each_question(db_path: Path) -> None:
    from newbi_clients.builder import build_client
    from newbi_clients.contacts import add_contact, build_contact

    with ClientStore(db_path) as store:
        acme = store.add(build_client({"name": "ACME SAS", "kind": "professionnel"}).client)
        add_contact(store, acme, build_contact({"first_name": "Paul", "email": "paul@acme.fr"}))
        store.add(build_client({"name": "Beta", "email": "info@beta.fr"}).client)
    child = spawn(db_path, "contact", "add", "acme")
    answer(child, "Prénom :", "Claire")
    answer(child, "Nom :", "Martin")
    answer(child, "Fonction", "Acheteuse")
    answer(child, "Service", "Achats")
    answer(child, "Email :", "claire@")
    child.expect_exact("Email invalide")
    child.send("\x15" + "info@beta.fr" + ENTER)
    child.expect_exact("déjà celui de #2 (Beta)")  # said at once, the questions go on
    answer(child, "Téléphone :", "06 12 34 56 78")
    answer(child, "Contact principal ?")  # Non
    child.expect_exact("Client déjà existant")
    assert finish(child) == 1
    child = spawn(db_path, "contact", "add", "acme")
    for question, keys in (("Prénom :", "Claire"), ("Nom :", "Martin"), ("Fonction", ""),
                           ("Service", ""), ("Email :", "claire@acme.fr"),
                           ("Téléphone :", "06 12 34 56 78")):  # fmt: skip
        answer(child, question, keys)
    child.expect_exact("Contact principal ?")
    child.send("\x1b[A" + ENTER)  # up: « Oui »
    child.expect(r"Contact \d+ ajouté à #1 : Claire Martin \(contact principal\)")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        contacts = store.get(acme.id or 0).contacts
    assert [(c.display_name, c.primary, c.phone) for c in contacts] == [
        ("Claire Martin", True, "+33612345678"),
        ("Paul", False, None),
    ]


UP = "\x1b[A"


def _online_settings(db_path: Path, register_url: str) -> None:
    with ClientStore(db_path) as store:
        for key, value in (("online.timeout", "0.5"), ("online.retries", "1"),
                           ("online.delay", "0"), ("register.url", register_url)):  # fmt: skip
            store.set_setting(key, value)


def test_add_fills_a_french_business_from_the_register(db_path: Path) -> None:
    from servers import ACME, ACMEA, register_answer, serve

    answers = lambda request, n: (200, register_answer([ACME, ACMEA]), {}, 0.0)  # noqa: E731
    with serve(answers) as server:
        _online_settings(db_path, server.url)
        child = spawn(db_path, "add")
        answer(child, "Type de client", DOWN)
        answer(child, "Raison sociale :", "Acme")
        answer(child, "Pays :")
        answer(child, "Chercher l'entreprise dans l'annuaire", UP)  # Oui
        answer(child, "SIRET, SIREN ou nom de l'entreprise")  # the name typed, prefilled
        answer(child, "Quelle entreprise")  # the first: ACME
        child.expect_exact("SIRET 73282932000074 (siège) : 12 RUE DE LA PAIX, 75002 PARIS")
        answer(child, "Utiliser ces informations pour la fiche")  # Oui
        answer(child, "Email :", "contact@acme.fr")
        answer(child, "Téléphone :")
        answer(child, "Complément d'adresse :")  # address, postal code and city are filled
        answer(child, "Adresse de livraison différente")
        child.expect_exact("FR44732829320")  # no SIRET question; the VAT number suggested
        child.send(ENTER)
        for question in ("Délai", "Fin de mois", "Mode de paiement", "Remise", "Devise",
                         "Secteur", "Segment", "Tags", "Note"):  # fmt: skip
            answer(child, question)
        client_id = printed_id(child)
    assert server.requests[0].query["q"] == ["Acme"]
    with ClientStore(db_path) as store:
        client = store.get(client_id)
    assert client.name == "ACME" and client.siret == "73282932000074"
    assert client.billing_address is not None
    assert (client.billing_address.line1, client.billing_address.postal_code,
            client.billing_address.city) == ("12 RUE DE LA PAIX", "75002", "PARIS")  # fmt: skip
    assert client.email == "contact@acme.fr"


def test_add_goes_on_when_the_register_is_unreachable(db_path: Path) -> None:
    from servers import closed_port

    _online_settings(db_path, closed_port())
    child = spawn(db_path, "add", "--kind", "professionnel", "--name", "ACME", "--no-input")
    assert finish(child) == 0  # --no-input: no question, nothing online
    child = spawn(db_path, "add", "--kind", "professionnel", "--name", "Autre")
    answer(child, "Pays :")
    answer(child, "Chercher l'entreprise dans l'annuaire", UP)
    answer(child, "SIRET, SIREN ou nom de l'entreprise")
    child.expect_exact("Pas de connexion à l'annuaire des entreprises")
    answer(child, "Email :")  # the questions go on
    child.sendcontrol("c")
    assert finish(child) == 130


def test_vies_all_shows_progress_and_stops_cleanly_on_ctrl_c(db_path: Path) -> None:
    from newbi_clients.builder import build_client
    from servers import serve, vies_number, vies_valid

    with ClientStore(db_path) as store:
        for name, country, number in (("Müller", "DE", "DE136695976"),
                                      ("Brasserie", "BE", "BE0403170701"),
                                      ("Officina", "IT", "IT00743110157")):  # fmt: skip
            raw = {"kind": "business", "name": name, "country": country, "vat_number": number}
            store.add(build_client(raw).client)
    slow = lambda r, n: (200, vies_valid(vies_number(r), False), {}, 0.0 if n == 0 else 3.0)  # noqa: E731
    with serve(slow) as server:
        with ClientStore(db_path) as store:
            for key, value in (("online.timeout", "10"), ("online.retries", "0"),
                               ("online.delay", "0"), ("vies.url", server.url)):  # fmt: skip
                store.set_setting(key, value)
        child = spawn(db_path, "vies", "--all")
        child.expect_exact("Contrôle VIES")
        child.expect_exact("1/3")
        child.sendcontrol("c")
        child.expect_exact("Interrompu : 1 contrôle(s) sur 3 enregistré(s).")
        assert "Traceback" not in (child.before or "")
        assert finish(child) == 130
    with ClientStore(db_path) as store:
        rows = store.execute("SELECT status FROM vies_checks").fetchall()
    assert rows == [("valid",)]


def test_pick_shows_a_blocked_client_plainly(db_path: Path) -> None:
    from newbi_clients.blocking import block

    ids = _seed_two(db_path)
    with ClientStore(db_path) as store:
        block(store, store.get(ids["dupont"]), "Impayés répétés")
    child = spawn(db_path, "pick")
    child.expect_exact("Nouveau client")
    child.send("dupo")
    child.expect_exact(f"#{ids['dupont']} Jean Dupont [BLOQUÉ]")
    child.expect_exact("BLOQUÉ : Impayés répétés")
    child.send(DOWN + DOWN + ENTER)
    child.expect_exact("est bloqué depuis le")
    assert printed_id(child) == ids["dupont"]


def test_delete_asks_and_no_keeps_the_client(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        client = store.add(build_client({"name": "Prospect", "email": "p@x.fr"}).client)
    child = spawn(db_path, "delete", str(client.id))
    child.expect_exact(f"À supprimer : #{client.id} Prospect")
    answer(child, "Supprimer définitivement 1 client(s) ?")  # « Non » is the default
    child.expect_exact("rien n'a été supprimé")
    assert finish(child) == 1
    child = spawn(db_path, "delete", "p@x.fr")
    answer(child, "Supprimer définitivement 1 client(s) ?", UP)  # « Oui »
    child.expect_exact("supprimé(s) définitivement")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_forget_asks_before_anonymising(db_path: Path) -> None:
    from newbi_clients.builder import build_client

    with ClientStore(db_path) as store:
        raw = {"name": "Zébulon", "first_name": "Hortense", "email": "hz@x.fr"}
        client = store.add(build_client(raw).client)
    child = spawn(db_path, "forget", "hz@x.fr")
    answer(child, f"Anonymiser définitivement #{client.id} ?")
    child.expect_exact("rien n'a été modifié")
    assert finish(child) == 1
    with ClientStore(db_path) as store:
        assert store.get(client.id or 0).first_name == "Hortense"
    child = spawn(db_path, "forget", "hz@x.fr")
    answer(child, f"Anonymiser définitivement #{client.id} ?", UP)
    child.expect_exact("anonymisé")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        assert store.get(client.id or 0).name == f"Anonyme #{client.id}"


MIGRATION = Path(__file__).parent / "data" / "migration"


def test_import_of_a_recognised_export_previews_its_format(db_path: Path) -> None:
    child = spawn(db_path, "import", str(MIGRATION / "google.csv"))
    child.expect_exact("Format reconnu : Google Contacts")
    child.expect_exact("3 client(s) à créer, 0 doublon(s)")
    answer(child, "Importer 3 client(s)")  # yes is the default
    child.expect_exact("Créés")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        atelier = store.resolve("Atelier Martin")
        assert atelier.kind.value == "business" and atelier.tags == ["Clients", "Paris"]
    # the same file again: every row is a duplicate, nothing to create
    child = spawn(db_path, "import", str(MIGRATION / "google.csv"))
    child.expect_exact("0 client(s) à créer, 3 doublon(s)")
    answer(child, "Que faire des 3 doublon(s)")  # skip them
    answer(child, "Importer 0 client(s)")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 3


def test_import_with_map_previews_and_reuses_the_saved_mapping(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Libellé;Mél;Portable\nGarage Dubois;contact@garage-dubois.fr;0692 12 34 56\n", "utf-8"
    )
    child = spawn(db_path, "import", str(path), "--map", "Libellé=name", "--map", "Mél=email",
                  "--save-map", "crm")  # fmt: skip
    child.expect_exact("Correspondance enregistrée : réutilisez-la avec --profile crm")
    child.expect_exact("1 client(s) à créer, 0 doublon(s)")
    answer(child, "Importer 1 client(s)")
    assert finish(child) == 0
    with ClientStore(db_path) as store:
        client = store.resolve("Garage Dubois")
        assert (client.email, client.phone) == ("contact@garage-dubois.fr", "+262692123456")
    child = spawn(db_path, "import", str(path), "--profile", "crm")
    child.expect_exact("Format reconnu : correspondance enregistrée « crm »")
    child.expect_exact("0 client(s) à créer, 1 doublon(s)")
    child.expect_exact("doublon (même email)")
    answer(child, "Que faire des 1 doublon(s)")
    answer(child, "Importer 0 client(s)")
    assert finish(child) == 0


def test_ctrl_d_at_a_choice_is_an_interruption_too(db_path: Path) -> None:
    # « flèches puis Entrée » questions have no text to type: Ctrl-D still ends them
    child = spawn(db_path, "add")
    child.expect_exact("Type de client")
    child.sendeof()  # Ctrl-D
    child.expect_exact("Interrompu.")
    assert "EOFError" not in (child.before or "")
    assert finish(child) == 130
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
