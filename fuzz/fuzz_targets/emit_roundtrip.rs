//! Emission round trip: arbitrary dish record → module text → read back →
//! equal, only the allowed forms: see
//! `potluck_host_fuzz::emit_roundtrip_body`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    potluck_host_fuzz::emit_roundtrip_body(data);
});
