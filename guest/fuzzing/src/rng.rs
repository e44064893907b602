//! Random fuzz inputs for the smoke runs: a deterministic generator, token
//! soup and mutations.

/// A tiny deterministic generator of fuzz inputs (xorshift64*).
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 8);
        while out.len() < n {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(n);
        out
    }
}

/// Scheme tokens: the fuzz dictionary (`fuzz/scheme.dict` holds the same)
/// and the material of [`random_scheme_text`] and [`mutate`].
pub const SCHEME_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "#(",
    "'",
    "`",
    ",",
    ",@",
    ".",
    " . ",
    "\"",
    "\\",
    ";",
    "\n",
    "#|",
    "|#",
    "#;",
    "#!",
    "!#",
    "#\\",
    "#\\space",
    "#\\x41",
    "#\\newline",
    "#\\nul",
    "#\\(",
    "#t",
    "#f",
    "#true",
    "#false",
    "#:",
    "#:key",
    "#{",
    "}#",
    "#e",
    "#i",
    "#x",
    "#b",
    "#o",
    "#d",
    "#.",
    "#'",
    "#vu8(",
    "1",
    "-1",
    "0",
    "1/2",
    "1.5",
    "1e3",
    "1#",
    "+inf.0",
    "-nan.0",
    "+i",
    "99999999999999999999",
    "\\x41;",
    "\\u03bb",
    "\\n",
    "λ",
    "é",
    "\u{2028}",
    "😀",
    "define",
    "lambda",
    "let",
    "let*",
    "letrec",
    "if",
    "cond",
    "case",
    "else",
    "=>",
    "and",
    "or",
    "when",
    "unless",
    "do",
    "quote",
    "quasiquote",
    "unquote",
    "define-syntax",
    "syntax-rules",
    "define-syntax-rule",
    "let-syntax",
    "...",
    "_",
    "define*",
    "lambda*",
    "#:optional",
    "#:key",
    "#:rest",
    "case-lambda",
    "define-values",
    "call-with-values",
    "values",
    "apply",
    "catch",
    "throw",
    "error",
    "with-throw-handler",
    "scm-error",
    "delay",
    "force",
    "make-promise",
    "while",
    "break",
    "continue",
    "string-append",
    "substring",
    "number->string",
    "string->number",
    "string->symbol",
    "char-set",
    "char-set:letter",
    "list",
    "cons",
    "car",
    "cdr",
    "map",
    "filter",
    "sort",
    "append",
    "reverse",
    "assoc",
    "expt",
    "+",
    "-",
    "*",
    "/",
    "potluck-package",
    "potluck-source",
    "name",
    "version",
    "source",
    "git-uri",
    "git-commit",
    "sha256",
    "build-system",
    "inputs",
    "native-inputs",
    "propagated-inputs",
    "arguments",
    "home-page",
    "synopsis",
    "description",
    "license",
    "'gnu",
    "'gpl3+",
    "\"hello\"",
    "current-filename",
    "current-source-location",
    " ",
    "\t",
];

/// Random text made of [`SCHEME_TOKENS`] and, now and then, random bytes:
/// stable-toolchain fuzzing for the reader and the sandbox.
pub fn random_scheme_text(rng: &mut XorShift, tokens: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..tokens {
        let r = rng.next_u64();
        if r.is_multiple_of(16) {
            out.push((r >> 8) as u8);
        } else {
            out.extend_from_slice(
                SCHEME_TOKENS[(r >> 8) as usize % SCHEME_TOKENS.len()].as_bytes(),
            );
            if r & 0x1000 != 0 {
                out.push(b' ');
            }
        }
    }
    out
}

/// A random mutation of `input` (insert a token, delete or duplicate a
/// range, flip a byte), as libFuzzer would make, for the stable smoke run.
pub fn mutate(rng: &mut XorShift, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    let rounds = 1 + rng.next_u64() % 4;
    for _ in 0..rounds {
        let r = rng.next_u64();
        let at = if out.is_empty() {
            0
        } else {
            (r >> 8) as usize % (out.len() + 1)
        };
        match r % 5 {
            0 => {
                let t = SCHEME_TOKENS[(r >> 32) as usize % SCHEME_TOKENS.len()];
                out.splice(at..at, t.bytes());
            }
            1 if !out.is_empty() => {
                let end = (at + 1 + (r >> 40) as usize % 16).min(out.len());
                out.drain(at.min(end)..end);
            }
            2 if !out.is_empty() => {
                let end = (at + 1 + (r >> 40) as usize % 32).min(out.len());
                let piece: Vec<u8> = out[at.min(end)..end].to_vec();
                out.splice(at..at, piece);
            }
            3 if at < out.len() => out[at] ^= 1 << ((r >> 48) % 8),
            _ => out.extend_from_slice(&rng.bytes(1 + (r >> 56) as usize % 8)),
        }
    }
    out.truncate(1 << 16);
    out
}
