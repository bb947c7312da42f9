"""Baseline for validation: only read each file and parse its front matter with libyaml."""

import sys
from pathlib import Path

import yaml

root = Path(sys.argv[1])
count = 0
for folder in ("cities", "initiatives", "networks"):
    for path in sorted((root / folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("\n---\n", 1)[0][4:]
        yaml.load(front, Loader=yaml.CSafeLoader)
        count += 1
print(count)
