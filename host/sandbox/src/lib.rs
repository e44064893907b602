//! The potluck sandbox: the trust boundary between the host and the dish
//! interpreter.
//!
//! [`Sandbox`] embeds wasmtime with the guest component (built from
//! `guest/` by this crate's build script and embedded, never linked as a
//! Rust crate), evaluates each dish in a fresh instance under hard
//! [`Limits`], and hands what the guest returned to [`revalidate`], which
//! checks it again with code of the host's own before anyone looks at it.
//! What comes out is a [`Dish`] of plain host data, or [`Diagnostic`]s.
//!
//! The guest is granted nothing: the component imports nothing, the linker
//! defines no host function, and a test fails if that ever changes.

pub mod diagnostic;
pub mod dish;
pub mod revalidate;
mod sandbox;

pub use diagnostic::{Diagnostic, Kind, Severity, Span};
pub use dish::{Datum, Dish, Source, Spanned, StringList};
pub use sandbox::{wit, Cache, CacheOutcome, Limits, Sandbox, SandboxError, GUEST_SHA256};
