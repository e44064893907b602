//! Builds the guest interpreter (`guest/`) as a WebAssembly component and
//! hands it to this crate, which embeds it.
//!
//! The guest is compiled for `wasm32-unknown-unknown` (a standard library
//! with no operating-system interface: nothing to import) by a nested
//! `cargo build` with its own target directory (`target/guest-wasm`) and the
//! `guest-wasm` profile, so it never contends with the outer build's lock
//! and is rebuilt only when the guest, the contract crate or the WIT changes.
//! The core module is then made a component with `wit-component`, from the
//! component type that `wit-bindgen` embedded in it.  The guest crate is a
//! build-time artefact here, never a dependency: the host crates do not link
//! the interpreter.  `POTLUCK_GUEST_WASM=/path/to/component.wasm` uses a
//! prebuilt component instead.

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

/// The target the guest is compiled for.
const GUEST_TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .ancestors()
        .nth(2)
        .expect("host/sandbox/ is two levels inside the workspace")
        .to_path_buf();
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for p in [
        "guest/src",
        "guest/Cargo.toml",
        "wit/src",
        "wit/Cargo.toml",
        "wit/potluck.wit",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=POTLUCK_GUEST_WASM");

    let component = match env::var_os("POTLUCK_GUEST_WASM") {
        Some(p) => fs::read(&p).unwrap_or_else(|e| {
            panic!(
                "cannot read the guest component {}: {e}",
                Path::new(&p).display()
            )
        }),
        None => componentize(&build_guest(&root)),
    };
    let dest = out_dir.join("potluck_guest.wasm");
    fs::write(&dest, &component).expect("write guest component to OUT_DIR");
    let hash = hex::encode(Sha256::digest(&component));
    println!("cargo:rustc-env=POTLUCK_GUEST_SHA256={hash}");
}

/// The core module, made a component from its embedded component type.
fn componentize(core: &Path) -> Vec<u8> {
    let bytes = fs::read(core)
        .unwrap_or_else(|e| panic!("cannot read the guest module {}: {e}", core.display()));
    wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&bytes)
        .and_then(|mut e| e.encode())
        .unwrap_or_else(|e| panic!("cannot make the guest module a component: {e:#}"))
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
            GUEST_TARGET,
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
    // `-Crelocation-model=static`: the component is never relocated, and
    // static code reaches statics without the GOT.
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
             If the error above says the `{GUEST_TARGET}` target is not installed, run:\n\
             \n    rustup target add {GUEST_TARGET}\n\n\
             (README.md's set-up commands do this for you.)"
        );
    }
    target_dir.join(format!("{GUEST_TARGET}/guest-wasm/potluck_guest.wasm"))
}
