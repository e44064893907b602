#!/usr/bin/env bash
# make-signed-channel.sh -- build a throwaway signed Guix channel repository
# with real gpg and git, and check that authenticate-channel.scm (the real
# Guix authentication code) accepts the good branches and rejects forged ones.
#
# Usage:  tests/guix/make-signed-channel.sh [--keep]
#   GUIX_SRC   Guix source tree (default /work/shared/guix/src)
#   --keep     keep the temporary directory (the gpg agent is killed anyway)
#
# This is a demonstration/validation of authenticate-channel.scm; the real
# channels are produced by potluck itself.  Everything happens in a fresh
# directory under /tmp (short on purpose: gpg-agent's socket path is limited
# to ~107 bytes when it lives in GNUPGHOME), with an isolated GNUPGHOME and
# git configuration.  Exit status 0 iff every case gave the expected result.
#
# Repository layout made here (REPO = $TMP/channel, a non-bare repository):
#   keyring            orphan branch: potluck's public key, ASCII-armored, as
#                      <LONG-KEY-ID>.key (Guix loads every *.key file in the
#                      branch's tree, armored or binary)
#   keyring-mallory    same, plus Mallory's key (to show that a key in the
#                      keyring is not enough: it must be authorized)
#   main               A1 (introduction: .guix-authorizations + .guix-channel)
#                      -> A2 -> A3 -> A4, all signed by potluck's key
#   forged-key         main + a commit signed by Mallory (not authorized)
#   unsigned           main + an unsigned commit
#   self-authorize     main + a commit by Mallory adding herself to
#                      .guix-authorizations (a commit is checked against its
#                      PARENT's authorizations, so this is refused)
#   authorize-then-use main + potluck adds Mallory + a commit by Mallory (ok)
#   drop-authorizations main + a commit by potluck deleting .guix-authorizations
#                      + another commit by potluck (the removal is detected
#                      when authenticating the removing commit's CHILD: the
#                      removing commit itself is checked against its parent,
#                      which authorizes potluck)
#   drop-only          drop-authorizations without its last commit
#   intro-only         A1 alone
#   other-keyring-ref  main + a commit whose .guix-channel names the keyring
#                      branch "no-such-keyring" (read like Guix does)
#   pre-history        unrelated history: P0 (unsigned, no authorizations)
#                      -> P1 (introduction, signed) -> P2 (signed)
#   pre-intro          P0 alone
set -euo pipefail

GUIX_SRC=${GUIX_SRC:-/work/shared/guix/src}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SCRIPT=$HERE/authenticate-channel.scm
KEEP=0
[[ ${1:-} == --keep ]] && KEEP=1

TMP=$(mktemp -d /tmp/plk.XXXXXX)
export GNUPGHOME=$TMP/g
mkdir -m 700 "$GNUPGHOME"

