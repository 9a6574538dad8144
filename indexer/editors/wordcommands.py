"""The editors' word commands: ``egov-search synonyms`` (groups search reads at once, no
rebuild) and ``egov-search aliases`` (office names, applied by the next build or add).
Output in Chinese, help in English.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from .. import config
from ..analysis.synonyms import SynonymError
from ..index.aliases import AliasError, Aliases
from .commands import live_index
from .state import Editions
from .wordlists import (
    ABBREVIATIONS,
    SYNONYMS,
    add_group,
    checked_group,
    members,
    read_lines,
    remove_groups,
    write_lines,
)

SHOWN_NEW = 5  # documents a check lists that a member now finds
CHECKED = 50  # results a check compares, of each member


def word_file(index_dir: Path | None, abbreviations: bool) -> Path:
    """The editors' synonym (or abbreviation) file beside the index."""
    return config.beside_index(ABBREVIATIONS if abbreviations else SYNONYMS, index_dir)


ABBREVIATION_OPTION = click.option(
    "--abbreviation", "abbreviations", is_flag=True,
    help="The abbreviations (简称) file: the abbreviation first, then its full forms.")


def synonyms_group(index_option) -> click.Group:
    """``egov-search synonyms add|remove|list|check``."""

    @click.group()
    def synonyms() -> None:
        """Synonym and abbreviation groups added beside the index (<index>.synonyms.txt,
        <index>.abbreviations.txt). Search reads them on top of the built lists; a running
        server uses a change in its next search, without a rebuild."""

    @synonyms.command("add")
    @click.argument("group", nargs=-1, required=True)
    @ABBREVIATION_OPTION
    @index_option
    def add(group: tuple[str, ...], abbreviations: bool, index_dir: Path | None) -> None:
        """Add GROUP (two or more words that search for each other)."""
        path = word_file(index_dir, abbreviations)
        try:
            line = add_group(path, list(group))
        except SynonymError as err:
            raise click.ClickException(str(err)) from None
        click.echo(f"已添加{'简称' if abbreviations else '同义词'}：{line}（{path}）")

    @synonyms.command("remove")
    @click.argument("word")
    @ABBREVIATION_OPTION
    @index_option
    def remove(word: str, abbreviations: bool, index_dir: Path | None) -> None:
        """Remove every added group that has WORD."""
        removed = remove_groups(word_file(index_dir, abbreviations), word)
        if not removed:
            raise click.ClickException(f"添加的组里没有“{word}”（内置的词表请改 EGOV_SYNONYMS 后重建）")
        for line in removed:
            click.echo(f"已删除：{line}")

    @synonyms.command("list")
    @ABBREVIATION_OPTION
    @index_option
    def list_groups(abbreviations: bool, index_dir: Path | None) -> None:
        """List the groups editors added (the built lists are in the index's generation)."""
        path = word_file(index_dir, abbreviations)
        lines = [line for line in _lines(path) if members(line)]
        click.echo(f"{path}：{len(lines)} 组" if lines else f"还没有添加的组（{path}）")
        for line in lines:
            click.echo(f"  {line}")

    @synonyms.command("check")
    @click.argument("group", nargs=-1, required=True)
    @ABBREVIATION_OPTION
    @index_option
    def check(group: tuple[str, ...], abbreviations: bool, index_dir: Path | None) -> None:
        """Show what GROUP changes: for each of its words, the results without the group and with
        it, and the documents it now finds (the group need not be added yet)."""
        try:
            line = checked_group(list(group), abbreviations)
        except SynonymError as err:
            raise click.ClickException(str(err)) from None
        engine = live_index(index_dir)
        current = engine.view().editions
        name = "abbreviation_lines" if abbreviations else "synonym_lines"
        kept = tuple(old for old in getattr(current, name) if set(members(old)) != set(members(line)))
        without, with_group = replace(current, **{name: kept}), replace(current, **{name: (*kept, line)})
        for word in line.split():
            _compare(engine, word, without, with_group)

    return synonyms


def _lines(path: Path) -> tuple[str, ...]:
    """The file's lines, or the command's error naming file:line."""
    try:
        return read_lines(path)
    except SynonymError as err:
        raise click.ClickException(str(err)) from None


def _compare(engine, word: str, without: Editions, with_group: Editions) -> None:
    """Print what ``word`` finds without the group and with it."""
    before = engine.search_as_if(word, without, CHECKED)
    after = engine.search_as_if(word, with_group, CHECKED)
    known = {hit.id for hit in before.hits}
    new = [hit for hit in after.hits if hit.id not in known]
    click.echo(f"“{word}”：原来找到 {before.total} 篇，加上这一组后 {after.total} 篇"
               + (f"；新找到 {len(new)} 篇，例如：" if new else "；没有新找到的文档"))
    for hit in new[:SHOWN_NEW]:
        click.echo(f"    {hit.title}  {hit.id}")


def aliases_group(index_option) -> click.Group:
    """``egov-search aliases add|drop|list``."""

    @click.group()
    def aliases() -> None:
        """Office names in the 发布机构 facet (<index>.aliases.txt): one name for each office's
        forms, names dropped (a newspaper). Applied when documents are indexed: by the next
        `build`, or to the documents an `add` brings."""

    @aliases.command("add")
    @click.argument("name")
    @click.argument("forms", nargs=-1, required=True)
    @index_option
    def add(name: str, forms: tuple[str, ...], index_dir: Path | None) -> None:
        """Show NAME for each of FORMS."""
        _append(index_dir, f"{name} = {' '.join(forms)}")
        click.echo(f"已添加：{'、'.join(forms)} → {name}（下次 build 或 add 时生效）")

    @aliases.command("drop")
    @click.argument("names", nargs=-1, required=True)
    @index_option
    def drop(names: tuple[str, ...], index_dir: Path | None) -> None:
        """Leave NAMES out of 发布机构 (each document keeps it as its 来源)."""
        _append(index_dir, f"- {' '.join(names)}")
        click.echo(f"不再作为发布机构：{'、'.join(names)}（下次 build 或 add 时生效）")

    @aliases.command("list")
    @index_option
    def list_names(index_dir: Path | None) -> None:
        """List the table, then each 发布机构 of the live index and what the table makes of it."""
        path = config.beside_index("aliases.txt", index_dir)
        table = _table(path)
        click.echo(f"{path}：{len(table.names)} 个名称，{len(table.dropped)} 个不作为发布机构")
        for publisher, count in live_index(index_dir).search("").facets.get("publisher", {}).items():
            kept, dropped = table.offices(publisher)
            change = "（删除）" if dropped else f"→ {kept[0]}" if kept and kept[0] != publisher else ""
            click.echo(f"  {count:>5}  {publisher} {change}".rstrip())

    return aliases


def _table(path: Path) -> Aliases:
    """The alias table in ``path``, or the command's error naming file:line."""
    try:
        return Aliases.load(path)
    except AliasError as err:
        raise click.ClickException(str(err)) from None


def _append(index_dir: Path | None, line: str) -> None:
    """Add ``line`` to the alias table, checked with the table first."""
    path = config.beside_index("aliases.txt", index_dir)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    _table(path)
    try:
        Aliases.parse([*lines, line], str(path))
    except AliasError as err:
        raise click.ClickException(str(err)) from None
    write_lines(path, [*lines, line])
