"""The files of a website folder, and the id each one gets: its path, safe in a URL.

The walk is iterative (a tree thousands of folders deep is walked like a flat one), skips hidden
files and folders and files no reader takes, and never follows a symbolic link to a folder; a
link whose target is outside the folder is skipped with a warning.

A file's id is its path relative to the folder, with POSIX slashes. A name that a URL cannot
carry as it is gets each such character percent-encoded, so that it keeps a stable id that
``/doc/<id>`` reaches: control characters (a tab, a newline) as their UTF-8 bytes, and the bytes
of a name that is not UTF-8 (a GBK name from a mirror of a Chinese site, a lone surrogate's
bytes) as themselves. In the rare case where that id is already another file's, the odd name is
skipped. A path ``open`` cannot take (longer than the system allows) is ``unreadable``.

>>> file_id("zwgk/a\\tb.html"), file_id(os.fsdecode("公告".encode("gbk") + b".html")), file_id("通知.html")
('zwgk/a%09b.html', '%B9%AB%B8%E6.html', '通知.html')
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from .skipped import NAME_TAKEN, SYMLINK_OUTSIDE, UNREADABLE, SkipCallback, log_skipped

SUFFIXES = {".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html", ".pdf": "pdf",
            ".docx": "docx", ".txt": "text", ".md": "text", ".markdown": "text", ".jsonl": "jsonl"}
#: What a URL path cannot carry as it is: control characters and the bytes of a name that is not
#: UTF-8 (which Python reads as the lone surrogates U+DC80–U+DCFF).
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")


def reader_of(name: str) -> str | None:
    """The reader for a file name: ``html``, ``pdf``, ``docx``, ``text``, ``jsonl`` or ``None``.

    >>> reader_of("a/INDEX.SHTML"), reader_of("x.jsonl.gz"), reader_of("x.gz"), reader_of("x.doc")
    ('html', 'jsonl', None, None)
    """
    lower = name.lower()
    if lower.endswith(".jsonl.gz"):
        return "jsonl"
    return SUFFIXES.get(posixpath.splitext(lower)[1])


def _encoded(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as the file system gave it
        return f"%{code - 0xDC00:02X}"
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8"))


def file_id(relative: str) -> str:
    """The id of the file at ``relative`` (POSIX slashes), by the rules of the module docstring."""
    return UNSAFE.sub(lambda match: _encoded(match.group()), relative)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def walk(root: Path, skipped: SkipCallback = log_skipped) -> list[tuple[str, Path]]:
    """``(id, path)`` of every readable file below ``root``, sorted by id."""
    real_root = root.resolve()
    found: dict[str, Path] = {}
    renamed: list[tuple[str, Path]] = []
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            if prefix:
                skipped(file_id(prefix.rstrip("/")), UNREADABLE)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative, path = prefix + entry.name, folder / entry.name
            doc_id = file_id(relative)
            try:
                is_link, is_folder = entry.is_symlink(), entry.is_dir()
            except OSError:
                is_link = is_folder = False
            if is_folder:
                if not is_link:
                    folders.append((path, relative + "/"))
                elif not _inside(path, real_root):  # a linked folder inside is read under its own path
                    skipped(doc_id, SYMLINK_OUTSIDE)
                continue
            if reader_of(entry.name) is None:
                continue
            if is_link and not path.exists():
                skipped(doc_id, UNREADABLE)
            elif is_link and not _inside(path, real_root):
                skipped(doc_id, SYMLINK_OUTSIDE)
            elif doc_id != relative:
                renamed.append((doc_id, path))
            else:
                found[doc_id] = path
    for doc_id, path in renamed:
        if doc_id in found:
            skipped(doc_id, NAME_TAKEN)
        else:
            found[doc_id] = path
    return sorted(found.items())
