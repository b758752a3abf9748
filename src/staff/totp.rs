//! Two-factor sign-in: TOTP (RFC 6238: SHA-1, 6 digits, 30 s, one step of clock drift either
//! way), the enrolment QR code drawn here as SVG (no third-party service ever sees the secret),
//! and single-use recovery codes stored only as SHA-256 hashes.

use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for one another when copied from paper.
const RECOVERY_ALPHABET: &[u8] = b"346789abcdefghjkmnpqrtwxy";

/// A new random TOTP secret (160 bits, as RFC 4226 recommends).
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0_u8; 20];
    OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], account: &str, issuer: &str) -> anyhow::Result<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        30,
        secret.to_vec(),
        Some(issuer.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| anyhow::anyhow!("cannot set up TOTP: {e}"))
}

/// Whether `code` (spaces ignored) is valid for `secret` at `unix_seconds`.
pub fn check(secret: &[u8], code: &str, unix_seconds: u64) -> bool {
    matching_step(secret, code, unix_seconds).is_some()
}

/// The 30-second step `code` belongs to, allowing one step of clock drift either way; `None`
/// when it matches none. The caller keeps the last step used, so a code works once.
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, "check", "pestle").ok()?;
    let now_step = unix_seconds / 30;
    [now_step.saturating_sub(1), now_step, now_step + 1]
        .into_iter()
        .find(|step| {
            // Compared without stopping at the first differing digit.
            let expected = totp.generate(step * 30);
            expected.len() == code.len()
                && expected
                    .bytes()
                    .zip(code.bytes())
                    .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
}

/// The code for `secret` at `unix_seconds` (for tests and for showing the clock is right).
pub fn code_at(secret: &[u8], unix_seconds: u64) -> anyhow::Result<String> {
    Ok(totp(secret, "code", "pestle")?.generate(unix_seconds))
}

/// What an authenticator app needs: the `otpauth://` URL as an SVG QR code, and the secret in
/// base32 for typing in by hand.
pub struct Enrolment {
    pub qr_svg: String,
    pub secret_base32: String,
}

pub fn enrolment(secret: &[u8], account: &str, issuer: &str) -> anyhow::Result<Enrolment> {
    let totp = totp(secret, account, issuer)?;
    let url = totp.get_url();
    let qr = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot draw the QR code: {e}"))?;
    let qr_svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // The XML declaration is not allowed inside HTML.
    let qr_svg = match qr_svg.find("<svg") {
        Some(at) => qr_svg[at..].to_owned(),
        None => qr_svg,
    };
    Ok(Enrolment {
        qr_svg,
        secret_base32: totp.get_secret_base32(),
    })
}

/// The secret an enrolment page showed in base32 (RFC 4648, padding optional), or `None`.
pub fn secret_from_base32(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim().trim_end_matches('=').bytes() {
        let value = ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase())?;
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from(bits >> count).ok()?);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

/// New recovery codes (shown once) and their hashes (stored, space-separated).
pub fn new_recovery_codes() -> (Vec<String>, String) {
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0_u8; 10];
            OsRng.fill_bytes(&mut bytes);
            let letters: String = bytes
                .iter()
                .map(|b| RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect();
    let hashes = codes
        .iter()
        .map(|c| hash_recovery(c))
        .collect::<Vec<_>>()
        .join(" ");
    (codes, hashes)
}

fn hash_recovery(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// If `code` is one of the unused recovery codes in `hashes`, the hashes without it.
pub fn use_recovery_code(hashes: &str, code: &str) -> Option<String> {
    let wanted = hash_recovery(code);
    let all: Vec<&str> = hashes.split_whitespace().collect();
    all.contains(&wanted.as_str()).then(|| {
        all.into_iter()
            .filter(|h| *h != wanted)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_rfc_6238_and_allow_one_step_of_drift() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890" at 59 s: 94287082 (8 digits);
        // the 6-digit code is its last six.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).unwrap(), "287082");
        assert!(check(secret, "287 082", 59));
        assert!(check(secret, "287082", 59 + 30), "one step late");
        assert!(!check(secret, "287082", 59 + 90), "three steps late");
        assert!(!check(secret, "28708", 59));
        assert_eq!(matching_step(secret, "287082", 59), Some(1));
        assert_eq!(
            matching_step(secret, "287082", 59 + 30),
            Some(1),
            "the step it was made for"
        );
    }

    #[test]
    fn recovery_codes_work_once() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let left = use_recovery_code(&hashes, &codes[3].to_uppercase()).unwrap();
        assert_eq!(left.split_whitespace().count(), RECOVERY_CODES - 1);
        assert!(use_recovery_code(&left, &codes[3]).is_none());
    }

    #[test]
    fn the_qr_code_is_inline_svg() {
        let enrolment = enrolment(&new_secret(), "ana@willow.example", "Willow").unwrap();
        assert!(enrolment.qr_svg.starts_with("<svg"));
        assert_eq!(enrolment.secret_base32.len(), 32);
        let secret = b"12345678901234567890";
        let shown = super::enrolment(secret, "a@b.example", "W")
            .unwrap()
            .secret_base32;
        assert_eq!(secret_from_base32(&shown).unwrap(), secret);
        assert!(secret_from_base32("not base32!").is_none());
    }
}
