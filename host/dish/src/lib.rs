//! What potluck does with a dish once the sandbox has returned it as plain
//! host data: everything here is trusted code working on re-validated data.
//!
//! [`files`] finds and reads dish files safely; [`pipeline`] is the one path
//! every dish takes (`check`, `emit`, `reresolve` and the host's workers):
//! the sandbox, then [`validate`] (every field, with [`resolve`] against the
//! Guix package [`index`]), then [`emit`] (the channel module, read back by
//! [`readback`] with `lexpr` before anyone may commit it).  [`nix`] and
//! [`nar`] compute the hashes Guix computes, [`source`] judges a fetched
//! source; [`init`] starts a dish.

pub mod emit;
pub mod files;
pub mod git;
pub mod habits;
pub mod index;
pub mod init;
pub mod layout;
pub mod nar;
pub mod nix;
pub mod pipeline;
pub mod pretty;
pub mod readback;
pub mod refresh;
pub mod resolve;
pub mod source;
pub mod uri;
pub mod validate;
