//! JSON objects read by their field names only. serde's derived reader takes a struct from
//! an array as well, field by field in declaration order: `["DC-PAR", "SKU-1", 40, 0]` is a
//! stock record to it, and a tool that writes rows as arrays in another column order (on
//! hand and reserved swapped, say) gives a scenario that reads without a word and means
//! something else. [`ByName`] wraps a deserializer so that every struct in the document,
//! however deep, is refused when it is written as an array ("invalid type: sequence,
//! expected struct ..."), and everything else reads as before.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// `T` from JSON text, every struct in it read from an object only.
pub fn from_str<'a, T: de::Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(ByName(&mut de))?;
    de.end()?;
    Ok(value)
}

/// [`from_str`] on bytes.
pub fn from_slice<'a, T: de::Deserialize<'a>>(bytes: &'a [u8]) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(ByName(&mut de))?;
    de.end()?;
    Ok(value)
}

/// A deserializer whose structs are read from objects only (the module's doc).
pub struct ByName<D>(pub D);

/// A visitor passed on with what it reaches wrapped; `object_only` for a struct's, `any`
/// for one given to `deserialize_any` (where an internally tagged enum's visitor comes).
struct Visit<V> {
    inner: V,
    object_only: bool,
    any: bool,
}

fn visit<V>(inner: V) -> Visit<V> {
    Visit {
        inner,
        object_only: false,
        any: false,
    }
}

macro_rules! forward {
    ($($method:ident),*) => {
        $(
            fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
                self.0.$method(visit(v))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ByName<D> {
    type Error = D::Error;

    forward!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any
    );

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, D::Error> {
        let v = Visit {
            inner: v,
            object_only: false,
            any: true,
        };
        self.0.deserialize_any(v)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, visit(v))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, visit(v))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, visit(v))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, visit(v))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let v = Visit {
            inner: v,
            object_only: true,
            any: false,
        };
        self.0.deserialize_struct(name, fields, v)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, visit(v))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! pass {
    ($($method:ident: $t:ty),*) => {
        $(
            fn $method<E: de::Error>(self, x: $t) -> Result<V::Value, E> {
                self.inner.$method(x)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    pass!(
        visit_bool: bool,
        visit_i8: i8,
        visit_i16: i16,
        visit_i32: i32,
        visit_i64: i64,
        visit_i128: i128,
        visit_u8: u8,
        visit_u16: u16,
        visit_u32: u32,
        visit_u64: u64,
        visit_u128: u128,
        visit_f32: f32,
        visit_f64: f64,
        visit_char: char,
        visit_str: &str,
        visit_borrowed_str: &'de str,
        visit_string: String,
        visit_bytes: &[u8],
        visit_borrowed_bytes: &'de [u8],
        visit_byte_buf: Vec<u8>
    );

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(ByName(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(ByName(d))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        // Only a visitor given to `deserialize_any` can be a tagged enum's: the check (a
        // formatted string) stays off the arrays a document is made of.
        if self.object_only || (self.any && tagged_enum(&self.inner)) {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        self.inner.visit_seq(Seq(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(Map(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(Enum(data))
    }
}

/// Whether `v` reads an internally tagged enum (`#[serde(tag = "kind")]`, the disruptions):
/// serde reads one through `deserialize_any`, and from an array it takes the tag first and
/// the variant's fields by position after it. Told by what the visitor expects, the one
/// thing serde shows of it ("internally tagged enum DisruptionDoc"; the unit test below
/// fails if serde words it otherwise).
fn tagged_enum<'de, V: Visitor<'de>>(v: &V) -> bool {
    struct Expecting<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for Expecting<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    Expecting(v)
        .to_string()
        .starts_with("internally tagged enum")
}

/// A seed whose deserializer is wrapped.
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(ByName(d))
    }
}

struct Seq<A>(A);

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Seq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Map<A>(A);

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Map<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }
    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Enum<A>(A);

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Variant(variant)))
    }
}

struct Variant<A>(A);

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Variant<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, visit(v))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, A::Error> {
        let v = Visit {
            inner: v,
            object_only: true,
            any: false,
        };
        self.0.struct_variant(fields, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Stock {
        node: String,
        on_hand: f64,
        reserved: Option<f64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Doc {
        stock: Vec<Stock>,
        pair: (u32, String),
        tags: Vec<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Event {
        Loss { node: String, quantity: f64 },
    }

    #[test]
    fn structs_read_from_objects_only_at_any_depth() {
        let good = r#"{"stock": [{"node": "A", "on_hand": 4, "reserved": 1}], "pair": [1, "x"], "tags": ["t"]}"#;
        let doc: Doc = from_str(good).unwrap();
        assert_eq!(doc.stock[0].reserved, Some(1.0));
        assert_eq!(doc, serde_json::from_str(good).unwrap());
        // serde alone reads a row written as an array by position.
        let rows = r#"{"stock": [["A", 1, 4]], "pair": [1, "x"], "tags": []}"#;
        let read: Doc = serde_json::from_str(rows).unwrap();
        assert_eq!(read.stock[0].on_hand, 1.0);
        let e = from_str::<Doc>(rows).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: sequence, expected struct Stock"),
            "{e}"
        );
        let value: serde_json::Value = serde_json::from_str(rows).unwrap();
        let e = Doc::deserialize(ByName(&value)).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: sequence, expected struct Stock"),
            "{e}"
        );
        assert!(from_str::<Doc>(r#"[[], [1, "x"], []]"#).is_err());
        // An internally tagged enum: serde alone takes the tag first, then fields by position.
        let row = r#"["loss", "A", 3]"#;
        assert!(serde_json::from_str::<Event>(row).is_ok());
        let e = from_str::<Event>(row).unwrap_err().to_string();
        assert!(
            e.starts_with("invalid type: sequence, expected internally tagged enum Event"),
            "{e}"
        );
        let ok: Vec<Event> = from_str(r#"[{"kind": "loss", "node": "A", "quantity": 3}]"#).unwrap();
        assert_eq!(
            ok,
            [Event::Loss {
                node: "A".into(),
                quantity: 3.0
            }]
        );
        // Trailing text is refused as serde_json's own readers refuse it.
        assert!(from_str::<Doc>(&format!("{good} 1")).is_err());
    }
}
