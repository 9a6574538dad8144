"""Every path and setting in one place: an explicit argument, else ``$EGOV_*``, else the default.

The shipped word lists and the seed corpus live in the top-level ``corpus/`` folder, which is
packaged as ``egov_corpus``, so an installed wheel finds them as a source checkout does.

>>> index_dir("/tmp/x"), seed_path().name
(PosixPath('/tmp/x'), '2020-egov-top50.txt')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_INDEX = ".egov-index"
SEGMENTERS = ("rjieba", "jieba")
BACKENDS = ("whoosh", "opensearch")
DEFAULT_ALIAS = "egov-search"
MAX_PROCS = 4  # more processes than this gain little: the parent reads every document


class ConfigError(ValueError):
    """A setting or configured file that cannot be used; the message says which and why."""


def corpus_dir() -> Path:
    """The folder of the shipped seed corpus and word lists."""
    return Path(str(resources.files("egov_corpus")))


def _setting(value: str | Path | None, variable: str) -> str | None:
    """The explicit value, else the environment variable, else ``None``."""
    if value is not None and str(value) != "":
        return str(value)
    return os.environ.get(variable) or None


def index_dir(path: str | Path | None = None) -> Path:
    """The index folder: ``path``, else ``$EGOV_INDEX``, else ``.egov-index``."""
    return Path(_setting(path, "EGOV_INDEX") or DEFAULT_INDEX)


def _shipped_file(path: str | Path | None, variable: str, name: str) -> Path:
    """A word list: ``path``, else ``$variable``, else the shipped one; it must exist."""
    chosen = Path(_setting(path, variable) or corpus_dir() / name)
    if not chosen.is_file():
        raise ConfigError(f"{chosen}: no such file (set by {variable} or the default); "
                          "fix the path or unset the variable")
    return chosen


def seed_path() -> Path:
    """The seed corpus shipped with egov-search."""
    return corpus_dir() / "2020-egov-top50.txt"


def userdict_path(path: str | Path | None = None) -> Path:
    """The user dictionary (``$EGOV_USERDICT``)."""
    return _shipped_file(path, "EGOV_USERDICT", "userdict.txt")


def synonyms_path(path: str | Path | None = None) -> Path:
    """The synonym groups (``$EGOV_SYNONYMS``)."""
    return _shipped_file(path, "EGOV_SYNONYMS", "synonyms.txt")


def abbreviations_path(path: str | Path | None = None) -> Path:
    """The abbreviations, 简称 → full forms (``$EGOV_ABBREVIATIONS``)."""
    return _shipped_file(path, "EGOV_ABBREVIATIONS", "abbreviations.txt")


def segmenter(name: str | None = None) -> str:
    """The segmentation engine: ``rjieba`` (jieba-rs, the default) or ``jieba`` (``$EGOV_SEGMENTER``)."""
    chosen = (_setting(name, "EGOV_SEGMENTER") or SEGMENTERS[0]).lower()
    if chosen not in SEGMENTERS:
        raise ConfigError(f"EGOV_SEGMENTER must be one of {', '.join(SEGMENTERS)}, not {chosen!r}")
    return chosen


def default_procs() -> int:
    """Processes by default, to index or to serve: the machine's cores, at most :data:`MAX_PROCS`."""
    return max(1, min(os.cpu_count() or 1, MAX_PROCS))


def served_corpus(paths: str | None = None) -> list[str]:
    """What ``POST /api/admin/rebuild`` indexes: ``$EGOV_CORPUS`` (``os.pathsep``-separated),
    or nothing, which means the seed."""
    value = _setting(paths, "EGOV_CORPUS") or ""
    return [path for path in value.split(os.pathsep) if path]


