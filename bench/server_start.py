"""Server start benchmark (issue 15): process start to the first answer of /healthz.

    .venv/bin/python -m bench.server_start [--runs 5] [--before /tmp/before-start]

Starts the server the way README's run command and tests/live.py's ServerProcess do
(`python -m sync_server serve`: migrate, then uvicorn with the app factory, SQLite,
generated SECRET_KEY) and polls /healthz every 10 ms. Prints, each with its goal:

- start to first response on a fresh database (new DATA_DIR: secret, migrations from
  nothing, first signing key) and on an already-migrated one (median and max);
- the time of `import sync_server.main` in a fresh interpreter (median) and the
  heaviest packages it pulls in (`python -X importtime`, self time summed per package);
- the wall time of CLI calls: `--help` and `migrate` on a migrated database.

Beside each wall time stands the CPU time the measured process used (user + system,
Linux: the server's from /proc at its first answer): on a machine shared with other
work the wall time swings with the load, the CPU time much less, so compare those.

`--before PATH` runs every measurement also from another checkout (e.g. a worktree of
an older commit, with this venv), interleaved run by run so that the load of a shared
machine falls on both alike, and prints the ratio after / before.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from tests.live import free_port, stop_child

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
START_GOAL_S = 2.0
IMPORT_GOAL_S = 1.0
HELP_GOAL_S = 0.5
MIGRATE_GOAL_S = 1.0
POLL_S = 0.01
GIVE_UP_S = 120.0

#: One measurement: (wall seconds, CPU seconds of the measured process).
Figures = tuple[float, float]
Measure = Callable[[Path, Path], Figures]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _env(root: Path, data_dir: Path) -> dict[str, str]:
    """The environment of a server or CLI run from checkout `root` (as ServerProcess's)."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(root)}
    env.pop("SECRET_KEY", None)  # the generated-secret path, as a first start takes it
    env.pop("DATABASE_URL", None)  # SQLite in DATA_DIR
    return env


def _healthy(port: int) -> bool:
    """True when /healthz answers 200 right now."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def _cpu_of(pid: int) -> float:
    """CPU seconds (user + system) process `pid` has used so far; NaN off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_seconds(root: Path, data_dir: Path) -> Figures:
    """Seconds from starting `python -m sync_server serve` to its first 200 on /healthz."""
    port = free_port()
    cmd = [PYTHON, "-m", "sync_server", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir.parent / f"{data_dir.name}.log").open("ab")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=_env(root, data_dir), stdout=log, stderr=log)
    try:
        while not _healthy(port):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}; see {log.name}")
            if time.perf_counter() - started > GIVE_UP_S:
                raise TimeoutError(f"no answer in {GIVE_UP_S} s")
            time.sleep(POLL_S)
        return time.perf_counter() - started, _cpu_of(proc.pid)
    finally:
        stop_child(proc)
        log.close()


def start_fresh(root: Path, scratch: Path) -> Figures:
    """Start on a database that does not exist yet."""
    data_dir = Path(tempfile.mkdtemp(prefix="fresh-", dir=scratch))
    return start_seconds(root, data_dir)


def start_migrated(root: Path, scratch: Path) -> Figures:
    """Start on a database already migrated and started once (key and identity made)."""
    data_dir = scratch / f"migrated-{root.name}"
    if not data_dir.exists():
        data_dir.mkdir()
        start_seconds(root, data_dir)  # the first start: not measured
    return start_seconds(root, data_dir)


def _wall(root: Path, data_dir: Path, args: list[str]) -> Figures:
    """Wall and CPU seconds of `python args...` run from `root` (must exit 0)."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [PYTHON, *args], cwd=root, env=_env(root, data_dir), check=True, capture_output=True
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def import_seconds(root: Path, scratch: Path) -> Figures:
    """Seconds `import sync_server.main` takes in a fresh interpreter (timed inside it)."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time(); import sync_server.main;"
        " print(time.perf_counter() - t, time.process_time() - c)"
    )
    out = subprocess.run(
        [PYTHON, "-c", code], cwd=root, env=_env(root, scratch), check=True, capture_output=True
    )
    wall, cpu = out.stdout.decode().split()
    return float(wall), float(cpu)


