"""What an answer means for its address, recorded in the store with an outcome and a reason.

Outcomes: ``new``, ``changed``, ``unchanged`` (a 304, or the same bytes), ``gone`` (its kept file
removed: 404/410, no longer allowed, ``noindex``), ``dead`` (404/410, never kept), ``redirect``,
``duplicate`` (the same bytes as another address, or a canonical address elsewhere in scope),
``skipped`` (not fetched or not kept, with the reason), ``error`` (no usable answer: the kept
file, if any, stays), ``read`` (a sitemap). A page's links are followed whatever it is kept as,
unless it says ``nofollow``; an unchanged page's links come from the store.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .content import PageLinks, page_links, robots_directives, sniff
from .fetch import Answer
from .frontier import Item
from .sitemaps import parse_sitemap
from .urls import fallback_path, file_path, host_of, join

if TYPE_CHECKING:
    from .crawler import Crawler

LOG = logging.getLogger("egov_search.crawl")
REDIRECTS = (301, 302, 303, 307, 308)
FORGET = {"etag": None, "last_modified": None, "hash": None, "file": None}


def validators(record) -> dict[str, str | None]:
    """The conditional headers' values for an address the store has a usable copy of."""
    if record is None or not (record["etag"] or record["last_modified"]):
        return {}
    return {"etag": record["etag"], "last_modified": record["last_modified"]}


def answer(crawl: Crawler, item: Item, got: Answer) -> None:
    """Record what ``got`` means for ``item``."""
    record = crawl.store.record(item.url)
    if got.error:
        _settle(crawl, item.url, "error", logged=True, reason=got.error)
    elif got.status == 304 and record is not None:
        _settle(crawl, item.url, "unchanged" if record["file"] else record["outcome"], status=304,
                fetched=time.time())
        _follow_kept(crawl, item)
    elif got.status in REDIRECTS:
        _redirect(crawl, item, record, got)
    elif got.status in (404, 410):
        outcome = "gone" if _drop(crawl, record) else "dead"
        _settle(crawl, item.url, outcome, status=got.status, reason=f"HTTP {got.status}", **FORGET)
        crawl.store.set_links(item.url, [])
    elif not 200 <= got.status < 300:
        _settle(crawl, item.url, "error", logged=True, status=got.status, reason=f"HTTP {got.status}")
    elif item.kind == "sitemap":
        _sitemap(crawl, item, got)
    else:
        _content(crawl, item, record, got)


def disallowed(crawl: Crawler, item: Item) -> None:
    """``item`` may not be fetched by robots.txt: never requested, its copy dropped."""
    dropped = _drop(crawl, crawl.store.record(item.url))
    _settle(crawl, item.url, "gone" if dropped else "skipped", reason="disallowed by robots.txt", **FORGET)


def add_sitemap(crawl: Crawler, url: str, lastmod: str | None) -> None:
    """Queue a sitemap, unless an index says by its ``lastmod`` that our copy is current: then
    its entries are taken from the store without a request."""
    record = crawl.store.record(url)
    if (lastmod and record is not None and record["fetched"] and record["outcome"] == "read"
            and url not in crawl.frontier.seen and host_of(url) in crawl.scope.hosts
            and _before(lastmod, record["fetched"])):
        crawl.frontier.seen.add(url)
        crawl.store.discover(url, crawl.run, 0, "sitemap")
        _settle(crawl, url, "read")
        _follow_kept(crawl, Item(url, "sitemap", 0))
    else:
        crawl.frontier.add(url, "sitemap", 0)


