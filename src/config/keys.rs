//! The names of `Settings`' fields, as serde's derive knows them: the `PESTLE_…` variables read
//! are exactly these, so adding a field adds its variable and no list can fall behind.

use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::Settings;

/// Every key `Settings` has, in declaration order.
pub fn of_settings() -> &'static [&'static str] {
    static KEYS: OnceLock<&'static [&'static str]> = OnceLock::new();
    KEYS.get_or_init(fields_of::<Settings>)
}

/// The field names a derived `Deserialize` struct asks for. The derive hands them to
/// `deserialize_struct`; this deserializer keeps them and stops there. (A struct with
/// `#[serde(flatten)]` asks for a map instead and would give none: `Settings` has none, and
/// the tests check the list is complete.)
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // Always an error: the point is the names recorded on the way.
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}
