//! Arbitrary bytes through the guest's reader: see
//! `potluck_guest_fuzz::reader_body` for the oracle.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    potluck_guest_fuzz::reader_body(data);
});
