"""``python -m newbi_clients``."""

from newbi_clients.cli import main

main()
