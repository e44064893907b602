//! What a channel module may spell: symbols that every Scheme reader the
//! channel meets (Guile, and the host's own check with `lexpr`) reads back
//! as the same symbol, and numbers in the one form both read the same way.
//!
//! [`reads_as_number`] recognises (a superset of) the decimal number syntax
//! of R7RS and Guile — integers, rationals, decimals with exponents,
//! `±inf.0`, `±nan.0`, rectangular and polar complex numbers — so that a
//! symbol that a reader would take for a number is never written.  Every
//! function is one pass over its input.

use crate::limits::MAX_NUMBER_DIGITS;

/// The punctuation a written symbol may use besides letters and digits.
pub const SYMBOL_PUNCTUATION: &str = "!$%&*/:<=>?^_~+-.";

/// Whether `s` may be written as a symbol (or, after `#:`, a keyword) in a
/// channel module and read back as the same symbol by Guile and by the
/// host's `lexpr` check: letters and digits of any script and
/// [`SYMBOL_PUNCTUATION`] only (no white space, control, format or
/// delimiter character); starting with an ASCII letter, with one of
/// `!$%&*/:<=>?^_~`, or with a sign followed by a letter or punctuation (or
/// alone); `...` is the only token starting with a dot; and nothing a
/// reader takes for a number (`+i`, `-inf.0`).  Tokens starting with a digit
/// or a non-ASCII letter are refused: `lexpr` reads them differently.
pub fn is_symbol(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || SYMBOL_PUNCTUATION.contains(c))
    {
        return false;
    }
    let first_ok = match first {
        b'a'..=b'z' | b'A'..=b'Z' => true,
        b'!' | b'$' | b'%' | b'&' | b'*' | b'/' | b':' | b'<' | b'=' | b'>' | b'?' | b'^'
        | b'_' | b'~' => true,
        b'.' => s == "...",
        b'+' | b'-' => b
            .get(1)
            .is_none_or(|c| c.is_ascii_alphabetic() || b"!$%&*/:<=>?^_~-+".contains(c)),
        _ => false,
    };
    first_ok && !reads_as_number(s)
}

/// Whether a Scheme reader could read the token `s` as a decimal number
/// (a superset of what Guile and R7RS accept without a `#` prefix; tokens
/// with a prefix such as `#x` are never symbols anyway).
pub fn reads_as_number(s: &str) -> bool {
    let b = s.as_bytes();
    // A pure imaginary number: `+i`, `-2.5i`, `+inf.0i`.
    if let Some(end) = imaginary(b, 0) {
        if end == b.len() {
            return true;
        }
    }
    let Some(end) = real(b, 0) else {
        return false;
    };
    if end == b.len() {
        return true;
    }
    match b[end] {
        b'@' => real(b, end + 1) == Some(b.len()),
        b'+' | b'-' => imaginary(b, end) == Some(b.len()),
        _ => false,
    }
}

