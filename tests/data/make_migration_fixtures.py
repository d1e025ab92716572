"""Write the exports of other tools used by tests/test_migration.py (see MANIFEST.md).

Each file has its tool's real header (sources in MANIFEST.md), the tool's encoding and
separator, and a few rows of made-up clients. Run from the repository root:

    .venv/bin/python tests/data/make_migration_fixtures.py
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).parent / "migration"

GOOGLE = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
    "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
    "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,"
    "Phone 2 - Value,Address 1 - Label,Address 1 - Country,Address 1 - Street,"
    "Address 1 - Extended Address,Address 1 - City,Address 1 - Region,Address 1 - Postal Code,"
    "Address 1 - PO Box"
).split(",")
GOOGLE_FORMATTED = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,"
    "Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,"
    "Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,"
    "E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,"
    "Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
    "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address"
).split(",")
GOOGLE_LEGACY = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,"
    "Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,"
    "Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,"
    "Priority,Subject,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,"
    "Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Address 1 - Type,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,"
    "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title"
).split(",")
OUTLOOK_FR = (
    "Titre,Prénom,Deuxième prénom,Nom,Suffixe,Société,Service,Titre,Rue (bureau),"
    "Rue (bureau) 2,Rue (bureau) 3,Ville (bureau),Dép/Région (bureau),Code postal (bureau),"
    "Pays/Région (bureau),Rue (domicile),Rue (domicile) 2,Rue (domicile) 3,Ville (domicile),"
    "Dép/Région (domicile),Code postal (domicile),Pays/Région (domicile),Télécopie (bureau),"
    "Téléphone (bureau),Téléphone 2 (bureau),Téléphone (domicile),Tél. mobile,"
    "Adresse de messagerie,Type de messagerie,Nom complet de l'adresse de messagerie,"
    "Adresse de messagerie 2,Catégories,Notes"
).split(",")
OUTLOOK_EN = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,Business Street,"
    "Business Street 2,Business Street 3,Business City,Business State,Business Postal Code,"
    "Business Country/Region,Home Street,Home Street 2,Home Street 3,Home City,Home State,"
    "Home Postal Code,Home Country/Region,Business Fax,Business Phone,Business Phone 2,"
    "Home Phone,Mobile Phone,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,"
    "Categories,Notes"
).split(",")
HUBSPOT_CONTACTS = (
    "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,Company Name,"
    "Job Title,Street Address,City,State/Region,Postal Code,Country/Region,Lifecycle Stage,"
    "Contact owner,Create Date"
).split(",")
HUBSPOT_COMPANIES = (
    "Record ID,Company name,Company Domain Name,Phone Number,Street Address,Street Address 2,"
    "City,State/Region,Postal Code,Country/Region,Industry,Create Date"
).split(",")
ODOO_LABELS = (
    "External ID,Name,Company Type,Is a Company,Related Company,Street,Street2,Zip,City,Country,"
    "Email,Phone,Mobile,Tax ID,Tags"
).split(",")
ODOO_FR = (  # Odoo 16.0 labels in French (fr.po of the base module)
    "ID externe,Nom,Type de société,Est une entreprise,Société associée,Poste,Rue,Rue 2,"
    "Code postal,Ville,Pays,E-mail,Téléphone,Mobile,N° TVA,ID de la société,Étiquettes"
).split(",")
ODOO_TECHNICAL = (
    "id,name,company_type,is_company,parent_id,street,street2,zip,city,country_id,"
    "country_id/id,email,phone,mobile,vat,category_id"
).split(",")
DOLIBARR = (
    "Nom du tiers,Maison mère,Client,Fournisseur,Code client,Adresse,Code postal,Ville,"
    "Département/Canton,Pays,Code pays,Téléphone,Fax,Email,ID professionnel 1,"
    "ID professionnel 2,ID professionnel 3,ID professionnel 4,Num TVA,Capital,Type du tiers,"
    "Effectif,Forme juridique"
).split(",")
DOLIBARR_CONTACTS = (
    "Id contact,Code civilité,Nom,Prénom,Poste/Fonction,Adresse,Code postal,Ville,Pays,"
    "Code pays,Téléphone,Fax,Mobile,Email,Id société,Raison sociale,Type du tiers"
).split(",")

# A recent Dolibarr's contacts export: export_fields_array of modSociete (the contact's
# fields then its third party's: of twins such as « Adresse », the contact's comes first),
# translated by companies.lang and main.lang (sources in MANIFEST.md)
DOLIBARR_CONTACTS_RECENT = (
    "Identifiant contact,Code civilité,Nom,Prénom,Poste/fonction,Date création,"
    "Date de dernière modification,Privé,Adresse,Code postal,Ville,Département / Canton,Région,"
    "Pays,Code pays,Téléphone,Fax,Mobile,EMail,Note (privée),Note (publique),État,"
    "Identifiant société,Raison sociale,État,Code client,Client,Fournisseur,Adresse,Code postal,"
    "Ville,Téléphone,Email,Note (privée),Note (publique),Type du tiers"
).split(",")


def rows(header: list[str], *records: dict[str, str]) -> list[list[str]]:
    """Rows of ``header`` holding ``records`` (a record names columns: « Adresse » is the
    first of twins, « Adresse#2 » the second)."""
    out = []
    for record in records:
        row = [""] * len(header)
        for key, value in record.items():
            name, _, nth = key.partition("#")
            at = [i for i, column in enumerate(header) if column == name][int(nth or 1) - 1]
            row[at] = value
        out.append(row)
    return [header, *out]


def write(name: str, table: list[list[str]], encoding: str = "utf-8", delimiter: str = ",",
          trailing: bool = False, newline: str = "\r\n") -> None:  # fmt: skip
    HERE.mkdir(exist_ok=True)
    with (HERE / name).open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        for row in table:
            writer.writerow([*row, ""] if trailing else row)


def main() -> None:
    write("google.csv", rows(GOOGLE,
        {"First Name": "Jeanne", "Last Name": "Martin", "Organization Name": "Atelier Martin SARL",
         "Organization Title": "Gérante", "Labels": "* myContacts ::: Clients ::: Paris",
         "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "jeanne@atelier-martin.fr ::: jeanne.martin@exemple.fr",
         "Phone 1 - Label": "Mobile", "Phone 1 - Value": "06 12 34 56 78",
         "Phone 2 - Label": "Work", "Phone 2 - Value": "01 42 00 00 00",
         "Address 1 - Label": "Work", "Address 1 - Country": "France",
         "Address 1 - Street": "12 rue de la Paix", "Address 1 - City": "Paris",
         "Address 1 - Postal Code": "75002"},
        {"First Name": "Éléonore", "Last Name": "Dupré", "Labels": "* myContacts",
         "E-mail 1 - Value": "eleonore@exemple.fr", "Phone 1 - Value": "0692 12 34 56",
         "Address 1 - Street": "3 place Bellecour", "Address 1 - City": "Lyon",
         "Address 1 - Postal Code": "69002", "Address 1 - Country": "France"},
        {"First Name": "Hans", "Last Name": "Müller", "Organization Name": "Müller Maschinenbau GmbH",
         "E-mail 1 - Value": "einkauf@mueller-maschinenbau.de", "Phone 1 - Value": "+49 30 1234567",
         "Address 1 - Street": "Friedrichstraße 12", "Address 1 - City": "Berlin",
         "Address 1 - Postal Code": "10117", "Address 1 - Country": "Germany"},
    ))  # fmt: skip
    # a free-text address is all Google keeps when nobody typed its parts apart
    write("google-formatted.csv", rows(GOOGLE_FORMATTED,
        {"First Name": "Camille", "Last Name": "Roux", "Organization Name": "Atelier Roux",
         "Labels": "* myContacts ::: Clients", "E-mail 1 - Label": "* Work",
         "E-mail 1 - Value": "camille@atelier-roux.fr", "Phone 1 - Label": "Work",
         "Phone 1 - Value": "01 42 60 00 00", "Address 1 - Label": "Work",
         "Address 1 - Formatted": "12 rue de la Paix\n75002 Paris\nFrance"},
        {"First Name": "Léon", "Last Name": "Girard", "Labels": "* myContacts",
         "E-mail 1 - Value": "leon.girard@exemple.fr", "Phone 1 - Label": "Mobile",
         "Phone 1 - Value": "06 44 55 66 77", "Address 1 - Label": "Home",
         "Address 1 - Formatted": "3 place Bellecour\nBâtiment B\n69002 Lyon"},
        {"First Name": "Jonas", "Last Name": "Schmidt", "Organization Name": "Schmidt Werkzeuge GmbH",
         "E-mail 1 - Value": "info@schmidt-werkzeuge.de", "Phone 1 - Value": "+49 30 7654321",
         "Address 1 - Label": "Work",
         "Address 1 - Formatted": "Friedrichstraße 40\n10117 Berlin\nAllemagne"},
        {"First Name": "Inès", "Last Name": "Morel", "Labels": "* myContacts",
         "E-mail 1 - Value": "ines.morel@exemple.fr", "Address 1 - Label": "Home",
         "Address 1 - Formatted": "8 rue Neuve\n44000 Nantes\nFrance",
         "Address 1 - Street": "8 rue Neuve", "Address 1 - City": "Nantes",
         "Address 1 - Postal Code": "44000", "Address 1 - Country": "France"},
    ))  # fmt: skip
    write("google-legacy.csv", rows(GOOGLE_LEGACY,
        {"Name": "Paul Lefèvre", "Given Name": "Paul", "Family Name": "Lefèvre",
         "Group Membership": "* myContacts ::: VIP", "E-mail 1 - Type": "* Home",
         "E-mail 1 - Value": "paul.lefevre@exemple.fr", "Phone 1 - Type": "Mobile",
         "Phone 1 - Value": "06 98 76 54 32", "Address 1 - Street": "3 place Bernard",
         "Address 1 - City": "Bourg-en-Bresse", "Address 1 - Postal Code": "01000",
         "Address 1 - Country": "FR"},
    ))  # fmt: skip
    write("outlook-fr.csv", rows(OUTLOOK_FR,
        {"Prénom": "Marc", "Nom": "Dupont", "Société": "Boulangerie Dupont",
         "Rue (bureau)": "5 rue Centrale", "Ville (bureau)": "Bourg-en-Bresse",
         "Code postal (bureau)": "01000", "Pays/Région (bureau)": "France",
         "Téléphone (bureau)": "", "Tél. mobile": "06 11 22 33 44",
         "Adresse de messagerie": "marc@boulangerie-dupont.fr", "Catégories": "Boulangers"},
        {"Prénom": "Léa", "Nom": "Girard", "Rue (domicile)": "8 allée des Tilleuls",
         "Ville (domicile)": "Nantes", "Code postal (domicile)": "44000",
         "Pays/Région (domicile)": "France", "Téléphone (domicile)": "02 40 00 00 00",
         "Adresse de messagerie": "lea.girard@exemple.fr"},
    ), encoding="cp1252")  # fmt: skip
    write("outlook.csv", rows(OUTLOOK_EN,
        {"First Name": "Anna", "Last Name": "Rossi", "Company": "Rossi Costruzioni S.r.l.",
         "Job Title": "CEO", "Business Street": "Via del Corso 1", "Business City": "Roma",
         "Business Postal Code": "00186", "Business Country/Region": "Italy",
         "Business Phone": "+39 06 1234 5678", "E-mail Address": "anna@rossi-costruzioni.it"},
    ))  # fmt: skip
    write("hubspot-contacts.csv", rows(HUBSPOT_CONTACTS,
        {"Record ID": "101", "First Name": "Klaus", "Last Name": "Weber",
         "Email": "k.weber@weber-holz.de", "Phone Number": "", "Mobile Phone Number": "492984850345",
         "Company Name": "Weber Holzbau", "Street Address": "Waldweg 3", "City": "Sundern",
         "Postal Code": "7683", "Country/Region": "Germany", "Lifecycle Stage": "customer"},
    ))  # fmt: skip
    write("hubspot-companies.csv", rows(HUBSPOT_COMPANIES,
        {"Record ID": "201", "Company name": "Garcia Logística SA", "Company Domain Name": "garcia.es",
         "Phone Number": "+34 912 345 678", "Street Address": "Calle Mayor 5", "City": "Madrid",
         "Postal Code": "8013", "Country/Region": "Spain", "Industry": "Logistics"},
    ))  # fmt: skip
    write("odoo.csv", rows(ODOO_LABELS,
        {"External ID": "__export__.res_partner_7", "Name": "Müller Maschinenbau GmbH",
         "Company Type": "Company", "Is a Company": "True", "Street": "Friedrichstraße 12",
         "Zip": "10117", "City": "Berlin", "Country": "Germany",
         "Email": "einkauf@mueller-maschinenbau.de", "Tax ID": "DE136695976", "Tags": "Industrie"},
        {"External ID": "__export__.res_partner_8", "Name": "Sophie Bernard",
         "Company Type": "Individual", "Is a Company": "False", "Street": "4 rue Neuve",
         "Zip": "1000", "City": "Bourg-en-Bresse", "Country": "France", "Phone": "",
         "Mobile": "06 55 44 33 22", "Email": "sophie.bernard@exemple.fr"},
    ))  # fmt: skip
    # a French user's export by labels: a company, its contact (Odoo copies the company's
    # address into it) and a private individual
    write("odoo-fr.csv", rows(ODOO_FR,
        {"ID externe": "__export__.res_partner_21", "Nom": "Boulangerie Martin SARL",
         "Type de société": "Société", "Est une entreprise": "True", "Rue": "12 rue des Lilas",
         "Rue 2": "Bâtiment B", "Code postal": "01000", "Ville": "Bourg-en-Bresse",
         "Pays": "France", "E-mail": "contact@boulangerie-martin.fr",
         "Téléphone": "04 74 00 00 00", "N° TVA": "FR44732829320",
         "ID de la société": "73282932000074", "Étiquettes": "Boulangers"},
        {"ID externe": "__export__.res_partner_22", "Nom": "Claire Martin",
         "Type de société": "Particulier", "Est une entreprise": "False",
         "Société associée": "Boulangerie Martin SARL", "Poste": "Gérante",
         "Rue": "12 rue des Lilas", "Rue 2": "Bâtiment B", "Code postal": "01000",
         "Ville": "Bourg-en-Bresse", "Pays": "France", "E-mail": "claire@boulangerie-martin.fr",
         "Mobile": "06 12 34 56 78"},
        {"ID externe": "__export__.res_partner_23", "Nom": "Paul Lefèvre",
         "Type de société": "Particulier", "Est une entreprise": "False", "Rue": "4 rue Neuve",
         "Code postal": "69002", "Ville": "Lyon", "Pays": "France",
         "E-mail": "paul.lefevre@exemple.fr", "Mobile": "06 98 76 54 32"},
    ))  # fmt: skip
    write("odoo-technical.csv", rows(ODOO_TECHNICAL,
        {"id": "__export__.res_partner_9", "name": "Dupont Belgique", "company_type": "company",
         "is_company": "True", "street": "Rue de la Loi 16", "zip": "1000", "city": "Bruxelles",
         "country_id": "", "country_id/id": "base.be", "email": "info@dupont.be",
         "vat": "BE0403170701"},
        {"id": "__export__.res_partner_10", "name": "Jan Peeters", "company_type": "person",
         "is_company": "False", "parent_id": "Dupont Belgique", "email": "jan@dupont.be",
         "phone": "+32 2 550 12 11"},
    ))  # fmt: skip
    write("dolibarr.csv", rows(DOLIBARR,
        {"Nom du tiers": "Boulangerie Martin", "Client": "1", "Code client": "CU2401-0001",
         "Adresse": "12 rue des Lilas\\nBâtiment B", "Code postal": "01000",
         "Ville": "Bourg-en-Bresse", "Pays": "France", "Code pays": "FR",
         "Téléphone": "04 74 00 00 00", "Email": "contact@boulangerie-martin.fr",
         "ID professionnel 1": "732829320", "ID professionnel 2": "73282932000074",
         "ID professionnel 3": "1071C", "Num TVA": "FR44732829320", "Type du tiers": "TPE"},
        {"Nom du tiers": "Jean Petit", "Client": "1", "Adresse": "2 impasse du Moulin",
         "Code postal": "69002", "Ville": "Lyon", "Pays": "France", "Code pays": "FR",
         "Type du tiers": "Particulier"},
    ), encoding="iso-8859-1", trailing=True)  # fmt: skip
    write("dolibarr-contacts.csv", rows(DOLIBARR_CONTACTS,
        {"Id contact": "12", "Code civilité": "MME", "Nom": "Lambert", "Prénom": "Claire",
         "Poste/Fonction": "Comptable", "Adresse": "1 quai Rambaud", "Code postal": "69002",
         "Ville": "Lyon", "Pays": "France", "Code pays": "FR", "Mobile": "06 01 02 03 04",
         "Email": "claire.lambert@cabinet-lambert.fr", "Id société": "3",
         "Raison sociale": "Cabinet Lambert", "Type du tiers": "PME/PMI"},
    ), encoding="iso-8859-1", trailing=True)  # fmt: skip
    # a recent Dolibarr's « CSV UTF-8 »: one contact of a third party (its own address left
    # empty, its company's with « \n » inside the cell), one contact of no third party
    write("dolibarr-contacts-recent.csv", rows(DOLIBARR_CONTACTS_RECENT,
        {"Identifiant contact": "27", "Code civilité": "MR", "Nom": "Garnier", "Prénom": "Luc",
         "Poste/fonction": "Directeur commercial", "Privé": "0", "Pays": "France",
         "Code pays": "FR", "Mobile": "06 22 33 44 55", "EMail": "luc.garnier@garnier-freres.fr",
         "Note (privée)": "Préfère être appelé le matin", "État": "1",
         "Identifiant société": "8", "Raison sociale": "Garnier Frères", "État#2": "1",
         "Code client": "CU2403-0008", "Client": "1", "Fournisseur": "0",
         "Adresse#2": "15 rue du Port\\nZone artisanale", "Code postal#2": "13002",
         "Ville#2": "Marseille", "Téléphone#2": "04 91 00 00 00",
         "Email": "contact@garnier-freres.fr", "Type du tiers": "TE_SMALL"},
        {"Identifiant contact": "28", "Code civilité": "MME", "Nom": "Bonnet", "Prénom": "Sophie",
         "Privé": "0", "Adresse": "9 avenue Foch", "Code postal": "75016", "Ville": "Paris",
         "Pays": "France", "Code pays": "FR", "Mobile": "06 98 76 54 33",
         "EMail": "sophie.bonnet@exemple.fr", "État": "1"},
    ), trailing=True, newline="\n")  # fmt: skip
    (HERE / "contacts.vcf").write_text(VCARDS, encoding="utf-8", newline="")


VCARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Camille Roux\r\nN:Roux;Camille;;;\r\n"
    "ORG:Studio Roux;\r\nTITLE:Fondatrice\r\nEMAIL;TYPE=INTERNET;TYPE=WORK:camille@studio-roux.fr\r\n"
    "TEL;TYPE=CELL:06 20 30 40 50\r\nADR;TYPE=WORK:;;7 rue du Port;Marseille;;13002;France\r\n"
    "CATEGORIES:Design,Marseille\r\nNOTE:Rencontrée au salon\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:individual\r\nFN:Hugo Faure\r\nN:Faure;Hugo;;;\r\n"
    "EMAIL:hugo.faure@exemple.fr\r\nEMAIL;TYPE=home:hugo@perso.exemple\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+33-6-70-80-90-10\r\n"
    "ADR;TYPE=home:;;15 avenue Jean Médecin;Nice;;06000;France\r\nEND:VCARD\r\n"
)

if __name__ == "__main__":
    main()
