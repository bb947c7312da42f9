#!/usr/bin/env bash
# Writes content/changes.md, the data changelog, from the git history: one section per day on which the
# data changed (a release), newest first, each from `atlas diff PREVIOUS DAY --format changelog`.
# Run it after a release (a maintainer): bash scripts/data_changelog.sh
set -euo pipefail
cd "$(dirname "$0")/.."
atlas=${ATLAS:-.venv/bin/atlas}
page=content/changes.md
[ -f "$page" ] || { echo "$page is missing: the script keeps its title and introduction and rewrites the rest" >&2; exit 1; }
head=$(sed -n '1,/^# Data changes$/p' "$page")
intro=$(awk 'found && /^## /{exit} found{print} /^# Data changes$/{found=1}' "$page")
previous=$(git rev-list --max-parents=0 HEAD | tail -1)
sections=""
# Days and releases both by commit date, in this machine's time zone (git log --until reads it so).
for day in $(git log --reverse --format=%cd --date=short-local -- cities initiatives networks | sort -u); do
  release=$(git log --until="$day 23:59:59" --format=%H -1 -- cities initiatives networks)
  sections="$("$atlas" diff "$previous" "$release" --format changelog --date "$day")

$sections"
  previous=$release
done
printf '%s\n%s\n\n%s' "$head" "$intro" "$sections" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$page.tmp"
mv "$page.tmp" "$page"
echo "wrote $page"
