//! Print the Scheme program an `eval` fuzz input stands for (the bytes go
//! through the same generator as the fuzz target), one file per argument:
//!
//! `cargo run -p potluck-guest-fuzz --example show_eval_input -- fuzz/artifacts/eval/crash-…`

use potluck_guest_fuzz::{generate, Mode};

fn main() {
    let mut failed = false;
    for path in std::env::args_os().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => println!(
                ";; {}\n{}",
                path.to_string_lossy(),
                generate(&bytes, Mode::Eval)
            ),
            Err(e) => {
                eprintln!("{}: {e}", path.to_string_lossy());
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
