//! A list setting written either as a TOML array or as one string with commas — the form an
//! environment variable allows (`PESTLE_ACME_DOMAINS=a.example,b.example`).

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    List(Vec<String>),
    Text(String),
}

/// The items, trimmed, empty ones dropped.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let items = match Written::deserialize(deserializer)? {
        Written::List(items) => items,
        Written::Text(text) => text.split(',').map(str::to_owned).collect(),
    };
    Ok(items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect())
}
