//! The host's HTTP request handling and its URL and branch checks: see
//! `potluck_host_fuzz::http_body`.
#![no_main]

use std::sync::OnceLock;

use potluck_host_fuzz::HttpTarget;

fn target() -> &'static HttpTarget {
    static TARGET: OnceLock<HttpTarget> = OnceLock::new();
    TARGET.get_or_init(HttpTarget::new)
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    potluck_host_fuzz::http_body(target(), data);
});
