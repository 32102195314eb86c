#!/usr/bin/env bash
# Proves that the repository cites only its own sources of facts:
#  1. no file names a brief or a source-document folder that lives outside the
#     repository (the rules and their sources are in docs/legal.md);
#  2. every link to a section of a doc in docs/ (`legal.md#<anchor>`,
#     `docs/reports.md#registering`, an in-page `](#anchor)`) names a heading
#     that exists there, with GitHub's anchors (lower case; punctuation other
#     than '-' and '_' dropped; each space a '-');
#  3. docs/legal.md has no two headings with the same anchor.
# Files: those git tracks plus new ones it does not ignore; without git, every
# file outside .git, build directories and node_modules.
# Usage: doc_sources_test.sh SOURCE_DIR
set -euo pipefail
SRC=${1:?usage: doc_sources_test.sh SOURCE_DIR}
cd "$SRC"
export LC_ALL=C.UTF-8
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' listed < <(git ls-files -z --cached --others --exclude-standard)
  for f in "${listed[@]}"; do [ -f "$f" ] && files+=("$f"); done  # not deleted in the work tree
else
  mapfile -d '' files < <(find . -type f -not -path './.git/*' -not -path './build*' -not -path '*/node_modules/*' -print0)
fi
[ "${#files[@]}" -gt 0 ] || { echo "FAIL: no files found under $SRC"; exit 1; }

# 1. Nothing outside the repository. The patterns are put together from parts
# so that this file does not match them itself.
brief="DOMAIN"".md"
outside=(
  "$brief"                                  # the domain brief
  "(^|[[:space:]\"'(\`]|\\.\\./|/work/)shared/"   # the folder it and the source documents live in
  "\\bseeds? [0-9]{3}\\b"                    # a source document by its number there
  "\\bthe seed[s]?'"                         # the same documents as a group
)
for pattern in "${outside[@]}"; do
  if hits=$(grep -I -n -E -- "$pattern" "${files[@]}"); then
    fail "a reference to a source outside the repository (pattern $pattern); cite docs/legal.md instead:"
    echo "$hits" | sed 's/^/    /'
  fi
done

# 2. Section links into docs/*.md.
anchors_of() {  # the GitHub anchors of every heading of a Markdown file, one a line
  awk '/^```/ { fenced = !fenced; next } !fenced && /^#+ / { print }' "$1" |
    sed -E 's/^#{1,6} +//; s/ +#* *$//' |
    sed -E 's/.*/\L&/; s/[^[:alnum:] _-]//g; s/ /-/g'
}
declare -A anchors
for doc in docs/*.md; do
  name=$(basename "$doc")
  anchors[$name]=$'\n'"$(anchors_of "$doc")"$'\n'
done
[ -n "${anchors[legal.md]:-}" ] || fail "docs/legal.md is missing"

checked=0
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  ref=${rest#*:}
  name=${ref%%#*}
  name=${name##*/}
  anchor=${ref#*#}
  [ -n "${anchors[$name]:-}" ] || continue  # not a doc in docs/
  checked=$((checked + 1))
  case "${anchors[$name]}" in
    *$'\n'"$anchor"$'\n'*) ;;
    *) fail "$file:$line: $ref: docs/$name has no heading with the anchor #$anchor" ;;
  esac
done < <(grep -I -n -o -E '[A-Za-z0-9_./-]*[A-Za-z0-9_-]+\.md#[A-Za-z0-9_-]+' "${files[@]}" || true)

for doc in docs/*.md; do
  name=$(basename "$doc")
  while IFS= read -r hit; do
    line=${hit%%:*}
    anchor=${hit#*](#}
    anchor=${anchor%)}
    checked=$((checked + 1))
    case "${anchors[$name]}" in
      *$'\n'"$anchor"$'\n'*) ;;
      *) fail "$doc:$line: #$anchor: no heading in $doc has this anchor" ;;
    esac
  done < <(grep -n -o -E '\]\(#[A-Za-z0-9_-]+\)' "$doc" || true)
done
[ "$checked" -gt 0 ] || fail "found no section links to check: the pattern is broken"

# 3. Unique anchors in docs/legal.md (GitHub would suffix a second one with -1).
if dups=$(anchors_of docs/legal.md | sort | uniq -d) && [ -n "$dups" ]; then
  fail "docs/legal.md has headings with the same anchor: $dups"
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures problem(s)"
  exit 1
fi
echo "ok: ${#files[@]} files without outside sources; $checked section links resolve"
