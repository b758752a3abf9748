//! Request references a patient can read out on the phone: `R-7KQ3-9M`. Six characters from an
//! alphabet without look-alikes (no 0/O, 1/I/L, U/V, 5/S, 2/Z), about 244 million values.

use std::fmt;

use chacha20poly1305::aead::{OsRng, rand_core::RngCore};

/// Digits and capitals that cannot be mistaken for one another when read aloud or written.
const ALPHABET: &[u8] = b"346789ABCDEFGHJKMNPQRTWXY";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference(String);

impl Reference {
    /// A fresh random reference (collisions are caught by the database's unique index).
    pub fn generate() -> Self {
        // Rejection sampling keeps every character equally likely (250 = 10 × 25).
        let mut chars = Vec::with_capacity(6);
        let mut byte = [0_u8; 1];
        while chars.len() < 6 {
            OsRng.fill_bytes(&mut byte);
            if byte[0] < 250 {
                chars.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
            }
        }
        Self(format!(
            "R-{}{}{}{}-{}{}",
            chars[0], chars[1], chars[2], chars[3], chars[4], chars[5]
        ))
    }

    /// Accepts what a person types: any case, spaces, missing dashes.
    pub fn parse(raw: &str) -> Option<Self> {
        let cleaned: String = raw
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let body = cleaned.strip_prefix('R').unwrap_or(&cleaned);
        (body.len() == 6 && body.bytes().all(|b| ALPHABET.contains(&b)))
            .then(|| Self(format!("R-{}-{}", &body[..4], &body[4..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_and_unambiguous() {
        for _ in 0..1000 {
            let reference = Reference::generate();
            let text = reference.as_str();
            assert_eq!(text.len(), 9);
            assert!(text.starts_with("R-") && &text[6..7] == "-");
            assert!(!text[2..].contains(['0', 'O', '1', 'I', 'L', 'U', 'V', '5', 'S', '2', 'Z']));
            assert_eq!(Reference::parse(text), Some(reference.clone()));
        }
        assert_eq!(
            Reference::parse("r 7kq3 9m").map(|r| r.to_string()),
            Some("R-7KQ3-9M".into())
        );
        assert_eq!(Reference::parse("R-7KQ3-9"), None);
        assert_eq!(Reference::parse("R-0KQ3-9M"), None);
    }
}
