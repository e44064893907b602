//! Nix's base32 ("nix-base32"), the encoding of hashes in Guix package
//! definitions: alphabet `0123456789abcdfghijklmnpqrsvwxyz` (no e, o, t,
//! u), least significant 5-bit group last.

/// The nix-base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// Encode bytes as nix-base32.
pub fn encode(bytes: &[u8]) -> String {
    let len = (bytes.len() * 8).div_ceil(5);
    let mut out = String::with_capacity(len);
    for n in (0..len).rev() {
        let b = n * 5;
        let i = b / 8;
        let j = b % 8;
        let lo = bytes[i] as u16 >> j;
        let hi = if i + 1 < bytes.len() {
            (bytes[i + 1] as u16) << (8 - j)
        } else {
            0
        };
        out.push(ALPHABET[((lo | hi) & 0x1f) as usize] as char);
    }
    out
}

/// Why a string is not a nix-base32 encoding of `n` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The string has this many characters instead of the expected count.
    Length { got: usize, expected: usize },
    /// The character at this index (0-based, in characters) is not in the alphabet.
    Char { index: usize, ch: char },
    /// The string encodes bits beyond the `n` bytes.
    Overflow,
}

/// Decode a nix-base32 string that must encode exactly `n` bytes.
pub fn decode(s: &str, n: usize) -> Result<Vec<u8>, DecodeError> {
    let expected = (n * 8).div_ceil(5);
    let chars: Vec<char> = s.chars().collect();
    if chars.len() != expected {
        return Err(DecodeError::Length {
            got: chars.len(),
            expected,
        });
    }
    let mut out = vec![0u8; n];
    for (k, &c) in chars.iter().enumerate() {
        let digit = ALPHABET
            .iter()
            .position(|&a| a as char == c)
            .ok_or(DecodeError::Char { index: k, ch: c })? as u16;
        let pos = expected - 1 - k;
        let b = pos * 5;
        let i = b / 8;
        let j = b % 8;
        out[i] |= (digit << j) as u8;
        let carry = digit >> (8 - j);
        if i + 1 < n {
            out[i + 1] |= carry as u8;
        } else if carry != 0 {
            return Err(DecodeError::Overflow);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn known_vectors() {
        // `guix hash` / `nix-hash --to-base32` of the SHA-256 of "" and "abc".
        assert_eq!(
            encode(&Sha256::digest(b"")),
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"
        );
        assert_eq!(
            encode(&Sha256::digest(b"abc")),
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"
        );
        assert_eq!(encode(&[0x1f]), "0z");
        assert_eq!(encode(&[]), "");
    }

    #[test]
    fn decode_inverts_encode_and_rejects_bad_input() {
        for seed in 0u8..50 {
            let bytes: Vec<u8> = (0u8..32)
                .map(|i| i.wrapping_mul(seed).wrapping_add(seed))
                .collect();
            assert_eq!(decode(&encode(&bytes), 32).unwrap(), bytes);
        }
        let good = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
        assert_eq!(decode(good, 32).unwrap(), Sha256::digest(b"").to_vec());
        assert_eq!(
            decode(&good[1..], 32),
            Err(DecodeError::Length {
                got: 51,
                expected: 52
            })
        );
        let bad = good.replace('w', "e");
        assert!(matches!(
            decode(&bad, 32),
            Err(DecodeError::Char { ch: 'e', .. })
        ));
        // The top character carries only one bit of the 256: `2`..`z` overflow.
        let over = format!("2{}", &good[1..]);
        assert_eq!(decode(&over, 32), Err(DecodeError::Overflow));
    }
}
