"""make bench: speed and memory of the atlas's stages, as ratios against baselines.

Every figure comes from this invocation on this machine; nothing is compared with
numbers recorded elsewhere. Results are printed and written to .bench/results.json.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

from .measure import measure
from .synthetic import ROOT, generate

WORK = ROOT / ".bench"
BIN = Path(sys.executable).parent


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def bench_validation() -> dict:
    atlas = generate(WORK / "validate", cities=7000, featured=30, initiatives=2900, networks=100)
    files = 10000
    baseline = measure([sys.executable, "-m", "benchmarks.baseline_parse", str(atlas)], cwd=ROOT)
    ours = measure([str(BIN / "atlas"), "--root", str(atlas), "validate"], cwd=ROOT)
    return {
        "files": files,
        "baseline_parse_seconds": round(baseline.seconds, 3),
        "validate_seconds": round(ours.seconds, 3),
        "validate_files_per_second": round(files / ours.seconds),
        "ratio_to_parse_only": round(ours.seconds / baseline.seconds, 2),
        "validate_peak_mib": round(ours.peak_mib, 1),
        "goal": "10,000 files in under 3 s",
        "goal_met": ours.seconds < 3,
    }


SECTIONS = {"validation": bench_validation}


def main(argv: list[str]) -> int:
    wanted = argv or list(SECTIONS)
    results = {"machine": machine()}
    print(f"machine: {results['machine']}")
    for name in wanted:
        print(f"\n== {name} ==", flush=True)
        results[name] = SECTIONS[name]()
        for key, value in results[name].items():
            print(f"  {key}: {value}")
    WORK.mkdir(exist_ok=True)
    (WORK / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
