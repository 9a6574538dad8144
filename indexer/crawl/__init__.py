"""The crawler: from a site's address to a live, fresh index.

Stages, one module each: :mod:`.settings` (limits, all with a default and an ``EGOV_CRAWL_*``
setting) → :mod:`.urls` (canonical form, scope, traps, where a URL's file goes) →
:mod:`.fetch` (one polite request under a byte cap and a deadline) → :mod:`.content` (what the
bytes are; links, ``noindex``/``nofollow``, canonical) with :mod:`.robots` and
:mod:`.sitemaps` → :mod:`.store` (SQLite records, the files as a ``wget --mirror`` tree) →
:mod:`.crawler` (the frontier and per-host politeness) → :mod:`.indexing` (the store read by
the site readers, like a mirror, into a build or an incremental update) → :mod:`.report`.

:func:`.run.crawl_site` is the entry point. Nothing is imported here: every command's start
would pay for httpx (0.15 s), and the web app needs only the report and the store.
"""
