"""The editors' commands: ``egov-search pins`` and ``egov-search validity``, which take effect
in a running server's next search; :mod:`indexer.cli` registers them (and those of
:mod:`.wordcommands`). Output in Chinese, help in English.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .. import config
from ..analysis.validity import VALUES, canonical
from ..index.store import IndexMissingError
from ..search.engine import SearchEngine, open_index
from .pins import MATCHES, Pin, PinError
from .state import EDITORS
from .store import EditorsFile

MATCH_LABELS = {"exact": "整个查询", "contains": "包含该词"}
OPTIONS = {"query": "QUERY", "doc_id": "--doc", "starts": "--from", "expires": "--until"}  # a pin's fields


def editors_file(index_dir: Path | None) -> EditorsFile:
    """The editors' file of the index folder (``<index>.editors.sqlite3``)."""
    return EditorsFile(config.beside_index(EDITORS, index_dir))


def live_index(index_dir: Path | None) -> SearchEngine:
    """The live index, or the command's error."""
    try:
        return open_index(index_dir)
    except IndexMissingError as err:
        raise click.ClickException(str(err)) from None


def pins_group(index_option) -> click.Group:
    """``egov-search pins add|list|remove``."""

    @click.group()
    def pins() -> None:
        """Pinned answers (服务直达): a document or a service link shown above the results of a
        query. A running server shows a change in its next search."""

    @pins.command("add")
    @click.argument("query")
    @click.option("--doc", "doc_id", metavar="ID", help="Pin this document of the index.")
    @click.option("--title", help="Pin an outside service link: its title (with --url).")
    @click.option("--url", help="The outside link's address (http:// or https://).")
    @click.option("--description", help="A line under the title [default for a document: its text's start].")
    @click.option("--match", type=click.Choice(MATCHES), default="exact", show_default=True,
                  help="exact: the whole query (normalised as search does); contains: a query holding it.")
    @click.option("--from", "starts", metavar="YYYY-MM-DD", help="Shown from this day on.")
    @click.option("--until", "expires", metavar="YYYY-MM-DD", help="Shown until this day (included).")
    @index_option
    def add(query: str, doc_id: str | None, title: str | None, url: str | None, description: str | None,
            match: str, starts: str | None, expires: str | None, index_dir: Path | None) -> None:
        """Pin a document (--doc ID) or a link (--title, --url) to QUERY."""
        if doc_id and live_index(index_dir).document(doc_id) is None:
            raise click.ClickException(f"索引中没有文档 {doc_id}")
        try:
            pin = editors_file(index_dir).add_pin(query, match, doc_id, title, description, url, starts,
                                                  expires)
        except PinError as err:
            raise click.BadParameter(str(err), param_hint=OPTIONS.get(err.param, f"--{err.param}")) from None
        click.echo(f"已置顶（编号 {pin.id}）：{describe(pin)}")

    @pins.command("list")
    @index_option
    def list_pins(index_dir: Path | None) -> None:
        """List every pin: its number, query, what it shows, when, and whether it is shown now."""
        found = editors_file(index_dir).pins()
        if not found:
            click.echo("还没有置顶。用 egov-search pins add 添加。")
            return
        engine = live_index(index_dir)
        today = date.today()
        for pin in found:
            missing = pin.doc_id is not None and engine.document(pin.doc_id) is None
            click.echo(f"{pin.id:>4}  [{state(pin, today, missing)}]  {describe(pin)}")

    @pins.command("remove")
    @click.argument("pin_id", type=int, metavar="NUMBER")
    @index_option
    def remove(pin_id: int, index_dir: Path | None) -> None:
        """Remove pin NUMBER (see `pins list`)."""
        pin = editors_file(index_dir).remove_pin(pin_id)
        if pin is None:
            raise click.ClickException(f"没有编号为 {pin_id} 的置顶（见 egov-search pins list）")
        click.echo(f"已取消置顶（编号 {pin.id}）：{describe(pin)}")

    return pins


def describe(pin: Pin) -> str:
    """One line: the query, how it matches, what is shown, and when."""
    shown = f"文档 {pin.doc_id}" if pin.doc_id else f"链接“{pin.title}” {pin.url}"
    when = f"，{pin.starts or '即日'} 至 {pin.expires or '长期'}" if pin.starts or pin.expires else ""
    return f"“{pin.query}”（{MATCH_LABELS[pin.match]}）→ {shown}{when}"


def state(pin: Pin, today: date, missing: bool) -> str:
    """Whether a pin shows today, in Chinese."""
    if missing:
        return "文档已不在索引中"
    if pin.starts and today.isoformat() < pin.starts:
        return "未开始"
    return "已过期" if not pin.active(today) else "生效中"


def validity_group(index_option) -> click.Group:
    """``egov-search validity set|clear|list``."""

    @click.group()
    def validity() -> None:
        """A document's validity (有效性) set by hand, over what the index read; a running server
        applies it in its next search (badge, 有效性 filter and facet, and ranking)."""

    @validity.command("set")
    @click.argument("doc_id", metavar="ID")
    @click.argument("value", metavar="VALUE")
    @index_option
    def set_value(doc_id: str, value: str, index_dir: Path | None) -> None:
        """Set document ID's validity to VALUE: 现行有效, 已修改, 已废止 or 已失效."""
        chosen = canonical(value)
        if chosen not in VALUES:
            raise click.BadParameter(f"有效性只能是 {'、'.join(VALUES)}", param_hint="VALUE")
        doc = live_index(index_dir).document(doc_id)
        if doc is None:
            raise click.ClickException(f"索引中没有文档 {doc_id}")
        editors_file(index_dir).set_validity(doc_id, chosen)
        click.echo(f"已设为{chosen}：{doc['title']}（{doc_id}）")

    @validity.command("clear")
    @click.argument("doc_id", metavar="ID")
    @index_option
    def clear(doc_id: str, index_dir: Path | None) -> None:
        """Go back to the validity the index read for document ID."""
        if not editors_file(index_dir).set_validity(doc_id, None):
            raise click.ClickException(f"没有为 {doc_id} 设置过有效性")
        click.echo(f"已取消设置，恢复索引中的有效性：{doc_id}")

    @validity.command("list")
    @index_option
    def list_values(index_dir: Path | None) -> None:
        """List the validity set by hand, and that declared by documents of the index (a
        repeal: 《旧办法》同时废止)."""
        engine = live_index(index_dir)
        declared = engine.declared_validity()
        rows = [(value, doc_id, "编辑设置") for doc_id, value in editors_file(index_dir).validity().items()]
        rows += [(value, doc_id, "文件中宣布") for doc_id, value in declared.items()]
        if not rows:
            click.echo("没有手动设置或文件中宣布的有效性。")
        for value, doc_id, source in rows:
            doc = engine.document(doc_id)
            click.echo(f"{value}  [{source}]  {doc['title'] if doc else '（已不在索引中）'}  {doc_id}")

    return validity
