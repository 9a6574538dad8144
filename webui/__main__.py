"""``python -m webui``: the whole ``egov-search`` command, ``serve`` included."""

from .cli import main

main(prog_name="egov-search")
