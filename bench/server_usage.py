"""CPU time and disk writes of a server's whole process tree (master and workers), from /proc.

Linux only: `utime + stime` of /proc/<pid>/stat and `write_bytes` of /proc/<pid>/io (what
reached the block layer, WAL and checkpoints included) for a process and its descendants,
read while they still run (a worker's figures vanish when it exits).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    """What a process tree has used since it started."""

    cpu_s: float
    written: int  # bytes

    def __sub__(self, other: Usage) -> Usage:
        return Usage(self.cpu_s - other.cpu_s, self.written - other.written)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _one(pid: int) -> Usage:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
        io = Path(f"/proc/{pid}/io").read_text().splitlines()
        written = next(int(line.split()[1]) for line in io if line.startswith("write_bytes"))
        return Usage(cpu, written)
    except (OSError, ValueError, StopIteration):
        return Usage(0.0, 0)  # exited meanwhile


def tree_usage(pid: int) -> Usage:
    """CPU seconds and bytes written by `pid` and every process under it, so far."""
    parts = [_one(p) for p in _tree(pid)]
    return Usage(sum(u.cpu_s for u in parts), sum(u.written for u in parts))


def self_written() -> int:
    """Bytes this process has written to disk so far."""
    return _one(os.getpid()).written
