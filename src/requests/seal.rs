//! Sealing what patients submit: XChaCha20-Poly1305 with a 256-bit data key. Each record
//! stores the id of the key that sealed it, so keys can be rotated: a new key seals new
//! records and the old ones still open old records. The request's reference and kind are
//! bound in as associated data, so a sealed blob cannot be moved onto another record.
//!
//! The key file holds one key per line, `<id> <64 hex digits>`; the first line seals. It is
//! created with mode 0600 on first start when absent. `PESTLE_DATA_KEY` (same format, lines
//! separated by `;`) takes its place, e.g. from a secrets manager.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use anyhow::{Context, bail};
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload, rand_core::RngCore};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const NONCE_LEN: usize = 24;

fn derive_from(key: &[u8; 32], label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

fn digest_under(id: &str, key: &[u8; 32], label: &str, value: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&derive_from(key, label))
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(value);
    format!("{id}:{}", hex::encode(mac.finalize().into_bytes()))
}

/// The data keys: the current one seals, any of them opens.
pub struct DataKeys {
    current: String,
    keys: HashMap<String, XChaCha20Poly1305>,
    /// Every key's bytes, kept only to derive keys for other purposes (`derive`, `digest`).
    bytes: HashMap<String, [u8; 32]>,
}

impl fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key material.
        f.debug_struct("DataKeys")
            .field("current", &self.current)
            .field("count", &self.keys.len())
            .finish()
    }
}

/// A sealed record: which key, then nonce and ciphertext (with its tag) in one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub blob: Vec<u8>,
}

impl DataKeys {
    /// The keys `settings` name: `data_key` when set, else the key file (created when missing).
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Self> {
        use secrecy::ExposeSecret;
        match &settings.data_key {
            Some(keys) => {
                Self::parse(keys.expose_secret()).context("invalid PESTLE_DATA_KEY / data_key")
            }
            None => Self::load_or_create(&settings.data_key_file),
        }
    }

    /// Parses `<id> <hex>` lines (or `;`-separated entries); the first is current.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut current = None;
        let mut keys = HashMap::new();
        let mut key_bytes = HashMap::new();
        // Comments run from `#` to the end of a line; entries are lines or `;`-separated.
        let entries = text
            .lines()
            .map(|line| line.split('#').next().unwrap_or_default())
            .flat_map(|line| line.split(';'))
            .map(str::trim)
            .filter(|entry| !entry.is_empty());
        for (index, entry) in entries.enumerate() {
            let (id, hex_key) = entry.split_once(char::is_whitespace).with_context(|| {
                format!("data key {}: expected `<id> <64 hex digits>`", index + 1)
            })?;
            let bytes: [u8; 32] = hex::decode(hex_key.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .with_context(|| format!("data key `{id}`: expected 64 hex digits (32 bytes)"))?;
            let cipher = XChaCha20Poly1305::new_from_slice(&bytes)
                .map_err(|_| anyhow::anyhow!("data key `{id}` has the wrong length"))?;
            if keys.insert(id.to_owned(), cipher).is_some() {
                bail!("data key id `{id}` is listed twice");
            }
            key_bytes.insert(id.to_owned(), bytes);
            current.get_or_insert_with(|| id.to_owned());
        }
        let current = current.context("no data key found")?;
        Ok(Self {
            current,
            keys,
            bytes: key_bytes,
        })
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current
    }

    /// The ids of the keys held, sealing and opening ones alike.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Reads the key file, creating it (mode 0600, one fresh key) when it does not exist.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            let mut key = [0_u8; 32];
            OsRng.fill_bytes(&mut key);
            let text = format!(
                "# pestle data keys. The first key seals new records. Keep every key that ever\n\
                 # sealed a record, and back this file up apart from the database.\nk1 {}\n",
                hex::encode(key)
            );
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("cannot create {}", parent.display()))?;
            }
            write_private(path, &text)
                .with_context(|| format!("cannot create the data key file {}", path.display()))?;
            tracing::warn!(path = %path.display(), "created a new data key file; back it up");
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the data key file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    /// A key for another purpose, derived from the current data key as HMAC-SHA256(key,
    /// `label`): every instance that shares the key file derives the same one, so no new secret
    /// needs configuring, and each `label` gives an unrelated key. Rotating the data key changes
    /// it too.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        derive_from(&self.bytes[&self.current], label)
    }

    /// A keyed digest of `value` for finding it again without storing it (a status-page fact,
    /// an opted-out number): `<key id>:<hex HMAC-SHA256>` under a key derived for `label` from
    /// the current data key.
    pub fn digest(&self, label: &str, value: &[u8]) -> String {
        digest_under(&self.current, &self.bytes[&self.current], label, value)
    }

    /// `value`'s digest under the key `stored` names (its `<key id>:` prefix), to compare with
    /// `stored`; `None` when that key is no longer held.
    pub fn digest_as(&self, stored: &str, label: &str, value: &[u8]) -> Option<String> {
        let (id, _) = stored.split_once(':')?;
        let bytes = self.bytes.get(id)?;
        Some(digest_under(id, bytes, label, value))
    }

    /// `value`'s digest under every key held: what a value recorded before a key rotation was
    /// stored as is among them.
    pub fn digests(&self, label: &str, value: &[u8]) -> Vec<String> {
        let mut ids: Vec<&String> = self.bytes.keys().collect();
        ids.sort();
        ids.into_iter()
            .map(|id| digest_under(id, &self.bytes[id], label, value))
            .collect()
    }

    /// Seals `plaintext`, bound to `context` (reference and kind).
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> anyhow::Result<Sealed> {
        let cipher = self
            .keys
            .get(&self.current)
            .context("the current data key is missing")?;
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        Ok(Sealed {
            key_id: self.current.clone(),
            blob,
        })
    }

    /// Opens a sealed record; fails if the key is unknown, or the blob or context was changed.
    pub fn open(&self, sealed: &Sealed, context: &[u8]) -> anyhow::Result<Vec<u8>> {
        let cipher = self.keys.get(&sealed.key_id).with_context(|| {
            format!(
                "no data key `{}` (was it removed from the key file?)",
                sealed.key_id
            )
        })?;
        if sealed.blob.len() < NONCE_LEN {
            bail!("sealed record is truncated");
        }
        let (nonce, ciphertext) = sealed.blob.split_at(NONCE_LEN);
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("sealed record does not open: wrong key, or it was altered")
            })
    }
}

