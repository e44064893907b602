//! Builds the guest interpreter (`guest/`) as a WebAssembly component for
//! `wasm32-wasip2` and hands it to the host crate, which embeds it.
//!
//! The guest is compiled by a nested `cargo build` with its own target
//! directory (`target/guest-wasm`) and the `guest-wasm` profile, so it never
//! contends with the outer build's lock and is rebuilt only when the guest or
//! the WIT contract changes.  `POTLUCK_GUEST_WASM=/path/to/component.wasm`
//! uses a prebuilt component instead.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// The guest's shadow stack in linear memory (the interpreter's recursion
/// lives there; its depth limit is calibrated against this size).
const GUEST_STACK_BYTES: u32 = 1024 * 1024;

/// The guest's initial linear memory: the 1 MiB stack, about 170 KiB of
/// data and an 80 KiB first heap, which a typical dish does not outgrow
/// (each `memory.grow`, and the shrink back when the slot is reused, is an
/// `mprotect` with a TLB shootdown on every core).  Not larger: every reset
/// of a slot scans the page table of all of it (`PAGEMAP_SCAN`), and 2 MiB
/// cost 5% more per typical dish than this (`examples/compare_guests.rs`).
/// The stack cannot shrink: at the interpreter's depth limit the deepest
/// hostile dishes use between 512 and 768 KiB of it.
const GUEST_INITIAL_MEMORY_BYTES: u32 = 1280 * 1024;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host/ is inside the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for p in ["guest/src", "guest/Cargo.toml", "wit", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=POTLUCK_GUEST_WASM");

    let wasm = match env::var_os("POTLUCK_GUEST_WASM") {
        Some(p) => PathBuf::from(p),
        None => build_guest(&root),
    };
    let bytes = fs::read(&wasm)
        .unwrap_or_else(|e| panic!("cannot read the guest component {}: {e}", wasm.display()));
    let dest = out_dir.join("potluck_guest.wasm");
    fs::write(&dest, &bytes).expect("write guest component to OUT_DIR");
    let hash = hex::encode(Sha256::digest(&bytes));
    println!("cargo:rustc-env=POTLUCK_GUEST_SHA256={hash}");
}

fn build_guest(root: &Path) -> PathBuf {
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("guest-wasm");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args([
            "build",
            "--package",
            "potluck-guest",
            "--lib",
            "--target",
            "wasm32-wasip2",
            "--profile",
            "guest-wasm",
            "--target-dir",
        ])
        .arg(&target_dir);
    // The outer build's flags (coverage, sanitizers, cargo-fuzz's
    // instrumentation) are for the host, not the guest.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PROFILE_RELEASE_DEBUG",
    ] {
        cmd.env_remove(var);
    }
    // `-Crelocation-model=static`: the target's default is position-
    // independent code, which reaches every static through the GOT and
    // `__memory_base`; the component is never relocated, and static code
    // runs about 5% fewer wasm instructions per dish.
    let flags = [
        format!("-Clink-arg=-zstack-size={GUEST_STACK_BYTES}"),
        format!("-Clink-arg=--initial-memory={GUEST_INITIAL_MEMORY_BYTES}"),
        "-Crelocation-model=static".to_string(),
    ];
    cmd.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"));
    let status = cmd
        .status()
        .expect("run cargo to build the guest component");
    if !status.success() {
        panic!(
            "building the guest component failed.\n\
             If the error above says the `wasm32-wasip2` target is not installed, run:\n\
             \n    rustup target add wasm32-wasip2\n\n\
             (README.md's set-up command does this for you.)"
        );
    }
    target_dir.join("wasm32-wasip2/guest-wasm/potluck_guest.wasm")
}
