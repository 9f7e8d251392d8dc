//! Typed ids (the strings of the JSON) and dense indices (positions inside the domain model).
//!
//! Keeping them apart makes it a type error to look up a lane with an order's index, and lets
//! the model use plain vectors instead of string maps.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($name:ident, $what:literal) => {
        #[doc = concat!("The id of ", $what, " as written in the scenario.")]
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Maps keyed by the id are looked up with a `&str`, without building an id: the
        /// derived `Hash` and `Eq` are the string's own.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

macro_rules! dense_index {
    ($name:ident, $what:literal) => {
        #[doc = concat!("Position of ", $what, " in the domain model's vector.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            pub fn new(i: usize) -> Self {
                Self(u32::try_from(i).expect(concat!("too many entries for ", $what)))
            }
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }

        impl Dense for $name {
            fn at(i: usize) -> Self {
                Self::new(i)
            }
            fn ix(self) -> usize {
                $name::ix(self)
            }
        }
    };
}

/// A position in one of the domain model's vectors, as the index maps give it:
/// `at(i).ix() == i`.
pub(crate) trait Dense: Copy {
    fn at(i: usize) -> Self;
    fn ix(self) -> usize;
}

string_id!(SkuId, "a SKU");
string_id!(NodeId, "a node");
string_id!(LaneId, "a lane");
string_id!(InboundId, "an inbound receipt");
string_id!(OrderId, "an order");

dense_index!(SkuIx, "a SKU");
dense_index!(NodeIx, "a node");
dense_index!(LaneIx, "a lane");
dense_index!(InboundIx, "an inbound receipt");
dense_index!(OrderIx, "an order");
dense_index!(DisruptionIx, "a disruption");