/// Writes `text` to a new file only its owner can read (0600), synced; never over an existing
/// file.
#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K1: &str = "k1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    const K2: &str = "k2 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

    #[test]
    fn sealed_records_open_only_with_their_key_and_context() {
        let keys = DataKeys::parse(K1).unwrap();
        let sealed = keys
            .seal("Jane Doe, (310) 555-0134".as_bytes(), b"R-7KQ3-9M refill")
            .unwrap();
        assert_eq!(sealed.key_id, "k1");
        assert!(!sealed.blob.windows(8).any(|w| w == b"Jane Doe"));
        let opened = keys.open(&sealed, b"R-7KQ3-9M refill").unwrap();
        assert_eq!(opened, "Jane Doe, (310) 555-0134".as_bytes());
        assert!(
            keys.open(&sealed, b"R-0000-00 refill").is_err(),
            "bound to its record"
        );
        let mut altered = sealed.clone();
        *altered.blob.last_mut().unwrap() ^= 1;
        assert!(keys.open(&altered, b"R-7KQ3-9M refill").is_err());
    }

    #[test]
    fn rotation_seals_with_the_first_key_and_opens_with_any() {
        let old = DataKeys::parse(K1).unwrap();
        let sealed_before = old.seal(b"old record", b"ctx").unwrap();
        let rotated = DataKeys::parse(&format!("{K2}\n{K1}\n")).unwrap();
        assert_eq!(rotated.open(&sealed_before, b"ctx").unwrap(), b"old record");
        assert_eq!(rotated.seal(b"new", b"ctx").unwrap().key_id, "k2");
        let env_style = DataKeys::parse(&format!("{K2};{K1}")).unwrap();
        assert_eq!(
            env_style.open(&sealed_before, b"ctx").unwrap(),
            b"old record"
        );
    }

    #[test]
    fn derived_keys_follow_the_current_key_and_differ_by_label() {
        let keys = DataKeys::parse(K1).unwrap();
        let again = DataKeys::parse(&format!("{K1}\n{K2}")).unwrap();
        let rotated = DataKeys::parse(&format!("{K2}\n{K1}")).unwrap();
        assert_eq!(
            keys.derive("a"),
            again.derive("a"),
            "same current key, same key"
        );
        assert_ne!(
            keys.derive("a"),
            keys.derive("b"),
            "labels separate purposes"
        );
        assert_ne!(keys.derive("a"), rotated.derive("a"));
        assert_ne!(
            &keys.derive("a")[..],
            &keys.bytes["k1"][..],
            "never the data key itself"
        );
    }

    #[test]
    fn digests_name_their_key_and_survive_a_rotation() {
        let keys = DataKeys::parse(K1).unwrap();
        let stored = keys.digest("fact", b"R-7KQ3-9M|1980-03-14");
        assert!(
            stored.starts_with("k1:") && stored.len() == 3 + 64,
            "{stored}"
        );
        assert!(!stored.contains("1980"));
        assert_ne!(stored, keys.digest("other", b"R-7KQ3-9M|1980-03-14"));
        let rotated = DataKeys::parse(&format!("{K2}\n{K1}")).unwrap();
        assert!(rotated.digest("fact", b"x").starts_with("k2:"));
        assert_eq!(
            rotated.digest_as(&stored, "fact", b"R-7KQ3-9M|1980-03-14"),
            Some(stored.clone()),
            "checked under the key it was made with"
        );
        assert!(
            rotated
                .digests("fact", b"R-7KQ3-9M|1980-03-14")
                .contains(&stored)
        );
        assert_eq!(rotated.digest_as("k9:00", "fact", b"x"), None);
    }

    #[test]
    fn bad_key_files_say_what_is_wrong() {
        let error = |text: &str| format!("{:#}", DataKeys::parse(text).unwrap_err());
        assert!(error("").contains("no data key"));
        assert!(error("k1 abcd").contains("64 hex digits"));
        assert!(error("justonetoken").contains("expected `<id> <64 hex digits>`"));
        assert!(error(&format!("{K1}\n{K1}")).contains("listed twice"));
    }

    #[test]
    fn a_missing_key_file_is_created_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/data.key");
        let keys = DataKeys::load_or_create(&path).unwrap();
        let again = DataKeys::load_or_create(&path).unwrap();
        let sealed = keys.seal(b"x", b"c").unwrap();
        assert_eq!(
            again.open(&sealed, b"c").unwrap(),
            b"x",
            "the same key is read back"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
