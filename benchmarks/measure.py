"""Run a command in its own process: wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Run:
    seconds: float
    peak_mib: float


def measure(command: list[str], cwd=None, repeat: int = 3) -> Run:
    """The fastest of `repeat` runs, with that run's peak RSS (Linux: ru_maxrss is in KiB)."""
    best: Run | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"benchmark command failed: {' '.join(command)}\n{process.stderr.read().decode()[-2000:]}")
        run = Run(elapsed, usage.ru_maxrss / 1024)
        best = run if best is None or run.seconds < best.seconds else best
    assert best is not None
    return best
