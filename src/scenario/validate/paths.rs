//! JSON paths of diagnostics, written out only when a message needs them.

use std::fmt;

/// Where an order sits in the document, written out only when a message needs it:
/// `orders[i]`, or `disruptions[d].orders[j]` for a demand surge's.
#[derive(Clone, Copy)]
pub(super) enum OrderAt {
    Listed(usize),
    Surge(usize, usize),
}

impl fmt::Display for OrderAt {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            OrderAt::Listed(i) => write!(f, "orders[{i}]"),
            OrderAt::Surge(d, j) => write!(f, "disruptions[{d}].orders[{j}]"),
        }
    }
}

/// `parent.field`, written out only when a message needs it.
pub(super) struct Field<'a>(pub(super) &'a dyn fmt::Display, pub(super) &'static str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// `parent.field[index]`, written out only when a message needs it (a path formatted for
/// every line and plan entry took a fifth of validating medium).
pub(super) struct Elem<'a>(
    pub(super) &'a dyn fmt::Display,
    pub(super) &'static str,
    pub(super) usize,
);

impl fmt::Display for Elem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}[{}]", self.0, self.1, self.2)
    }
}
