#!/usr/bin/env bash
# Writes content/changes.md, the data changelog, from the git history: one section per day on which the
# data changed (a release), newest first, each from `atlas diff PREVIOUS DAY --format changelog`. Each
# language's page (content/changes.de.md, ...) gets the same sections in its catalogue's words
# (--language); every page keeps its own front matter, title and introduction.
# Run it after a release (a maintainer): bash scripts/data_changelog.sh
set -euo pipefail
cd "$(dirname "$0")/.."
atlas=${ATLAS:-.venv/bin/atlas}
[ -f content/changes.md ] || { echo "content/changes.md is missing: the script keeps its title and introduction and rewrites the rest" >&2; exit 1; }
pages=(content/changes.md)
for page in content/changes.??.md; do [ -f "$page" ] && pages+=("$page"); done
# Days and releases both by commit date, in this machine's time zone (git log --until reads it so).
days=$(git log --reverse --format=%cd --date=short-local -- cities initiatives networks | sort -u)
for page in "${pages[@]}"; do
  language=$(basename "$page" .md); language=${language#changes}; language=${language#.}; language=${language:-en}
  # The front matter and the title (the first '# ' line after the front matter), then the introduction.
  head=$(awk '{print} /^---$/{fences++} fences != 1 && /^# /{exit}' "$page")
  intro=$(awk 'found && /^## /{exit} found{print} /^---$/{fences++} fences != 1 && /^# /{found=1}' "$page")
  previous=$(git rev-list --max-parents=0 HEAD | tail -1)
  sections=""
  for day in $days; do
    release=$(git log --until="$day 23:59:59" --format=%H -1 -- cities initiatives networks)
    sections="$("$atlas" diff "$previous" "$release" --format changelog --date "$day" --language "$language")

$sections"
    previous=$release
  done
  printf '%s\n%s\n\n%s' "$head" "$intro" "$sections" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$page.tmp"
  mv "$page.tmp" "$page"
  echo "wrote $page"
done
