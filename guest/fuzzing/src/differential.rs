//! The differential oracle: generated expressions evaluated by the guest
//! and by real Guile 3.0, compared after the allowances listed in
//! [`LEGITIMATE_DIVERGENCES`].

use std::fmt;

use potluck_guest::eval::Limits;

use crate::bodies::eval_to_written;
use crate::gen::{generate, Mode};
use crate::rng::XorShift;

// ============================================================== differential

/// Divergences between the guest and Guile 3.0.8 that are legitimate, or
/// known and avoided by the generator in [`Mode::Differential`]; each is
/// compensated for in [`compare`] or kept out of the generated expressions.
/// `fuzz/README.md` lists the same.
pub const LEGITIMATE_DIVERGENCES: &[(&str, &str)] = &[
    (
        "error wording",
        "an error compares as `error` whatever its key, message or arguments: \
         the guest's messages are its own (with spans and help), not Guile's",
    ),
    (
        "catch handler arguments",
        "generated handlers ignore the thrown key and arguments (`(lambda args X)`), \
         because they carry the error wording",
    ),
    (
        "printer truncation",
        "the guest's printer cuts output at 4 KiB and 200 levels of nesting (`...`), \
         by design: results that long are not compared",
    ),
    (
        "non-graphic characters",
        "Guile writes characters that are not graphic (controls other than the named ones, \
         Zs/Zl/Zp spaces, Cf format characters, private-use and unassigned code points) \
         as octal `#\\NNN`, combining marks as `#\\◌́`, and escapes them in strings \
         (`\\x01`, `\\xa0`, `\\u2028`); the guest writes them raw, or `#\\x1` and `\\x1;`. \
         The generator draws characters from a pool of graphic characters and the named ones",
    ),
    (
        "symbols needing #{ }#",
        "Guile writes symbols that would not read back as written (`#{a b}#`, `#{1}#`); \
         the guest writes the name raw. The generator only makes symbols from plain names",
    ),
    (
        "identity of literals",
        "`eq?`/`eqv?` of two equal but separately written strings, vectors or \
         bignums is unspecified; Guile answers #f when the code is `eval`ed and #t when it \
         is compiled or loaded (constants are coalesced), and the guest makes all empty \
         strings `eqv?`. Generated `assq`/`assv`/`memq`/`memv` lookups use small integers, \
         characters and symbols as keys",
    ),
    (
        "unquote-splicing as the tail",
        "Guile expands `(a ,@x) to (cons 'a x): a splice in last position takes any value \
         as the tail, even a non-list or an improper list (`(1 ,@3) is (1 . 3)); the guest \
         requires a proper list. The generator never splices in last position",
    ),
    (
        "Guile bugs with characters above U+00FF",
        "Guile 3.0.8's `string->number` reads some non-ASCII characters by their low byte \
         or digit value (`(string->number \"ı\")` is 1, `(string->number \"#x١\")` is \
         10), and `string-split` of a Latin-1 string at a character above U+00FF splits at \
         its low byte (`(string-split \"a0\" #\\İ)` is (\"a\" \"\")). The guest answers #f \
         and does not split. The generator gives `string->number` ASCII text and \
         `string-split` Latin-1 delimiters",
    ),
    (
        "Guile's char-set-complement with U+10FFFF",
        "Guile 3.0.8's `char-set-complement` of a set that holds U+10FFFF (`char-set:full`, \
         `char-set:designated`, any complement) also holds the 2048 surrogate code points and \
         U+0000: `(char-set-size (char-set-complement char-set:full))` is 2049, the guest's 0. \
         The generator only complements sets without U+10FFFF",
    ),
    (
        "complex numbers",
        "Guile answers `sqrt`, `log`, `expt` and the inverse trigonometric functions of \
         out-of-domain arguments with complex numbers, and `string->number` reads `1+2i`; \
         the guest has none. The generator only passes such functions arguments in their \
         real domain, and complex syntax only in eval mode",
    ),
    (
        "char-set printing",
        "Guile writes char-sets as `#<charset {...}>`, the guest as `#<char-set>`: \
         char-sets are only generated as arguments, never as results",
    ),
];

/// The outcome of evaluating one expression, as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The `write` form of the value.
    Value(String),
    /// Any error (wording is not compared).
    Error,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Value(v) => f.write_str(v),
            Outcome::Error => f.write_str("<error>"),
        }
    }
}

/// Limits for the differential run: the defaults, so that nothing the
/// generator makes comes near them.
pub const DIFFERENTIAL_LIMITS: Limits = Limits {
    max_steps: 2_000_000,
    max_depth: 1_000,
    max_alloc_bytes: 50_000_000,
    max_expansion: 1_000_000,
};

