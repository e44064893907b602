#!/usr/bin/env bash
# Regenerate fuzz/coverage.md: line coverage of the guest interpreter's
# `eval`, `macros`, `reader` and `bindings` reached by the committed corpora
# of the `reader` and `eval` targets (fuzz/corpus/{reader,eval}/), with the
# lines no input reached.  Needs nightly, cargo-fuzz and the llvm-tools
# component (`rustup +nightly component add llvm-tools`).
#
#   cd fuzz && ./coverage.sh
set -euo pipefail
cd "$(dirname "$0")"

host=$(rustc +nightly -vV | sed -n 's/^host: //p')
sysroot=$(rustc +nightly --print sysroot)
llvm="$sysroot/lib/rustlib/$host/bin"
[ -x "$llvm/llvm-cov" ] || rustup +nightly component add llvm-tools
bin="target/$host/coverage/$host/release"

mkdir -p coverage
for t in reader eval; do
  rm -rf "coverage/$t"
  # The interpreter's closures form reference cycles that a fresh wasm
  # instance discards; leak reports are not findings here.
  ASAN_OPTIONS=detect_leaks=0 cargo +nightly fuzz coverage "$t" "corpus/$t" -- -detect_leaks=0 >"coverage/$t.log" 2>&1 ||
    { tail -n 30 "coverage/$t.log"; exit 1; }
done
"$llvm/llvm-profdata" merge -sparse coverage/reader/coverage.profdata coverage/eval/coverage.profdata -o coverage/guest.profdata

scope='guest/src/(eval/|macros\.rs|reader/|bindings/)'
ignore='(/rustc/|\.cargo/registry|/host/|/fuzz/|/fuzzing/|/wit/|/tests?\.rs$|/tests/)'
"$llvm/llvm-cov" show "$bin/eval" -object "$bin/reader" -instr-profile=coverage/guest.profdata \
  --ignore-filename-regex="$ignore" -show-line-counts >coverage/guest.show.txt
python3 coverage_report.py coverage/guest.show.txt "$scope" \
  "$(find corpus/reader -type f | wc -l)" "$(find corpus/eval -type f | wc -l)" >coverage.md
echo "wrote fuzz/coverage.md"
