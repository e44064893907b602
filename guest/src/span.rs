//! Byte spans in a dish source and their line/column form: the contract's
//! ([`potluck_contract::span`]), which the host computes the same way.

pub use potluck_contract::span::Span;

/// 1-based line and column (in characters) of byte offset `pos` in `src`.
/// Offsets past the end or inside a character are clamped.
pub fn line_col(src: &str, pos: u32) -> (u32, u32) {
    potluck_contract::span::line_col(src, pos as usize)
}
