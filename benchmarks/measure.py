"""Run a command in its own process: wall time and peak resident memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Run:
    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0  # user + system: less sensitive than wall time to other work on the machine


def measure(command: list[str], cwd=None, repeat: int = 3, env=None, expect: int = 0) -> Run:
    """The fastest of `repeat` runs, with that run's peak RSS (Linux: ru_maxrss is in KiB).

    `expect` is the exit status a run must end with (1 for a check that must refuse its input)."""
    best: Run | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != expect:
            sys.exit(f"benchmark command failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
        run = Run(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)
        best = run if best is None or run.seconds < best.seconds else best
    assert best is not None
    return best


def compare(baseline: list[str], ours: list[str], repeat: int = 3, cwd=None, expect: int = 0) -> tuple[Run, Run]:
    """Alternate the two commands so that a noisy moment hurts both alike; best run of each."""
    base, mine = alternate([baseline, ours], repeat=repeat, cwd=cwd, expect=expect)
    return base, mine


def rounds(commands: list[list[str]], repeat: int = 3, cwd=None, expect: int = 0) -> list[list[Run]]:
    """Run the commands in turn, `repeat` rounds; every run of each. `expect` applies to the last."""
    runs: list[list[Run]] = [[] for _ in commands]
    last = len(commands) - 1
    for _ in range(repeat):
        for index, command in enumerate(commands):
            runs[index].append(measure(command, cwd=cwd, repeat=1, expect=expect if index == last else 0))
    return runs


def alternate(commands: list[list[str]], repeat: int = 3, cwd=None, expect: int = 0) -> list[Run]:
    """Run the commands in turn, `repeat` rounds; the best run of each. `expect` applies to the last."""
    return [min(r, key=lambda run: run.seconds) for r in rounds(commands, repeat, cwd, expect)]


def paired(ours: list[Run], baseline: list[Run], cpu: bool = False) -> float:
    """The median of each round's ratio: the two runs of a round ran one after the other, so that the machine's
    speed drifting between rounds (a shared machine's does) moves both, where the best run of each may come
    from different moments."""
    def time(run: Run) -> float:
        return run.cpu_seconds if cpu else run.seconds

    return statistics.median(time(mine) / time(base) for mine, base in zip(ours, baseline))