def _before(lastmod: str, fetched: float) -> bool:
    """Whether a sitemap ``lastmod`` is no later than ``fetched`` (an unreadable one is not)."""
    try:
        moment = datetime.fromisoformat(lastmod.strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() <= fetched


def _settle(crawl: Crawler, url: str, outcome: str, logged: bool = False, **values) -> None:
    """Record ``outcome`` (and ``values``) for ``url``; count it; log errors with the reason."""
    if logged:
        LOG.warning("%s: %s", url, values.get("reason"))
    crawl.store.settle(url, crawl.run, outcome=outcome, **values)
    crawl.tally.outcomes[outcome] += 1


def _drop(crawl: Crawler, record) -> bool:
    """Remove the file kept for ``record``; whether there was one."""
    if record is None or not record["file"]:
        return False
    crawl.store.remove_file(record["file"])
    crawl.store.put("dirty", True)
    return True


def _follow(crawl: Crawler, item: Item, links: list[tuple[str, str, str, str | None]]) -> None:
    """Keep ``item``'s links (those in scope) and queue them."""
    kept = [link for link in links if link[1] == "sitemap" or crawl.scope.allows(link[0])]
    crawl.store.set_links(item.url, kept)
    for target, kind, _, lastmod in kept:
        if kind == "sitemap":
            add_sitemap(crawl, target, lastmod)
        else:
            crawl.frontier.add(target, kind, item.depth + 1)


def _follow_kept(crawl: Crawler, item: Item) -> None:
    """Queue the links the store kept for an unchanged ``item``."""
    for link in crawl.store.links_of(item.url):
        if link["kind"] == "sitemap":
            add_sitemap(crawl, link["target"], link["lastmod"])
        else:
            crawl.frontier.add(link["target"], link["kind"], item.depth + 1)


def _redirect(crawl: Crawler, item: Item, record, got: Answer) -> None:
    """Follow a redirect within scope, at most :attr:`max_redirects` in a row, never in a loop."""
    target = join(item.url, got.header("location"))
    _drop(crawl, record)
    values = {"status": got.status, "target": target, **FORGET}
    if target is None:
        _settle(crawl, item.url, "error", logged=True, reason="redirect without a valid Location", **values)
    elif item.hops >= crawl.limits.max_redirects:
        _settle(crawl, item.url, "error", logged=True, reason="too many redirects", **values)
    elif _loops(crawl, item.url, target):
        _settle(crawl, item.url, "error", logged=True, reason="redirect loop", **values)
    else:
        _settle(crawl, item.url, "redirect", reason=f"to {target}", **values)
        queued = crawl.frontier.add(target, item.kind, item.depth, item.hops + 1)
        if not queued and target not in crawl.frontier.seen:
            entry = item.url in crawl.scope.seeds
            (LOG.warning if entry else LOG.info)(
                "%s: redirects outside the crawl, to %s%s", item.url, target,
                ": give that address instead (or --allow it)" if entry else "")


def _loops(crawl: Crawler, start: str, target: str) -> bool:
    """Whether following redirects from ``target`` leads back to ``start``."""
    for _ in range(crawl.limits.max_redirects + 1):
        if target == start:
            return True
        record = crawl.store.record(target)
        if record is None or record["outcome"] != "redirect" or not record["target"]:
            return False
        target = record["target"]
    return False


def _sitemap(crawl: Crawler, item: Item, got: Answer) -> None:
    """Queue a sitemap's entries: sitemaps of an index, pages of a urlset."""
    found = parse_sitemap(got.body, crawl.limits.max_sitemap_urls)
    kind = "sitemap" if found.index else "page"
    links = [(target, kind, "", lastmod) for target, lastmod in
             ((join(item.url, loc), lastmod) for loc, lastmod in found.entries) if target]
    _follow(crawl, Item(item.url, item.kind, 0), links)
    _settle(crawl, item.url, "read", status=got.status, etag=got.header("etag") or None,
            last_modified=got.header("last-modified") or None, fetched=time.time())


def _content(crawl: Crawler, item: Item, record, got: Answer) -> None:
    """A page or attachment: follow its links, then keep it, or say why it is not kept."""
    content_type = got.header("content-type")
    kind = sniff(got.body, content_type)
    found = PageLinks()
    found.noindex, found.nofollow = robots_directives(got.header("x-robots-tag"))
    if kind == "html":
        found = page_links(got.body, item.url, crawl.limits.max_links, got.header("x-robots-tag"))
        _follow(crawl, item, [(target, "page", text, None) for target, text in found.links])
    digest = hashlib.sha256(got.body).hexdigest()
    values = {"status": got.status, "content_type": content_type, "etag": got.header("etag") or None,
              "last_modified": got.header("last-modified") or None, "hash": digest, "size": len(got.body),
              "fetched": time.time()}
    canonical = found.canonical if found.canonical and found.canonical != item.url \
        and crawl.scope.allows(found.canonical) else None
    owner = crawl.store.owner_of_hash(digest, item.url) if kind else None
    if kind is None:
        reason = f"not a page or document ({content_type or 'no type'})"
    elif found.noindex:
        reason = "noindex"
    elif canonical:
        reason = f"canonical is {canonical}"
    else:
        reason = f"same as {owner}" if owner else None
    if reason:
        dropped = _drop(crawl, record)
        outcome = "duplicate" if canonical or owner else "gone" if dropped else "skipped"
        _settle(crawl, item.url, outcome, reason=reason, **{**values, "file": None})
        if canonical:
            crawl.frontier.add(canonical, "page", item.depth)
    elif record is not None and record["file"] and record["hash"] == digest:
        _settle(crawl, item.url, "unchanged", **values)
    else:
        path = _keep(crawl, item.url, kind, got.body, record)
        _settle(crawl, item.url, "changed" if record is not None and record["file"] else "new",
                file=path, changed=time.time(), **values)


def _keep(crawl: Crawler, url: str, kind: str, body: bytes, record) -> str:
    """Write ``body`` where the mirror keeps ``url`` (a hashed name if that place is taken)."""
    path = file_path(url, kind)
    owner = crawl.store.file_owner(path)
    if owner is not None and owner != url:
        path = fallback_path(url, kind)
    try:
        crawl.store.write_file(path, body)
    except OSError:  # a folder of that name, or a name the file system refuses
        path = fallback_path(url, kind)
        crawl.store.write_file(path, body)
    if record is not None and record["file"] and record["file"] != path:
        crawl.store.remove_file(record["file"])
    crawl.store.put("dirty", True)
    return path