cleanup() {
    # Kill the gpg-agent (and any other daemon) started for this GNUPGHOME.
    gpgconf --kill all >/dev/null 2>&1 || true
    if [[ $KEEP == 1 ]]; then
        echo "kept $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

# Isolated, reproducible git: no user/system configuration.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=potluck GIT_AUTHOR_EMAIL=potluck@example.org
export GIT_COMMITTER_NAME=potluck GIT_COMMITTER_EMAIL=potluck@example.org

# --- Keys -------------------------------------------------------------------
gen_key() { # UID -> prints the fingerprint (40 hex digits)
    gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
        --quick-gen-key "$1" ed25519 sign never 2>/dev/null
    gpg --batch --with-colons --list-secret-keys "$1" 2>/dev/null \
        | awk -F: '/^fpr:/ { print $10; exit }'
}
FPR=$(gen_key 'Potluck Test <potluck@example.org>')
EVIL=$(gen_key 'Mallory <mallory@example.org>')
KEYID=${FPR: -16}
EVILID=${EVIL: -16}
# The format a channels file uses: groups of 4, two spaces in the middle.
spaced() { echo "$1" | sed -E 's/(....)/\1 /g; s/ $//; s/^(.{24}) /\1  /'; }
echo "potluck key: $(spaced "$FPR")"
echo "mallory key: $(spaced "$EVIL")"

# --- Repository ---------------------------------------------------------------
REPO=$TMP/channel
git init -q -b main "$REPO"
cd "$REPO"

# Signed/unsigned commit of the current index.  $1: key fingerprint or "".
commit() {
    local key=$1; shift
    if [[ -n $key ]]; then
        git -c gpg.program=gpg -c user.signingkey="$key" commit -q -S "$@"
    else
        git -c commit.gpgsign=false commit -q "$@"
    fi
}

# Keyring branches, made with plumbing so the work tree is untouched.
keyring_branch() { # BRANCH FPR...
    local branch=$1; shift
    local tree_input="" fp blob
    for fp in "$@"; do
        blob=$(gpg --batch --armor --export "$fp" | git hash-object -w --stdin)
        tree_input+="100644 blob $blob	${fp: -16}.key"$'\n'
    done
    local tree commit_id
    tree=$(printf '%s' "$tree_input" | git mktree)
    commit_id=$(git commit-tree -m "Keyring: $*" "$tree")
    git update-ref "refs/heads/$branch" "$commit_id"
}
keyring_branch keyring "$FPR"
keyring_branch keyring-mallory "$FPR" "$EVIL"

authorizations() { # FPR... -> .guix-authorizations
    {
        echo '(authorizations'
        echo ' (version 0)'
        printf ' ('
        local fp sep=""
        for fp in "$@"; do
            printf '%s("%s" (name "%s"))' "$sep" "$(spaced "$fp")" \
                   "$([[ $fp == "$FPR" ]] && echo potluck-host || echo mallory)"
            sep=$'\n  '
        done
        echo '))'
    } > .guix-authorizations
}

# A1: the introduction commit.
authorizations "$FPR"
echo '(channel (version 0))' > .guix-channel
git add .guix-authorizations .guix-channel
commit "$FPR" -m 'Introduce the channel.'
INTRO=$(git rev-parse HEAD)

mkdir -p potluck
for i in 2 3 4; do
    echo "(define-module (potluck dish$i))" > "potluck/dish$i.scm"
    git add "potluck/dish$i.scm"
    commit "$FPR" -m "Add dish $i."
done
MAIN=$(git rev-parse HEAD)

branch_from_main() { git checkout -q -B "$1" "$MAIN"; }
git branch intro-only "$INTRO"

branch_from_main forged-key
echo forged > potluck/forged.scm; git add potluck/forged.scm
commit "$EVIL" -m 'Forged commit (unauthorized key).'

branch_from_main unsigned
echo unsigned > potluck/unsigned.scm; git add potluck/unsigned.scm
commit "" -m 'Unsigned commit.'

branch_from_main self-authorize
authorizations "$FPR" "$EVIL"; git add .guix-authorizations
commit "$EVIL" -m 'Mallory authorizes herself.'

branch_from_main authorize-then-use
authorizations "$FPR" "$EVIL"; git add .guix-authorizations
commit "$FPR" -m 'Authorize Mallory.'
echo ok > potluck/mallory.scm; git add potluck/mallory.scm
commit "$EVIL" -m 'Commit by the newly authorized Mallory.'

branch_from_main drop-authorizations
git rm -q .guix-authorizations
commit "$FPR" -m 'Drop .guix-authorizations.'
DROP=$(git rev-parse HEAD)
git branch drop-only "$DROP"
echo after > potluck/after.scm; git add potluck/after.scm
commit "$FPR" -m 'Commit after the removal.'

branch_from_main other-keyring-ref
echo '(channel (version 0) (keyring-reference "no-such-keyring"))' > .guix-channel
git add .guix-channel
commit "$FPR" -m 'Name another keyring branch in .guix-channel.'

# A history that starts before the introduction: an unsigned commit without
# .guix-authorizations, then the (signed) introduction, then a signed commit.
git checkout -q --orphan pre-history
git rm -q -r -f .
echo '(channel (version 0))' > .guix-channel
git add .guix-channel
commit "" -m 'Unsigned history before the introduction.'
git branch pre-intro
authorizations "$FPR"; git add .guix-authorizations
commit "$FPR" -m 'Late introduction.'
LATE_INTRO=$(git rev-parse HEAD)
echo late > late.scm; git add late.scm
commit "$FPR" -m 'After the late introduction.'

git checkout -q main
cd "$TMP"
git clone -q "$REPO" "$TMP/clone"           # remote-tracking refs: origin/*
git clone -q --bare "$REPO" "$TMP/bare.git" # local refs/heads/*

echo
echo "introduction: commit $INTRO signer \"$(spaced "$FPR")\""
echo "--- .guix-authorizations on main:"
git -C "$REPO" show main:.guix-authorizations
echo "--- git log --show-signature (main):"
git -C "$REPO" -c gpg.program=gpg log --format='%h %G? %GF %s' main
echo

# --- Cases --------------------------------------------------------------------
failures=0
# [EXPECT_RC=N] run LABEL EXPECTED-PREFIX [SCRIPT-ARG...]: run the script,
# show its output, and check its exit status (default 0) and, unless it is 2,
# that its RESULT-AUTH line starts with
# EXPECTED-PREFIX (e.g. "ok<TAB>3" or "fail<TAB>unsigned-commit:").
run() {
    local label=$1 expected=$2; shift 2
    local out rc=0 t0 t1
    echo "=== $label"
    echo "\$ GUILE_AUTO_COMPILE=0 guile -L $GUIX_SRC -s $SCRIPT$(printf ' %q' "$@")"
    t0=$(date +%s.%N)
    out=$(GUILE_AUTO_COMPILE=0 guile -L "$GUIX_SRC" -s "$SCRIPT" "$@" \
              2>"$TMP/stderr") || rc=$?
    t1=$(date +%s.%N)
    grep -v "^WARNING: Use of \`load' in declarative module" "$TMP/stderr" \
        | sed 's/^/  [stderr] /' || true
    echo "$out"
    awk -v rc="$rc" -v a="$t0" -v b="$t1" \
        'BEGIN { printf "  exit %s, %.1f s\n", rc, b - a }'
    if [[ $rc == "${EXPECT_RC:-0}" &&
          ( $rc == 2 || $out == "RESULT-AUTH	$expected"* ) ]]; then
        echo "  PASS"
    else
        echo "  FAILED (expected exit ${EXPECT_RC:-0} and RESULT-AUTH	$expected...)"
        failures=$((failures + 1))
    fi
}

SIG=$(spaced "$FPR")
run "main is authentic" "ok	3" "$REPO" main "$INTRO" "$SIG"
run "fingerprint without spaces, lower case" "ok	3" \
    "$REPO" main "$INTRO" "${FPR,,}"
run "bare clone" "ok	3" "$TMP/bare.git" main "$INTRO" "$SIG"
run "clone, keyring is origin/keyring (as guix pull)" "ok	3" \
    "$TMP/clone" origin/main "$INTRO" "$SIG" --keyring-prefix origin/
run "clone without --keyring-prefix: no local keyring branch" \
    "fail	git-error:" --expect-reject "$TMP/clone" main "$INTRO" "$SIG"
run "tip is the introduction" "ok	0" "$REPO" intro-only "$INTRO" "$SIG"
run "authorize, then use" "ok	5" --keyring-reference keyring-mallory \
    "$REPO" authorize-then-use "$INTRO" "$SIG"
run "forged key (not in keyring)" "fail	missing-key:" --expect-reject \
    "$REPO" forged-key "$INTRO" "$SIG"
run "forged key (in keyring, not authorized)" "fail	unauthorized-commit:" \
    --expect-reject --keyring-reference keyring-mallory \
    "$REPO" forged-key "$INTRO" "$SIG"
run "unsigned commit" "fail	unsigned-commit:" --expect-reject \
    "$REPO" unsigned "$INTRO" "$SIG"
run "self-authorization" "fail	unauthorized-commit:" --expect-reject \
    --keyring-reference keyring-mallory "$REPO" self-authorize "$INTRO" "$SIG"
run "drop .guix-authorizations" \
    "fail	unauthorized-commit: commit $DROP attempts to remove" \
    --expect-reject "$REPO" drop-authorizations "$INTRO" "$SIG"
run "drop .guix-authorizations, tip = the removing commit" "ok	4" \
    "$REPO" drop-only "$INTRO" "$SIG"
run "wrong introduction signer" "fail	error: initial commit" --expect-reject \
    --keyring-reference keyring-mallory "$REPO" main "$INTRO" "$(spaced "$EVIL")"
run "late introduction: history before it is not checked" "ok	1" \
    "$REPO" pre-history "$LATE_INTRO" "$SIG"
run "unsigned introduction commit" "fail	unsigned-commit:" --expect-reject \
    "$REPO" pre-history "$(git -C "$REPO" rev-parse pre-intro)" "$SIG"
run "tip is an ancestor of the introduction (stricter than guix pull)" \
    "fail	error: commit" --expect-reject "$REPO" pre-intro "$LATE_INTRO" "$SIG"
run "introduction = tip = an unsigned commit (stricter than guix pull)" \
    "fail	unsigned-commit:" --expect-reject \
    "$REPO" pre-intro "$(git -C "$REPO" rev-parse pre-intro)" "$SIG"
run ".guix-channel names the keyring branch" \
    "fail	git-error: cannot locate remote-tracking branch 'no-such-keyring'" \
    --expect-reject "$REPO" other-keyring-ref "$INTRO" "$SIG"
run "tip unrelated to the introduction" "fail	error: commit" \
    --expect-reject "$REPO" pre-history "$INTRO" "$SIG"
EXPECT_RC=1 run "rejected but ok expected -> exit 1" "fail	unsigned-commit:" \
    "$REPO" unsigned "$INTRO" "$SIG"
EXPECT_RC=1 run "accepted but reject expected -> exit 1" "ok	3" \
    --expect-reject "$REPO" main "$INTRO" "$SIG"
EXPECT_RC=2 run "usage error -> exit 2" "" "$REPO" main "$INTRO"

echo
if [[ $failures == 0 ]]; then
    echo "ALL CASES AS EXPECTED"
else
    echo "$failures CASE(S) NOT AS EXPECTED"
    exit 1
fi