def cli_help(root: Path, scratch: Path) -> Figures:
    """Wall seconds of `python -m sync_server --help`."""
    return _wall(root, scratch / "cli", ["-m", "sync_server", "--help"])


def cli_migrate(root: Path, scratch: Path) -> Figures:
    """Wall seconds of `python -m sync_server migrate` on a database already at head."""
    data_dir = scratch / f"cli-{root.name}"
    if not data_dir.exists():
        _wall(root, data_dir, ["-m", "sync_server", "migrate"])
    return _wall(root, data_dir, ["-m", "sync_server", "migrate"])


def heaviest_imports(root: Path, top: int = 10) -> list[tuple[str, float]]:
    """The packages `import sync_server.main` spends most in: (name, ms of self time)."""
    out = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", "import sync_server.main"],
        cwd=root,
        env=_env(root, Path(tempfile.gettempdir())),
        check=True,
        capture_output=True,
        text=True,
    )
    spent: dict[str, float] = defaultdict(float)
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if m:
            spent[m.group(2).split(".")[0]] += int(m.group(1)) / 1000
    return sorted(spent.items(), key=lambda kv: -kv[1])[:top]


MEASURES: list[tuple[str, Measure, float]] = [
    ("start, fresh database", start_fresh, START_GOAL_S),
    ("start, migrated database", start_migrated, START_GOAL_S),
    ("import sync_server.main", import_seconds, IMPORT_GOAL_S),
    ("CLI --help", cli_help, HELP_GOAL_S),
    ("CLI migrate (at head)", cli_migrate, MIGRATE_GOAL_S),
]


def _line(label: str, figures: list[Figures], goal: float) -> str:
    walls = [wall for wall, _cpu in figures]
    med, worst = statistics.median(walls), max(walls)
    cpu = statistics.median(cpu for _wall, cpu in figures)
    verdict = "ok" if med < goal else "OVER"
    return (
        f"  {label:<26} median {med:5.2f} s  max {worst:5.2f} s  goal < {goal:.1f} s"
        f"  {verdict:<4}  (CPU {cpu:4.2f} s)"
    )


def run(roots: dict[str, Path], runs: int) -> None:
    """Measure every entry of MEASURES `runs` times per checkout, interleaved, and print."""
    results: dict[tuple[str, str], list[Figures]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        scratch = Path(tmp)
        (scratch / "cli").mkdir()
        for _ in range(runs):
            for label, measure, _goal in MEASURES:
                for name, root in roots.items():
                    results[(name, label)].append(measure(root, scratch))
    for name, root in roots.items():
        print(f"{name} ({root}), {runs} runs each:")
        for label, _measure, goal in MEASURES:
            print(_line(label, results[(name, label)], goal))
        heavy = ", ".join(f"{pkg} {ms:.0f}" for pkg, ms in heaviest_imports(root))
        print(f"  heaviest imports (ms, -X importtime self time): {heavy}")
    if "before" in roots:
        print("after / before (medians):")
        for label, _measure, _goal in MEASURES:
            ratios = [_ratio(results, label, i) for i in (0, 1)]
            print(f"  {label:<26} wall {ratios[0]:5.2f}  CPU {ratios[1]:5.2f}")


def _ratio(results: dict[tuple[str, str], list[Figures]], label: str, i: int) -> float:
    """after / before of the medians of figure `i` (0 wall, 1 CPU) of `label`."""
    after = statistics.median(f[i] for f in results[("after", label)])
    before = statistics.median(f[i] for f in results[("before", label)])
    return after / before


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an older checkout to compare with")
    args = parser.parse_args()
    roots = {"after": ROOT}
    if args.before:
        roots = {"before": args.before.resolve(), "after": ROOT}
    run(roots, args.runs)


if __name__ == "__main__":
    main()
