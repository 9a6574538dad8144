"""Each page and attachment is opened once per build and once per ``add``, not once per pass.

The build runs in a process of its own with an audit hook that logs every file opened below the
site folder, in that process and in the children it forks to parse."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hostile_files import TEXT, page

FIXTURES = Path(__file__).resolve().parents[1] / "readers" / "fixtures"
SCRIPT = """
import os, sys
from pathlib import Path
site, log = sys.argv[2], sys.argv[3]

def opened(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].startswith(site):
        with open(log, "a", encoding="utf-8") as out:  # its own event starts with the log's path
            out.write(args[0] + "\\n")

sys.addaudithook(opened)
from indexer import build_index
from indexer.index.update import add_documents
if sys.argv[1] == "build":
    build_index([site], Path(sys.argv[4]), procs=2)
else:
    add_documents([os.path.join(site, name) for name in os.listdir(site)], Path(sys.argv[4]))
"""


def opens(command: str, site: Path, index: Path, log: Path) -> Counter:
    """How many times each file of ``site`` was opened by ``build`` or ``add`` of its files."""
    log.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-c", SCRIPT, command, str(site), str(log), str(index)], check=True,
                   capture_output=True)
    return Counter(Path(line).name for line in log.read_text(encoding="utf-8").splitlines())


def test_each_file_is_parsed_once_per_build_and_per_add(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    for number in range(6):
        (site / f"p{number}.html").write_text(page(f"通知{number}", f"<p>{number}：{TEXT}</p>"),
                                               encoding="utf-8")
    shutil.copy(FIXTURES / "notice.pdf", site / "notice.pdf")
    names = {f"p{number}.html" for number in range(6)} | {"notice.pdf"}
    assert opens("build", site, tmp_path / "ix", tmp_path / "opens.log") == Counter(names)
    assert opens("add", site, tmp_path / "ix", tmp_path / "opens.log") == Counter(names)
