"""Run a command and measure it: wall time and the peak resident memory of its process tree."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = (0.05, 0.5)  # sampling interval: fine for the first seconds, then coarse
FINE_SECONDS = 5.0


@dataclass
class Measured:
    """A finished command: exit code, seconds, peak RSS of it and its children (bytes), stderr."""

    returncode: int
    seconds: float
    peak_rss: int
    stderr: str


def tree_rss(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text()
        except OSError:  # the process ended while we looked
            continue
        pid = int(entry.name)
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(statm.split()[1]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total


def run_measured(command: list[str], env: dict | None = None) -> Measured:
    """Run ``command`` to completion, sampling its process tree's memory as it runs."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    stderr_chunks: list[str] = []
    while True:
        try:
            fine = time.perf_counter() - started < FINE_SECONDS
            _, err = process.communicate(timeout=SAMPLE_SECONDS[0 if fine else 1])
            stderr_chunks.append(err or "")
            break
        except subprocess.TimeoutExpired:
            peak = max(peak, tree_rss(process.pid))
    return Measured(process.returncode, time.perf_counter() - started, peak, "".join(stderr_chunks))


def child_pids(parent: int) -> list[int]:
    """The live processes whose parent is ``parent`` (not the exited ones not yet reaped),
    read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, parent_pid = stat.rsplit(")", 1)[1].split()[:2]
            if int(parent_pid) == parent and state != "Z":
                found.append(int(entry.name))
    return sorted(found)


def process_memory(pid: int) -> dict[str, int]:
    """Bytes of one process: ``rss``; ``anon`` (its heap, never shared with another process) and
    ``file`` (mapped files: the index's segments, libraries) out of it; ``uss`` (pages only it
    maps) and ``pss`` (its share of every page), from /proc/PID/status and smaps_rollup."""
    kib = {}
    for line in [*Path(f"/proc/{pid}/status").read_text().splitlines(),
                 *Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]]:
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            kib[name] = int(value.split()[0]) * 1024
    return {"rss": kib["VmRSS"], "anon": kib["RssAnon"], "file": kib["RssFile"] + kib.get("RssShmem", 0),
            "uss": kib["Private_Clean"] + kib["Private_Dirty"], "pss": kib["Pss"]}
