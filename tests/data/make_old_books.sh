#!/bin/sh
# Builds schema-v<N>.db: a small populated book written by the newbi-clients of the
# commit that introduced schema version N, for the migration tests.
#   tests/data/make_old_books.sh 1 5438b1c   (v1: core book)
#   tests/data/make_old_books.sh 2 03d5016   (v2: history of documents and payments)
#   tests/data/make_old_books.sh 3 20c159f   (v3: sparse revenue index)
#   tests/data/make_old_books.sh 4 b4227d4   (v4: contacts, custom fields, blocking, reminders)
#   tests/data/make_old_books.sh 5 f36c80b   (v5: VIES checks)
#   tests/data/make_old_books.sh 6 1aa4af6   (v6: SIREN index of clients without SIRET)
#   tests/data/make_old_books.sh 7 77bdb44   (v7: search index without column sizes)
#   tests/data/make_old_books.sh 8 628e5f7   (v8: national form of overseas phones in search)
# Run from the repository root with the project's virtualenv (.venv): the old code
# is checked out in a temporary worktree and run from its src/ folder.
set -eu
version=$1
commit=$2
root=$(pwd)
tree=$(mktemp -d)/old
out="$root/tests/data/schema-v$version.db"
git worktree add -q "$tree" "$commit"
trap 'git worktree remove --force "$tree"; rmdir "$(dirname "$tree")"' EXIT
rm -f "$out" "$out-wal" "$out-shm"
run() { PYTHONPATH="$tree/src" NEWBI_CLIENTS_DB="$out" "$root/.venv/bin/python" -m newbi_clients "$@"; }
run add --no-input --kind particulier --name Dupont --first-name "Éléonore" \
    --email eleonore.dupont@exemple.fr --phone "06 12 34 56 78" --address "12 rue des Lilas" \
    --postal-code 75011 --city Paris --tag VIP --note "Préfère être appelée le matin"
run add --no-input --kind professionnel --name "ACME SAS" --siret "732 829 320 00074" \
    --email contact@acme.fr --address "1 avenue de la Gare" --postal-code 69002 --city Lyon \
    --terms-days 45 --payment-method virement --sector Tech
run add --no-input --kind professionnel --name "Acme" --email compta@acme.fr \
    --postal-code 69002 --city Lyon
run add --no-input --kind professionnel --name "Müller GmbH" --country DE \
    --vat-number DE136695976 --currency EUR
run note 1 "Rappeler en janvier"
if [ "$version" -ge 2 ]; then
    run history add 2 --type invoice --number F-2024-001 --date 2024-03-01 \
        --amount-ht "1000,00" --vat-rate 20
    run history add 2 --type quote --number D-2024-001 --date 2024-02-01 \
        --amount-ht "500,00" --vat-rate 20
    run history pay 2 F-2024-001 --amount "600,00" --date 2024-03-20
    run history add 1 --type invoice --number F-2024-002 --date 2024-04-01 \
        --amount-ht "80,00" --vat-rate 20 --status paid
    run merge 2 3 --yes
    run archive 4
fi
if [ "$version" -ge 5 ]; then
    # a business known by its SIREN alone, of the same company as ACME SAS
    run add --no-input --kind professionnel --name "ACME Sud" --siren "732 829 320" \
        --postal-code 13001 --city Marseille
fi
if [ "$version" -ge 7 ]; then
    # a client of La Réunion and a contact of Guadeloupe: their phones' national forms
    # are search tokens since schema 8
    run add --no-input --kind particulier --name Payet --first-name Mickaël \
        --phone "0692 12 34 56" --address "3 rue de Paris" --postal-code 97400 \
        --city Saint-Denis
    run contact add 1 --first-name Line --last-name Jacoby --phone "+590 690 12 34 51"
fi
PYTHONPATH="$tree/src" "$root/.venv/bin/python" - "$out" <<'PY'
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
conn.execute("PRAGMA journal_mode = DELETE")
print(sys.argv[1], "schema", conn.execute("PRAGMA user_version").fetchone()[0])
PY
