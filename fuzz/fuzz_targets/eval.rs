//! Structured expressions over the potluck binding set through the native
//! evaluator with small limits: see `potluck_guest_fuzz::eval_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    potluck_guest_fuzz::eval_body(data);
});
