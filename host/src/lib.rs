//! potluck-wasm: evaluate untrusted Guix package definitions ("dishes") in a
//! WebAssembly sandbox, check them, and (later) publish them as a channel.
//!
//! Modules, outermost first: [`check`] finds and reads dish files and runs
//! them; [`sandbox`] owns the wasm engine and the limits; [`dish`] re-checks
//! what the untrusted guest returns; [`diagnostic`] renders problems.

pub mod bench;
pub mod check;
pub mod diagnostic;
pub mod dish;
pub mod emit;
pub mod index;
pub mod init;
pub mod nix;
pub mod resolve;
pub mod sandbox;
pub mod validate;
