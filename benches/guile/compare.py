#!/usr/bin/env python3
"""Cross-check potluck-wasm's evaluation of a dish directory against Guile's.

    python3 benches/guile/compare.py DIR [POTLUCK-WASM]

Runs `guile --no-auto-compile benches/guile/sandbox-bench.scm dump DIR` and
`POTLUCK-WASM check --format json DIR` (default target/release/potluck-wasm),
writes potluck-wasm's values the way Guile's `write` does, and prints every
dish and field where the two disagree, or where only one of them evaluates the
dish.  "Evaluates" means: for Guile, the sandbox returned one potluck-package
of the right shape; for potluck-wasm, no diagnostic other than validation,
resolution or lint (potluck-wasm validates URIs, names, licenses... further;
Guile has no Guix to look those up in).  A dish both refuse, Guile in its
shape checks and potluck-wasm in validation, counts as agreement.  Exit status 0 when they agree everywhere.  Standard library only.
"""

import json
import os
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))


NAMED_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\t": "\\t",
                 "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}


def write_string(s):
    """A string as Guile 3.0's `write' prints it."""
    out = ['"']
    for c in s:
        n = ord(c)
        if c in NAMED_ESCAPES:
            out.append(NAMED_ESCAPES[c])
        elif c != " " and unicodedata.category(c)[0] in "CZ":
            out.append("\\x%02x" % n if n < 0x100 else
                       "\\u%04x" % n if n < 0x10000 else "\\U%06x" % n)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


CHAR_NAMES = {" ": "space", "\n": "newline", "\t": "tab", "\0": "nul", "\r": "return"}


def write_datum(d):
    t, v = d["type"], d.get("value")
    if t == "list":
        items, tail = v
        if len(items) == 2 and tail is None and items[0] == {"type": "symbol", "value": "quote"}:
            return "(quote " + write_datum(items[1]) + ")"
        body = " ".join(write_datum(i) for i in items)
        if tail is not None:
            body += " . " + write_datum(tail)
        return "(" + body + ")"
    if t == "null":
        return "()"
    if t == "string":
        return write_string(v)
    if t == "symbol":
        return v
    if t == "keyword":
        return "#:" + v
    if t == "bool":
        return "#t" if v else "#f"
    if t == "char":
        return "#\\" + CHAR_NAMES.get(v, v)
    if t == "vector":
        return "#(" + " ".join(write_datum(i) for i in v) + ")"
    if t in ("int", "integer", "bigint", "rational", "real", "number"):
        return str(v)
    return json.dumps(d)  # unknown: shown as is, will not match


def wasm_values(dish):
    src = dish["source"]
    snippet = src.get("snippet")
    specs = lambda f: "(" + " ".join(write_string(i["value"]) for i in dish[f]["items"]) + ")"
    return {
        "name": dish["name"]["value"],
        "version": dish["version"]["value"],
        "git-uri": src["git-uri"]["value"],
        "git-commit": src["git-commit"]["value"],
        "sha256": src["sha256"]["value"],
        "snippet": write_datum(snippet["value"]) if snippet else "#f",
        "build-system": dish["build-system"]["value"],
        "arguments": write_datum(dish["arguments"]["value"]),
        "inputs": specs("inputs"),
        "native-inputs": specs("native-inputs"),
        "propagated-inputs": specs("propagated-inputs"),
        "synopsis": dish["synopsis"]["value"],
        "description": dish["description"]["value"],
        "license": dish["license"]["value"],
        "home-page": dish["home-page"]["value"],
    }


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    d = sys.argv[1].rstrip("/")
    exe = sys.argv[2] if len(sys.argv) == 3 else "target/release/potluck-wasm"
    g = subprocess.run(["guile", "--no-auto-compile", os.path.join(HERE, "sandbox-bench.scm"),
                        "dump", d], capture_output=True, text=True, check=True)
    guile = {}
    for line in g.stdout.splitlines():
        r = json.loads(line)
        guile[os.path.normpath(r.pop("file"))] = r
    w = subprocess.run([exe, "check", "--format", "json", "--color", "never", d],
                       capture_output=True, text=True)
    wasm = {}
    for r in json.loads(w.stdout)["dishes"]:
        f = os.path.normpath(r["file"])
        if r.get("dish") is not None and not any(
                x["severity"] == "error" and x["kind"] not in ("resolution", "validation", "lint")
                for x in r["diagnostics"]):
            wasm[f] = {"ok": True, **wasm_values(r["dish"]),
                       "validation-errors": [x["message"] for x in r["diagnostics"]
                                             if x["severity"] == "error"]}
        else:
            wasm[f] = {"ok": False, "error": "; ".join(x["message"] for x in r["diagnostics"])}
    bad = 0
    for f in sorted(set(guile) | set(wasm)):
        a, b = guile.get(f), wasm.get(f)
        if a is None or b is None:
            print(f"{f}: only in {'potluck-wasm' if a is None else 'guile'}")
            bad += 1
            continue
        if (not a["ok"] and a.get("key") == "validation" and b["ok"]
                and b.get("validation-errors")):
            continue  # both reject it, Guile's shape checks and potluck-wasm's validation
        if a["ok"] != b["ok"]:
            print(f"{f}: guile {'accepts' if a['ok'] else 'rejects'}, potluck-wasm "
                  f"{'accepts' if b['ok'] else 'rejects'}")
            print(f"    guile: {a.get('error', '')}\n    potluck-wasm: {b.get('error', '')}")
            bad += 1
            continue
        if not a["ok"]:
            continue
        for k in a:
            if k not in ("ok", "key") and a[k] != b.get(k):
                print(f"{f}: field {k} differs\n    guile:        {a[k]}\n    potluck-wasm: {b.get(k)}")
                bad += 1
    print(f"compared {len(set(guile) | set(wasm))} dishes: {bad} difference(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
