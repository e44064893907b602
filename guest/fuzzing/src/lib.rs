//! Fuzzing support: the bodies of the cargo-fuzz targets in `fuzz/`, their
//! oracles, a structured generator of Scheme expressions over the potluck
//! binding set, and the differential oracle against real Guile 3.0.
//!
//! Everything here is ordinary code, so the same bodies run on the stable
//! toolchain in `guest/fuzzing/tests/fuzz_smoke.rs` (seed corpus, regressions and a
//! time-boxed random run) and under libFuzzer in `fuzz/fuzz_targets/*.rs`
//! (a few lines each).  Generators are deterministic functions of their
//! input bytes ([`arbitrary::Unstructured`]): the same bytes always give the
//! same expression, which is what lets libFuzzer minimise and replay.
//!
//! A development tool, not part of the product: it links the interpreter
//! natively, which only tools that say so may do.

pub use arbitrary;

mod bodies;
mod differential;
mod gen;
mod rng;
mod smoke;

pub use bodies::*;
pub use differential::*;
pub use gen::*;
pub use rng::*;
pub use smoke::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::differential::has_guest_hex_escape;
    use potluck_guest::reader::read_all;
    use potluck_guest::value::Value;

    #[test]
    fn generation_is_deterministic() {
        for seed in 1..50u64 {
            let bytes = XorShift::new(seed).bytes(300);
            for mode in [Mode::Differential, Mode::Eval] {
                assert_eq!(generate(&bytes, mode), generate(&bytes, mode));
            }
        }
        // Exhausted input still generates (a literal).
        assert!(!generate(&[], Mode::Differential).to_string().is_empty());
    }

    #[test]
    fn generated_text_reads_as_one_datum() {
        let mut rng = XorShift::new(7);
        for _ in 0..500 {
            let bytes = rng.bytes(256);
            let text = generate(&bytes, Mode::Differential).to_string();
            let data = read_all(&text).unwrap_or_else(|d| panic!("{}: {text}", d.message));
            assert_eq!(data.len(), 1, "{text}");
        }
    }

    #[test]
    fn reader_round_trip_catches_differences() {
        let a = read_all("(a 1.5 \"x\" #\\y #(1 2) . z)").unwrap();
        let b = read_all("(a 1.5 \"x\" #\\y #(1 2) . w)").unwrap();
        let (a, b) = (a[0].to_datum(100).unwrap(), b[0].to_datum(100).unwrap());
        assert!(same_datum(&a, &a));
        assert!(!same_datum(&a, &b));
        assert!(same_datum(&Value::Real(f64::NAN), &Value::Real(-f64::NAN)));
        assert!(!same_datum(&Value::Real(0.0), &Value::Real(-0.0)));
        assert!(!same_datum(&Value::Int(1), &Value::Real(1.0)));
    }

    #[test]
    fn guest_hex_escapes_are_recognised() {
        assert!(has_guest_hex_escape(r#""a\xb;-""#));
        assert!(!has_guest_hex_escape(r#""a\\xb;-""#));
        assert!(!has_guest_hex_escape(r#""\v-""#));
    }
}