def whole_number(variable: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """``$variable`` (from ``environ``, by default the process's) as a whole number, else ``default``.

    >>> whole_number("EGOV_IDLE_TIMEOUT", 15, {"EGOV_IDLE_TIMEOUT": "30"}), whole_number("EGOV_X", 15, {})
    (30, 15)
    >>> whole_number("EGOV_IDLE_TIMEOUT", 15, {"EGOV_IDLE_TIMEOUT": "30s"})
    Traceback (most recent call last):
    indexer.config.ConfigError: EGOV_IDLE_TIMEOUT must be a whole number, not '30s'
    """
    environ = os.environ if environ is None else environ
    if variable not in environ:
        return default
    try:
        return int(environ[variable])
    except ValueError:
        raise ConfigError(f"{variable} must be a whole number, not {environ[variable]!r}") from None


def decimal_number(variable: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    """``$variable`` as a number that may have a fraction (a delay in seconds), else ``default``.

    >>> decimal_number("EGOV_CRAWL_DELAY", 1.0, {"EGOV_CRAWL_DELAY": "0.25"})
    0.25
    """
    environ = os.environ if environ is None else environ
    if variable not in environ:
        return default
    try:
        value = float(environ[variable])
    except ValueError:
        value = float("nan")
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{variable} must be a number of 0 or more, not {environ[variable]!r}")
    return value


def beside_index(suffix: str, index: str | Path | None = None) -> Path:
    """A file of the index's own beside its folder, as its query log is: ``sites/gov`` →
    ``sites/gov.<suffix>``. The editors' files live there (``editors.sqlite3``, ``synonyms.txt``,
    ``abbreviations.txt``, ``aliases.txt``): a build never touches them.

    >>> beside_index("aliases.txt", "/srv/sites/gov")
    PosixPath('/srv/sites/gov.aliases.txt')
    """
    folder = index_dir(index).resolve()
    return folder.with_name(f"{folder.name}.{suffix}")


def crawl_store(path: str | Path | None = None, index: str | Path | None = None) -> Path:
    """The crawl store: ``path``, else ``$EGOV_CRAWL_STORE``, else ``crawl/`` beside the index
    folder (as the query log is)."""
    chosen = _setting(path, "EGOV_CRAWL_STORE")
    return Path(chosen) if chosen else index_dir(index).resolve().parent / "crawl"


def crawl_user_agent(value: str | None = None) -> str:
    """The crawler's User-Agent (``$EGOV_CRAWL_USER_AGENT``); its first word is the token that
    robots.txt rules name."""
    return _setting(value, "EGOV_CRAWL_USER_AGENT") or "egov-search/0.1 (site search crawler)"


def admin_token(token: str | None = None) -> str | None:
    """The admin token (``$EGOV_ADMIN_TOKEN``); without one the admin endpoint does not exist."""
    return _setting(token, "EGOV_ADMIN_TOKEN")


def backend(name: str | None = None) -> str:
    """The index backend: ``whoosh`` (embedded, the default) or ``opensearch`` (``$EGOV_BACKEND``)."""
    chosen = (_setting(name, "EGOV_BACKEND") or BACKENDS[0]).lower()
    if chosen not in BACKENDS:
        raise ConfigError(f"EGOV_BACKEND must be one of {', '.join(BACKENDS)}, not {chosen!r}")
    return chosen


@dataclass(frozen=True)
class OpenSearchSettings:
    """Where the OpenSearch backend's cluster is and how its indexes are laid out."""

    hosts: tuple[str, ...]  # node addresses, tried in turn
    user: str | None = None
    password: str | None = None
    ca_certs: str | None = None  # a CA bundle for https nodes with a private CA
    verify_certs: bool = True
    alias: str = DEFAULT_ALIAS  # searches and updates go through it; builds swap it
    shards: int = 1
    replicas: int = 1
    budget: float = 1.0  # seconds a search may take, on the wall clock (its requests' timeout)


def opensearch_settings(environ: Mapping[str, str] | None = None) -> OpenSearchSettings:
    """The cluster of ``$EGOV_OPENSEARCH_URL`` (addresses separated by commas, credentials in
    them or in ``$EGOV_OPENSEARCH_USER``/``PASSWORD``), with the other ``$EGOV_OPENSEARCH_*``.

    >>> s = opensearch_settings({"EGOV_OPENSEARCH_URL": "http://127.0.0.1:9200, https://u:p@b:9201"})
    >>> s.hosts, s.user, s.password, s.alias
    (('http://127.0.0.1:9200', 'https://b:9201'), 'u', 'p', 'egov-search')
    >>> opensearch_settings({"EGOV_OPENSEARCH_URL": "127.0.0.1:9200"})
    Traceback (most recent call last):
    indexer.config.ConfigError: EGOV_OPENSEARCH_URL: '127.0.0.1:9200' is not an http:// or https:// address
    """
    environ = os.environ if environ is None else environ
    listed = [url.strip() for url in environ.get("EGOV_OPENSEARCH_URL", "").split(",") if url.strip()]
    if not listed:
        raise ConfigError("EGOV_BACKEND=opensearch needs EGOV_OPENSEARCH_URL: the cluster's node "
                          "addresses, e.g. http://127.0.0.1:9200,http://127.0.0.1:9201")
    hosts, user, password = [], environ.get("EGOV_OPENSEARCH_USER"), environ.get("EGOV_OPENSEARCH_PASSWORD")
    for url in listed:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"EGOV_OPENSEARCH_URL: {url!r} is not an http:// or https:// address")
        user, password = parts.username or user, parts.password or password
        address = parts.netloc.rpartition("@")[2]  # the credentials go to the client apart
        hosts.append(f"{parts.scheme}://{address}{parts.path.rstrip('/')}")
    alias = environ.get("EGOV_OPENSEARCH_INDEX") or DEFAULT_ALIAS
    if alias != alias.lower() or not alias.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(f"EGOV_OPENSEARCH_INDEX must be lower-case letters, digits, - and _, not {alias!r}")
    verify = environ.get("EGOV_OPENSEARCH_VERIFY", "1")
    if verify not in ("0", "1"):
        raise ConfigError(f"EGOV_OPENSEARCH_VERIFY must be 1 (check certificates) or 0, not {verify!r}")
    return OpenSearchSettings(
        tuple(hosts), user, password, environ.get("EGOV_OPENSEARCH_CA") or None, verify == "1", alias,
        max(1, whole_number("EGOV_OPENSEARCH_SHARDS", 1, environ)),
        max(0, whole_number("EGOV_OPENSEARCH_REPLICAS", 1, environ)),
        max(0.01, decimal_number("EGOV_OPENSEARCH_BUDGET", 1.0, environ)))


@dataclasses.dataclass(frozen=True)
class ReadLimits:
    """What reading one page or attachment may cost, and what one document may keep; each can be
    changed with ``EGOV_<NAME>`` (``EGOV_READ_SECONDS=60``). Why these values: ``docs/reading.md``.

    >>> ReadLimits.from_environ({"EGOV_READ_SECONDS": "5"})
    ReadLimits(read_seconds=5, read_megabytes=512, read_chars=2000000, field_values=50)
    >>> ReadLimits.from_environ({"EGOV_FIELD_VALUES": "0"})
    Traceback (most recent call last):
    indexer.config.ConfigError: EGOV_FIELD_VALUES must be at least 1, not 0
    """

    read_seconds: int = 30  # wall time to read one file, in its own process
    read_megabytes: int = 512  # memory that process may take beyond what it had at its start
    read_chars: int = 2_000_000  # text kept from one file (about 1,000 printed pages)
    field_values: int = 50  # values kept of a several-valued field (主题分类, 主题词, …)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ReadLimits:
        """The defaults, with any ``EGOV_<NAME>`` from ``environ`` (by default the process's)."""
        return cls(**{field.name: at_least_one(f"EGOV_{field.name.upper()}", field.default, environ)
                      for field in dataclasses.fields(cls)})


FACET_VALUES = 20


def at_least_one(variable: str, default: int, environ: Mapping[str, str] | None = None) -> int:
    """:func:`whole_number` that must be 1 or more."""
    value = whole_number(variable, default, environ)
    if value < 1:
        raise ConfigError(f"{variable} must be at least 1, not {value}")
    return value


def facet_values(environ: Mapping[str, str] | None = None) -> int:
    """Values a facet lists, the most frequent first (``$EGOV_FACET_VALUES``, default 20)."""
    return at_least_one("EGOV_FACET_VALUES", FACET_VALUES, environ)
