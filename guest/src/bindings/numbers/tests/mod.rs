//! Tests of the number bindings: every expression of [`guile_cases`]
//! against Guile 3.0.8's result, error keys, refused complex results, size
//! limits, flonum printing and the division kinds.

mod guile_cases;

use super::*;
use crate::diag::DiagnosticKind;
use crate::testing::{check_err, eval};
use num_traits::{One, Pow};

use super::division::{adjust_floor_i128, int_divide, DivKind};
use super::exactness::{big_to_f64, ratio_to_f64};
use guile_cases::{GUILE_COMPLEX, GUILE_ERRORS, GUILE_VALUES};

#[test]
fn values_match_guile() {
    let mut failures = Vec::new();
    for (src, want) in GUILE_VALUES {
        match eval(src) {
            Ok(got) if got == *want => {}
            Ok(got) => failures.push(format!("{src}: got {got}, Guile gives {want}")),
            Err(d) => failures.push(format!(
                "{src}: error {:?} {}, Guile gives {want}",
                d.kind, d.message
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_match_guile() {
    let mut failures = Vec::new();
    for (src, key, subr) in GUILE_ERRORS {
        let kind = match *key {
            "wrong-type-arg" => DiagnosticKind::WrongType,
            "out-of-range" | "numerical-overflow" => DiagnosticKind::OutOfRange,
            _ => DiagnosticKind::UserError,
        };
        match eval(src) {
            Ok(got) => failures.push(format!("{src}: got {got}, Guile raises {key}")),
            Err(d) if d.kind != kind => failures.push(format!(
                "{src}: {:?} {}, Guile raises {key}",
                d.kind, d.message
            )),
            Err(d) if !subr.is_empty() && !d.message.starts_with(&format!("{subr}:")) => failures
                .push(format!(
                    "{src}: message {}, Guile's subr is {subr}",
                    d.message
                )),
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn complex_results_are_refused() {
    for src in GUILE_COMPLEX {
        let d = check_err(src, DiagnosticKind::UserError);
        assert!(d.message.contains("complex"), "{src}: {}", d.message);
    }
}

#[test]
fn wrong_type_positions() {
    // Guile's positions: the folded binary operation's argument.
    for (src, pos) in [
        ("(+ 1 \"a\")", 2),
        ("(+ \"a\" 1)", 1),
        ("(+ 1 2 \"a\")", 2),
        ("(< 1 2 'a)", 2),
        ("(< 'a 1)", 1),
        ("(= 1 'a)", 1),
        ("(floor/ 1 'a)", 2),
        ("(modulo-expt 2 3 5.0)", 3),
    ] {
        let d = check_err(src, DiagnosticKind::WrongType);
        assert!(
            d.message.contains(&format!("position {pos}")),
            "{src}: {}",
            d.message
        );
    }
}

#[test]
fn huge_exact_results_hit_the_limit_before_computing() {
    for src in [
        "(expt 10 (expt 10 9))",
        "(expt 7 100000000)",
        "(integer-expt 3 100000000)",
        "(ash 1 10000000000)",
        "(round-ash -1 100000000)",
        "(let ((h (expt 2 5000000))) (* h h))",
        "(let ((h (expt 2 5000000))) (* h h h))",
        "(let ((h (expt 2 5000000))) (+ (* 3/7 h) (/ 1 h)))",
        "(expt 2/3 10000000)",
        "(expt 12345678901234567890 1000000)",
        "(string->number (make-string 3000000 #\\9))",
        "(exact-integer-sqrt (expt 2 7000000))",
    ] {
        let d = check_err(src, DiagnosticKind::Limit);
        assert!(!d.message.is_empty(), "{src}");
    }
}

#[test]
fn moderately_big_numbers_work() {
    crate::testing::check("(integer-length (expt 3 100000))", "158497");
    crate::testing::check("(integer-length (ash 1 1000000))", "1000001");
    crate::testing::check(
        "(let ((h (expt 2 100000))) (= (quotient (* h h) h) h))",
        "#t",
    );
    crate::testing::check("(modulo (expt 7 10000) 1000)", "1");
    crate::testing::check(
        "(exact->inexact (/ (expt 3 1000) (expt 2 1580)))",
        "31.17895610379364",
    );
    // Guile 3.0.8 gets these wrong (its logtest of two equal bignums
    // is #f, and logbit? of a bignum index crashes); these are the
    // mathematically right answers.
    crate::testing::check("(logtest (expt 2 100) (expt 2 100))", "#t");
    crate::testing::check("(logbit? (expt 10 30) -5)", "#t");
    crate::testing::check("(logbit? (expt 10 30) 5)", "#f");
}

#[test]
fn flonum_printing_matches_guile() {
    let cases: &[(f64, u32, &str)] = &[
        (0.0001, 10, "1.0e-4"),
        (0.001, 10, "0.001"),
        (0.00123, 10, "0.00123"),
        (1e7, 10, "1.0e7"),
        (12345678.0, 10, "12345678.0"),
        (123456789.0, 10, "123456789.0"),
        (1e21, 10, "1.0e21"),
        (1.5e10, 10, "1.5e10"),
        (100.0, 10, "100.0"),
        (1000.0, 10, "1000.0"),
        (1234567.0, 10, "1234567.0"),
        (1.7976931348623157e308, 10, "1.7976931348623157e308"),
        (5e-324, 10, "5.0e-324"),
        (0.1, 10, "0.1"),
        (1.0 / 3.0, 10, "0.3333333333333333"),
        (-2.5, 10, "-2.5"),
        (-0.0, 16, "-0.0"),
        (
            0.1,
            2,
            "1.100110011001100110011001100110011001100110011001101e-100",
        ),
        (1e21, 16, "3.635c9adc5deae11"),
        (255.5, 16, "ff.8"),
        (
            1e300,
            2,
            "1.01111110010000111100100010000000000001110101100111e1111100100",
        ),
        (1e-10, 16, "6.df37f675ef6ece-9"),
        (2.5, 2, "10.1"),
    ];
    for (f, radix, want) in cases {
        assert_eq!(flonum_to_string(*f, *radix), *want, "{f} in radix {radix}");
    }
}

#[test]
fn exact_to_flonum_rounds_correctly() {
    let big = BigInt::parse_bytes(b"12345678901234567890123", 10).unwrap();
    assert_eq!(big_to_f64(&big), 1.2345678901234568e22);
    let ten400 = Pow::pow(BigInt::from(10), 400u32);
    assert_eq!(big_to_f64(&ten400), f64::INFINITY);
    assert_eq!(ratio_to_f64(&BigInt::one(), &ten400), 0.0);
    assert_eq!(ratio_to_f64(&BigInt::from(1), &BigInt::from(3)), 1.0 / 3.0);
    let third = ratio_to_f64(&(&ten400 + 1), &(&ten400 * 3));
    assert_eq!(third, 1.0 / 3.0);
    // 2^53 + 1 rounds to even.
    let n = (BigInt::one() << 53usize) + 1;
    assert_eq!(big_to_f64(&n), 9007199254740992.0);
    let n = (BigInt::one() << 53usize) + 3;
    assert_eq!(big_to_f64(&n), 9007199254740996.0);
    // Subnormal results.
    let tiny = ratio_to_f64(&BigInt::one(), &(BigInt::one() << 1074usize));
    assert_eq!(tiny, 5e-324);
}

#[test]
fn division_kinds() {
    let cases: &[(DivKind, i128, i128, i128, i128)] = &[
        (DivKind::Floor, -7, 2, -4, 1),
        (DivKind::Ceiling, -7, 2, -3, -1),
        (DivKind::Truncate, -7, 2, -3, -1),
        (DivKind::Round, -7, 2, -4, 1),
        (DivKind::Round, 5, 2, 2, 1),
        (DivKind::Round, 127, 10, 13, -3),
        (DivKind::Round, 123, -10, -12, 3),
        (DivKind::Centered, -7, 2, -3, -1),
        (DivKind::Centered, 7, 2, 4, -1),
        (DivKind::Centered, 5, 2, 3, -1),
        (DivKind::Centered, -5, 2, -2, -1),
        (DivKind::Centered, 123, -10, -12, 3),
        (DivKind::Centered, -123, -10, 12, -3),
        (DivKind::Floor, 123, -10, -13, -7),
    ];
    for &(kind, x, y, q, r) in cases {
        assert_eq!(
            adjust_floor_i128(kind, x, y),
            (q, r),
            "{} {x} {y}",
            kind.name()
        );
        let (bq, br) = int_divide(
            kind,
            &(BigInt::from(x) << 100usize),
            &(BigInt::from(y) << 100usize),
        );
        assert_eq!(bq, BigInt::from(q), "big {} {x} {y}", kind.name());
        assert_eq!(
            br,
            BigInt::from(r) << 100usize,
            "big {} {x} {y}",
            kind.name()
        );
    }
}
