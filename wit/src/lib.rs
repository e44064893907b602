//! The contract between the potluck host and the dish interpreter, as Rust:
//! the WIT interface (`potluck.wit`, next to this crate) says what crosses
//! the sandbox boundary; this crate holds the few facts both sides must
//! compute the same way.
//!
//! - [`limits`]: the sizes of what crosses (inputs per field, datum nodes,
//!   nesting, digits of a number) and the depth rule both sides count with;
//! - [`span`]: byte spans and their line/column form, with a [`span::LineIndex`]
//!   for many lookups in one text;
//! - [`grammar`]: which symbols a channel module may spell and which tokens
//!   a Scheme reader takes for numbers;
//! - [`distance`]: a bounded edit distance for "did you mean" suggestions.
//!
//! Every function here is pure and does work bounded by the size of its
//! input (most by a small constant): the host runs them on data an
//! untrusted guest produced.  The crate has no dependencies, so linking it
//! adds nothing to the guest but these functions.

pub mod distance;
pub mod grammar;
pub mod limits;
pub mod span;
