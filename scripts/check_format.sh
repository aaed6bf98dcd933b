#!/usr/bin/env bash
# Checks that the C++ lines changed by recent commits follow .clang-format (clang-format 14).
# The tree was not reformatted when .clang-format was added (that would touch some 2,400 lines in
# 180 files), so only changed lines are checked. "Changed" means: the lines that each commit made
# on top of the commit that last changed .clang-format touched (git log --ancestry-path
# --no-merges BASE..HEAD, each commit against its parent). Commits from branches that were merged
# in without being built on it, and the merge commits themselves, are not checked; a fresh clone
# has all the history this needs. Before committing, `git clang-format-14` formats the lines you
# staged.
# Usage: check_format.sh [BASE]   (BASE: a commit to start from instead)
set -euo pipefail
cd "$(dirname "$0")/.."
git_clang_format=$(command -v git-clang-format-14 || command -v git-clang-format || true)
[ -n "$git_clang_format" ] || { echo "check_format.sh: git-clang-format not found (apt-get install clang-format)" >&2; exit 2; }
clang_format=$(command -v clang-format-14 || command -v clang-format)
base=${1:-$(git log -1 --format=%H -- .clang-format)}
[ -n "$base" ] || { echo "check_format.sh: .clang-format is not committed yet" >&2; exit 2; }
mapfile -t commits < <(git rev-list --reverse --ancestry-path --no-merges "$base..HEAD")
# Commits already in main whose lines a later commit formatted (history is not rewritten): each line
# of scripts/format_exempt.txt is "<full hash> <the commit that fixed it>".
exempt=$(cut -d' ' -f1 scripts/format_exempt.txt 2>/dev/null || true)
failed=0
for c in "${commits[@]}"; do
  grep -qx "$c" <<<"$exempt" && continue
  out=$("$git_clang_format" --binary "$clang_format" --style file --diff "$c~1" "$c" -- '*.cpp' '*.hpp' 2>&1) || true
  case "$out" in
    "" | "no modified files to format" | "clang-format did not modify any files") ;;
    *)
      echo "check_format.sh: commit $(git log -1 --format='%h %s' "$c") changes lines that clang-format would change:"
      echo "$out"
      failed=1
      ;;
  esac
done
((failed == 0)) || { echo "check_format.sh: format those lines (git clang-format-14 before committing)" >&2; exit 1; }
echo "format of the lines changed by ${#commits[@]} commit(s) since $(git log -1 --format=%h "$base"): OK"
