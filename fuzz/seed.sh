#!/usr/bin/env bash
# Seed the libFuzzer corpora fuzz/corpus/<target>/ from the fixture dishes
# (tests/fixtures/**/*.scm), the golden channel modules (reader only) and the
# kept regressions (fuzz/regressions/<target>/).  Idempotent; the corpora are
# committed minimised (see README.md), and libFuzzer grows them locally.
set -euo pipefail
cd "$(dirname "$0")"

copy() { # copy SRC DIR: SRC into DIR under a name derived from its path
  local name
  name=$(printf '%s' "$1" | sed -e 's|^\.\./||' -e 's|/|-|g')
  cp "$1" "$2/$name"
}

for target in reader eval boundary emit_roundtrip; do
  mkdir -p "corpus/$target"
  while IFS= read -r -d '' f; do
    copy "$f" "corpus/$target"
  done < <(find ../tests/fixtures -name '*.scm' -type f -print0)
  if [ -d "regressions/$target" ]; then
    while IFS= read -r -d '' f; do
      copy "$f" "corpus/$target"
    done < <(find "regressions/$target" -type f -print0)
  fi
done
while IFS= read -r -d '' f; do
  copy "$f" corpus/reader
done < <(find ../tests/golden/modules -name '*.scm' -type f -print0)

# The HTTP target starts from its kept regressions only (its inputs are
# structured bytes, not dish text).
mkdir -p corpus/http
if [ -d regressions/http ]; then
  find regressions/http -type f -exec cp {} corpus/http/ \;
fi

for target in reader eval boundary emit_roundtrip http; do
  echo "corpus/$target: $(find "corpus/$target" -type f | wc -l) files"
done
