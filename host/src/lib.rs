//! potluck-wasm: evaluate untrusted Guix package definitions ("dishes") in a
//! WebAssembly sandbox, check them, and (later) publish them as a channel.
//!
//! Modules, outermost first: [`server`] (HTTP), [`worker`] (one update job),
//! [`store`] (the durable queue), [`git`] (hardened fetch) and [`channel`]
//! (commits) make the shared host; [`client`] is `update`.  [`check`] finds
//! and reads dish files; [`pipeline`] takes one dish through [`sandbox`]
//! (the wasm engine and its limits), [`validate`]/[`resolve`] and [`emit`];
//! [`dish`] re-checks what the untrusted guest returns; [`diagnostic`]
//! renders problems.

pub mod bench;
pub mod channel;
pub mod check;
pub mod client;
pub mod diagnostic;
pub mod dish;
pub mod emit;
pub mod fuzzing;
pub mod git;
pub mod index;
pub mod init;
pub mod nix;
pub mod pipeline;
pub mod resolve;
pub mod sandbox;
pub mod server;
pub mod store;
pub mod validate;
pub mod worker;
