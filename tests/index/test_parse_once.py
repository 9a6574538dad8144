"""Each page and attachment is opened once per build and once per ``add``, not once per pass.

The build runs in a process of its own whose interpreters (its own and those that parse for it)
start with an audit hook, installed by a ``sitecustomize`` module, that logs every file opened
below the site folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hostile_files import TEXT, page

FIXTURES = Path(__file__).resolve().parents[1] / "readers" / "fixtures"
HOOK = """
import os, sys

def _opened(event, args, site=os.environ["OPENS_SITE"], log=os.environ["OPENS_LOG"]):
    if event == "open" and isinstance(args[0], str) and args[0].startswith(site):
        with open(log, "a", encoding="utf-8") as out:  # its own event starts with the log's path
            out.write(args[0] + "\\n")

sys.addaudithook(_opened)
"""
COMMANDS = {
    "build": "from indexer import build_index; build_index([site], index, procs=2)",
    "add": "from indexer.index.update import add_documents; "
           "add_documents([os.path.join(site, name) for name in os.listdir(site)], index)",
}


def opens(command: str, site: Path, index: Path, folder: Path) -> Counter:
    """How many times each file of ``site`` was opened by ``build`` or ``add`` of its files."""
    log = folder / "opens.log"
    log.unlink(missing_ok=True)
    (folder / "hook").mkdir(exist_ok=True)
    (folder / "hook" / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    script = f"import os; from pathlib import Path; site, index = {str(site)!r}, Path({str(index)!r}); "
    env = {**os.environ, "OPENS_SITE": str(site), "OPENS_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(folder / "hook"), *sys.path])}
    subprocess.run([sys.executable, "-c", script + COMMANDS[command]], check=True, env=env)
    return Counter(Path(line).name for line in log.read_text(encoding="utf-8").splitlines())


@pytest.mark.slow  # over 2 s on its own: `make test`, not `make test-fast`
def test_each_file_is_parsed_once_per_build_and_per_add(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for number in range(6):
        (site / f"p{number}.html").write_text(page(f"通知{number}", f"<p>{number}：{TEXT}</p>"),
                                               encoding="utf-8")
    shutil.copy(FIXTURES / "notice.pdf", site / "notice.pdf")
    names = {f"p{number}.html" for number in range(6)} | {"notice.pdf"}
    assert opens("build", site, tmp_path / "ix", tmp_path) == Counter(names)
    assert opens("add", site, tmp_path / "ix", tmp_path) == Counter(names)
