//! The real boundary: bytes as a dish source through the host's `evaluate`
//! (wasmtime, the guest compiled to wasm, small limits): see
//! `potluck_host_fuzz::boundary_body`.
#![no_main]

use std::sync::OnceLock;

use potluck_host_fuzz::Sandbox;

fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(potluck_host_fuzz::fuzz_sandbox)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    potluck_host_fuzz::boundary_body(sandbox(), data);
});