/// The guest's outcome for one expression (callers provide a large stack).
pub fn guest_outcome(src: &str) -> Outcome {
    match eval_to_written(src, DIFFERENTIAL_LIMITS) {
        Ok(v) => Outcome::Value(v),
        Err(_) => Outcome::Error,
    }
}

/// `n` expressions for the differential run, deterministic from `seed`:
/// each from 256 bytes of an xorshift64* stream.
pub fn differential_exprs(seed: u64, n: usize) -> Vec<String> {
    let mut rng = XorShift::new(seed);
    (0..n)
        .map(|_| {
            let bytes = rng.bytes(256);
            generate(&bytes, Mode::Differential).to_string()
        })
        .collect()
}

/// The Guile side of the differential oracle: reads one expression per line
/// from standard input, evaluates each in a fresh copy of nothing but
/// `(guile-user)`, and prints one line per expression: `ok <write form>` or
/// `error`.  Errors while reading a line count as `error` too.
pub const GUILE_DRIVER: &str = r#"
(set-port-encoding! (current-input-port) "UTF-8")
(set-port-encoding! (current-output-port) "UTF-8")
(use-modules (ice-9 rdelim))
(define env (interaction-environment))
(define (outcome line)
  (catch #t
    (lambda ()
      (let ((e (call-with-input-string line read)))
        (call-with-values (lambda () (eval e env))
          (case-lambda
            ((v) (string-append "ok " (object->string v)))
            (vs "ok #<values>")))))
    (lambda (key . args) "error")))
(let loop ()
  (let ((line (read-line)))
    (unless (eof-object? line)
      (display (outcome line))
      (newline)
      (force-output)
      (loop))))
"#;

/// Compare the guest's and Guile's outcomes for `expr`.  `None` when they
/// agree (after the allowances of [`LEGITIMATE_DIVERGENCES`]); otherwise a
/// description of the divergence.
pub fn compare(expr: &str, guest: &Outcome, guile: &Outcome) -> Option<String> {
    match (guest, guile) {
        (Outcome::Error, Outcome::Error) => None,
        (Outcome::Value(a), Outcome::Value(b)) if a == b => None,
        // Printer truncation (by design): not compared.
        (Outcome::Value(a), Outcome::Value(_)) if a.len() >= 4000 || a.contains("...") => None,
        // Control characters in strings: the guest writes `\x7;` where
        // Guile writes `\a` (a known printer divergence): not compared.
        (Outcome::Value(a), Outcome::Value(_)) if has_guest_hex_escape(a) => None,
        _ => Some(format!(
            "divergence\n  expression: {expr}\n  guest:      {guest}\n  guile:      {guile}"
        )),
    }
}

/// Whether `written` holds the guest printer's `\xH;` string escape (an
/// unescaped backslash, `x`, hex digits, `;`).
pub(crate) fn has_guest_hex_escape(written: &str) -> bool {
    let b = written.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'x') {
                let digits = b[i + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_hexdigit())
                    .count();
                if digits > 0 && b.get(i + 2 + digits) == Some(&b';') {
                    return true;
                }
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Run `exprs` through one `guile` process (`guile` on `PATH`).  `Ok(None)`
/// when `guile` cannot be started.
pub fn guile_outcomes(exprs: &[String]) -> std::io::Result<Option<Vec<Outcome>>> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "potluck-differential-{}-{call}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let driver = dir.join("driver.scm");
    std::fs::write(&driver, GUILE_DRIVER)?;
    let child = Command::new("guile")
        .arg("-q")
        .arg("--no-auto-compile")
        .arg(&driver)
        .env("LC_ALL", "C.UTF-8")
        .env("GUILE_AUTO_COMPILE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let _ = std::fs::remove_dir_all(&dir);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let mut input = String::new();
    for e in exprs {
        assert!(!e.contains('\n'), "an expression spans lines: {e}");
        input.push_str(e);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    writer.join().expect("writer thread")?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "guile failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let text = String::from_utf8(out.stdout).map_err(std::io::Error::other)?;
    let outcomes: Vec<Outcome> = text
        .lines()
        .map(|l| match l.strip_prefix("ok ") {
            Some(v) => Outcome::Value(v.to_string()),
            None => Outcome::Error,
        })
        .collect();
    if outcomes.len() != exprs.len() {
        return Err(std::io::Error::other(format!(
            "guile printed {} outcomes for {} expressions",
            outcomes.len(),
            exprs.len()
        )));
    }
    Ok(Some(outcomes))
}
