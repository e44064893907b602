//! Support shared by `potluck-bench` and the measuring examples: the
//! benchmark corpus and the statistics every figure is reported with.

pub mod stats;