fn digits(b: &[u8], at: usize) -> usize {
    b[at.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn sign(b: &[u8], at: usize) -> usize {
    usize::from(matches!(b.get(at), Some(b'+' | b'-')))
}

/// `inf.0` or `nan.0` (any case) at `at`: its end.
fn inf_nan(b: &[u8], at: usize) -> Option<usize> {
    let word = b.get(at..at + 5)?;
    (word.eq_ignore_ascii_case(b"inf.0") || word.eq_ignore_ascii_case(b"nan.0")).then_some(at + 5)
}

/// An unsigned real at `at`: its end.
fn ureal(b: &[u8], at: usize) -> Option<usize> {
    let int = digits(b, at);
    let mut i = at + int;
    if int > 0 && b.get(i) == Some(&b'/') {
        let den = digits(b, i + 1);
        return (den > 0).then_some(i + 1 + den);
    }
    if b.get(i) == Some(&b'.') {
        let frac = digits(b, i + 1);
        if int == 0 && frac == 0 {
            return None;
        }
        i += 1 + frac;
    } else if int == 0 {
        return None;
    }
    if let Some(c) = b.get(i) {
        if b"eEsSfFdDlL".contains(c) {
            let s = sign(b, i + 1);
            let e = digits(b, i + 1 + s);
            if e > 0 {
                i += 1 + s + e;
            }
        }
    }
    Some(i)
}

/// A real (signed, or `±inf.0`/`±nan.0`) at `at`: its end.
fn real(b: &[u8], at: usize) -> Option<usize> {
    let s = sign(b, at);
    if s == 1 {
        if let Some(end) = inf_nan(b, at + 1) {
            return Some(end);
        }
    }
    ureal(b, at + s)
}

/// A signed imaginary part (`+i`, `-2i`, `+inf.0i`) at `at`: its end.
fn imaginary(b: &[u8], at: usize) -> Option<usize> {
    if sign(b, at) == 0 {
        return None;
    }
    let body = inf_nan(b, at + 1)
        .or_else(|| ureal(b, at + 1))
        .unwrap_or(at + 1);
    matches!(b.get(body), Some(b'i' | b'I')).then_some(body + 1)
}

/// Characters that are invisible, reorder text or break lines where a
/// reader does not expect it, and so must never appear raw in a module or
/// a terminal: the line and paragraph separators and NEL, the bidi controls
/// and marks (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), the
/// zero-width space, word joiner and invisible operators (U+200B,
/// U+2060–U+2064), the deprecated format characters (U+206A–U+206F), the
/// byte-order mark and the interlinear annotation marks.  (The zero-width
/// non-joiner and joiner, U+200C and U+200D, are letters' business in
/// several scripts and stay allowed.)
pub fn is_hazard(c: char) -> bool {
    matches!(
        c,
        '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{061c}'
            | '\u{200b}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// The first character of `s` that a channel module cannot hold in a
/// string: a control character other than tab, newline and carriage
/// return, or an [`is_hazard`] character.  The printer writes every other
/// character raw, and `"`, `\\`, tab, newline and carriage return with the
/// escapes that Guile and R6RS readers (`lexpr`) both read.
pub fn unwritable_char(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_hazard(c))
}

/// Whether `s` is an exact integer as the guest writes one outside 64
/// bits: an optional `-`, then at most [`MAX_NUMBER_DIGITS`] decimal
/// digits without a leading zero (and not `-0`).
pub fn is_integer_text(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let b = digits.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NUMBER_DIGITS
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || (b.len() == 1 && digits.len() == s.len()))
}

/// Whether `s` has the form of an exact non-integer rational `N/D` as the
/// guest writes one: `N` an integer text other than `0`, `D` one without a
/// sign and greater than 1.  (Whether it is in lowest terms takes a gcd;
/// the host checks that separately.)
pub fn is_rational_text(s: &str) -> bool {
    let Some((n, d)) = s.split_once('/') else {
        return false;
    };
    is_integer_text(n)
        && n != "0"
        && is_integer_text(d)
        && !d.starts_with('-')
        && d != "0"
        && d != "1"
}

/// The spelling of a finite real that Guile and the host's `lexpr` check
/// both read back as the same double: Rust's shortest round-trip form,
/// with `.0` added to integral values so that it stays inexact.  `None`
/// for infinities and NaN, which have no such common spelling.
pub fn write_real(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let s = format!("{f:?}");
    Some(if s.contains(['.', 'e', 'E']) {
        s
    } else {
        format!("{s}.0")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_recognised() {
        for n in [
            "0", "12", "-7", "+7", "1/2", "-3/4", "1.", ".5", "-.5", "1.5e10", "1e3", "1E-3",
            "2s3", "+inf.0", "-nan.0", "+INF.0", "+i", "-i", "1+2i", "1-2.5i", "+inf.0i", "1@2",
            "-1.5@+3", "1+inf.0i", "3/4+1/2i",
        ] {
            assert!(reads_as_number(n), "{n}");
        }
        for s in [
            "", "+", "-", "...", "1+", "1-", "a", "1a", "inf.0", "+inf", "-nan", "e3", "1/", "/2",
            "1/2.5", "1..2", ".", "+.", "1e", "1e+", "i", "+ii", "1@", "0ad", "->x",
        ] {
            assert!(!reads_as_number(s), "{s}");
        }
    }

    #[test]
    fn symbols_that_would_read_as_something_else_are_refused() {
        for bad in [
            "",
            "1e3",
            "12",
            "+i",
            "-i",
            "+inf.0",
            "+inf.0i",
            "-nan.0i",
            "#foo",
            "a b",
            "a(b",
            "a\"b",
            "a;b",
            "'a",
            "`a",
            ",a",
            ".",
            "..",
            "+1",
            "-.5",
            "+.",
            "a|b",
            "@x",
            "a\u{2028}",
            "a\u{202e}",
            "1/2",
            "1@2",
            "0ad",
            "1+",
            "389-ds-base",
            "λ",
            "é-x",
        ] {
            assert!(!is_symbol(bad), "{bad:?}");
        }
        for good in [
            "guile-3.0",
            "%pkg-config",
            "license:gpl3+",
            "+",
            "-",
            "...",
            "->x",
            "python-3.11",
            "inf",
            "nan.0",
            "xλ",
            "a1+",
            "+a",
            "-->",
            ":k",
            "*unspecified*",
        ] {
            assert!(is_symbol(good), "{good}");
        }
    }

    #[test]
    fn hazards() {
        for c in [
            '\u{202e}', '\u{2066}', '\u{200b}', '\u{2060}', '\u{feff}', '\u{61c}', '\u{2028}',
        ] {
            assert!(is_hazard(c), "{c:?}");
            assert_eq!(unwritable_char(&format!("a{c}")), Some(c));
        }
        assert_eq!(unwritable_char("a\u{1}"), Some('\u{1}'));
        assert_eq!(unwritable_char("tab\tnew\nline\r ок ‌ ‍ 日本"), None);
    }

    #[test]
    fn number_texts() {
        for ok in ["0", "-1", "123", &"9".repeat(MAX_NUMBER_DIGITS)] {
            assert!(is_integer_text(ok), "{ok}");
        }
        for bad in [
            "",
            "-",
            "-0",
            "01",
            "1.0",
            "+1",
            " 1",
            &"9".repeat(MAX_NUMBER_DIGITS + 1),
        ] {
            assert!(!is_integer_text(bad), "{bad}");
        }
        assert!(is_rational_text("-6/4"));
        for bad in ["1", "0/3", "1/0", "1/1", "1/-2", "1/2/3", "a/b"] {
            assert!(!is_rational_text(bad), "{bad}");
        }
    }

    #[test]
    fn reals_keep_their_exactness() {
        assert_eq!(write_real(1.0).as_deref(), Some("1.0"));
        assert_eq!(write_real(0.75).as_deref(), Some("0.75"));
        assert_eq!(write_real(-0.0).as_deref(), Some("-0.0"));
        assert_eq!(write_real(1e300).as_deref(), Some("1e300"));
        assert_eq!(write_real(f64::NAN), None);
        assert_eq!(write_real(f64::INFINITY), None);
        for f in [1e-7, 123456.789, f64::MAX, f64::MIN_POSITIVE] {
            let s = write_real(f).unwrap();
            assert!(reads_as_number(&s), "{s}");
            assert_eq!(s.parse::<f64>().unwrap(), f);
        }
    }
}
