"""The docs a newcomer reads stay true: every test that docs/guarantees.md cites exists,
every link between the docs leads somewhere, every command-line option is documented, and the
README's first screen says what it is and how to run and test it."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from webui.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
CITED = re.compile(r"`((?:[a-z_]+/)*test_[a-z_0-9]+\.py)?::(test_[a-z_0-9]+)`")
LINK = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")


def cited_tests(text: str) -> list[tuple[str, str]]:
    """(file under tests/, test) of each citation; ``::test`` alone is in the file named last."""
    found, current = [], None
    for path, test in CITED.findall(text):
        current = path or current
        found.append((current, test))
    return found


def test_every_test_the_promises_cite_exists():
    cited = cited_tests((ROOT / "docs" / "guarantees.md").read_text(encoding="utf-8"))
    assert len(cited) > 30
    def defined(path: str, test: str) -> bool:
        source = (ROOT / "tests" / path).read_text(encoding="utf-8")
        return re.search(rf"^(?:async )?def {test}\(", source, re.MULTILINE) is not None

    missing = [(path, test) for path, test in cited if not defined(path, test)]
    assert missing == []


@pytest.mark.parametrize("page", [ROOT / "README.md", *DOCS], ids=lambda path: path.name)
def test_links_between_the_docs_lead_somewhere(page):
    text = page.read_text(encoding="utf-8")
    broken = [target for target in LINK.findall(text) if not (page.parent / target).exists()]
    assert broken == []


def _options(group: click.Group) -> list[tuple[str, str]]:
    """(command, option) of every command's long options."""
    found = []
    with click.Context(group) as context:
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            for parameter in command.params:
                found += [(name, option) for option in parameter.opts if option.startswith("--")]
    return found


def test_every_command_line_option_is_documented():
    text = "\n".join(page.read_text(encoding="utf-8") for page in [ROOT / "README.md", *DOCS])
    undocumented = [(command, option) for command, option in _options(main)
                    if option not in text and option != "--help"]
    assert undocumented == []


def test_the_readme_first_screen_says_what_how_and_where():
    first = "\n".join((ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:60])
    for needed in ("make run", "make test", "make test-fast", "docs/screenshot.png", "docs/architecture.md"):
        assert needed in first
