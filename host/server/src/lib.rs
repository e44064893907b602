//! The shared potluck host: it takes update requests from anyone, and turns
//! the dishes of every repository it follows into one Guix channel.
//!
//! [`http`] is the HTTP face (the 2017 `enqueue-update` protocol, a JSON
//! view and a status page), with the typed messages of [`api`], which
//! [`client`] (`potluck-wasm update`) shares.  [`store`] is the durable job
//! queue; [`worker`]s take jobs, [`verify`] checks the dishes' sources, [`git`] fetches with a hardened `git`,
//! the dish crate's pipeline evaluates, and [`channel`] commits.

pub mod api;
pub mod channel;
pub mod client;
pub mod git;
pub mod http;
pub mod signing;
pub mod store;
pub mod verify;
pub mod worker;
