"""The columns of ``history import``: the header names it reads (ours, then those of the
invoice exports of Dolibarr and Odoo), and which column gives which value."""

from __future__ import annotations

from newbi_clients import validation as v
from newbi_clients.errors import ImportRejected

# header names, as match_key writes them: ours, then those of the exports of invoicing tools
# (Dolibarr's « Factures clients et règlements » dataset: « Ref. facture », « Date
# facturation », « Date limite règlement », « Total HT », « Statut facture », « Date
# paiement », « Mode règlement »; Odoo's invoice list: « Partenaire », « Date de
# facturation », « Date d'échéance », « Hors taxes signé », « Total signé »)
ALIASES = {
    "client_email": ("email", "mail", "courriel", "emailclient", "clientemail", "emailtiers"),
    "client_siret": ("siret", "siretclient", "clientsiret", "idprof2", "idprof2siret",
                     "idprofessionnel2"),
    "client_name": ("client", "nom", "nomduclient", "raisonsociale", "name", "clientname", "customer",
                    "tiers", "nomtiers", "nomdutiers", "partenaire", "partner", "societe", "company", "companyname",
                    "customername"),
    "type": ("type", "typededocument", "document", "doctype", "typefacture", "typedefacture",
             "invoicetype"),
    "number": ("numero", "n", "no", "numerodefacture", "number", "reference", "ref", "numerodedocument",
               "reffacture", "referencefacture", "numerofacture", "invoicenumber", "invoiceno",
               "invoiceref"),
    "date": ("date", "datedemission", "datedefacture", "dateemission", "issuedate", "datefacture",
             "datefacturation", "datedefacturation", "invoicedate"),
    "due_date": ("echeance", "datedecheance", "duedate", "dateecheance", "datelimitereglement",
                 "datelimitedereglement", "datelimitedepaiement"),
    "amount_ht": ("montantht", "ht", "totalht", "amountht", "netamount", "montanthorstaxe",
                  "horstaxes", "horstaxessigne", "totalhorstaxes", "montanthorstaxes", "subtotal",
                  "untaxedamount"),
    "amount_ttc": ("montantttc", "ttc", "totalttc", "amountttc", "grossamount", "total",
                   "totalsigne", "montanttotal", "totalamount"),
    "vat_rate": ("tauxdetva", "tva", "vatrate", "tauxtva"),
    "currency": ("devise", "currency", "monnaie"),
    "status": ("statut", "status", "etat", "statutfacture", "etatdelafacture", "invoicestatus"),
    # Odoo's « État du paiement » (payment_state) beside its « Statut » (Comptabilisé)
    "payment_status": ("etatdupaiement", "statutdupaiement", "etatdepaiement", "paymentstatus",
                       "paymentstate"),
    "payment_date": ("datedepaiement", "payele", "paymentdate", "datepaiement", "datedereglement",
                     "datereglement"),
    "payment_amount": ("montantpaye", "paye", "paid", "paymentamount", "montantregle", "regle",
                       "montantpaiement", "montantreglement", "amountpaid", "amountpayment"),
    "payment_method": ("modedepaiement", "mode", "paymentmethod", "modedereglement", "moyendepaiement",
                       "modereglement", "modepaiement"),
}  # fmt: skip
FIELDS = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
REQUIRED = {"number": "Numéro", "date": "Date", "amount_ht": "Montant HT"}


def map_columns(header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    columns: dict[int, str] = {}
    labels: dict[str, str] = {}
    for index, text in enumerate(header):
        key = FIELDS.get(v.match_key(text))
        if key and key not in labels:
            columns[index] = key
            labels[key] = text
    missing = [label for key, label in REQUIRED.items() if key not in labels]
    if not {"client_email", "client_siret", "client_name"} & labels.keys():
        missing.append("Client (email, SIRET ou nom)")
    if missing:
        found = ", ".join(f"« {h} »" for h in header if h.strip())
        raise ImportRejected(
            f"Colonnes obligatoires absentes : {', '.join(missing)}. Colonnes trouvées : {found}."
        )
    return columns, labels
