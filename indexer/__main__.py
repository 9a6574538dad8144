"""``python -m indexer``: the index commands of ``egov-search``."""

from .cli import main

main(prog_name="python -m indexer")
