//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod emit;
pub mod hash;
pub mod host_channel;
pub mod index;
pub mod init;
pub mod refresh;
pub mod reresolve;
pub mod source;
pub mod update;
