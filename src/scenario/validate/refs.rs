//! Ids and references: every id unique within its kind, every reference to one that exists.

use super::validator::{Deferred, Kind, Validator};
use crate::base::limits::MAX_ID_CHARS;
use crate::base::text::clip;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

/// What precedes the place of the first of two equal ids in a duplicate id's message
/// (`duplicate order id "SO-1" (first at orders[0])`), which ends with `)` after it.
pub(crate) const FIRST_AT: &str = " (first at ";

impl Validator {
    /// The map from each id of `ids` (with their paths) to its position, `what`
    /// naming their kind in messages; an id that is empty, too long, breaks a line, has a
    /// bidirectional control, or repeats an earlier one is reported and left out. The map
    /// itself finds the earlier of two equal ids (its value is that id's position): one
    /// hash of each id, where a second map of positions took three.
    pub(super) fn index_ids<K: Eq + Hash, I: Dense>(
        &mut self,
        ids: &[(impl fmt::Display, &str)],
        what: &str,
        key: impl Fn(&str) -> K,
    ) -> HashMap<K, I> {
        let mut map: HashMap<K, I> = HashMap::with_capacity(ids.len());
        for (i, (path, id)) in ids.iter().enumerate() {
            if id.trim().is_empty() {
                self.err(
                    "empty_id",
                    path.to_string(),
                    format!("empty {what} id"),
                    format!("give every {what} a non-empty id"),
                );
                continue;
            }
            if id.chars().count() > MAX_ID_CHARS {
                self.err(
                    "id_too_long",
                    path.to_string(),
                    format!(
                        "{what} id \"{}\" is {} characters long, more than {MAX_ID_CHARS}",
                        clip(id, 24),
                        id.chars().count()
                    ),
                    "ids are codes from the planning system; shorten it",
                );
                continue;
            }
            if breaks_line(id) {
                self.err(
                    "id_line_break",
                    path.to_string(),
                    format!("{what} id {id:?} has a line break in it"),
                    "ids are written on one line in every table, report and file; remove the line break",
                );
                continue;
            }
            if let Some(c) = reorders(id) {
                self.err(
                    "id_bidi_control",
                    path.to_string(),
                    format!(
                        "{what} id {id:?} has the bidirectional control U+{:04X} in it",
                        c as u32
                    ),
                    REORDERS_HINT,
                );
                continue;
            }
            let slot = match map.entry(key(id)) {
                Entry::Vacant(slot) => slot,
                Entry::Occupied(first) => {
                    let prev = ids[first.get().ix()].0.to_string();
                    self.err(
                        "duplicate_id",
                        path.to_string(),
                        format!(
                            "duplicate {what} id \"{id}\"{FIRST_AT}{})",
                            prev.trim_end_matches(".id")
                        ),
                        format!("{what} ids must be unique; rename or merge one of them"),
                    );
                    continue;
                }
            };
            slot.insert(I::at(i));
        }
        map
    }

    /// The index `map` gives the `kind` id `id` at `path`, or an `unknown_reference` error.
    /// Its hint names the closest declared id ([`Validator::near_hint`]), or, while
    /// `deferred` is set, is left for [`Validator::deferred_hint`] to find in document order.
    fn resolve<K: Eq + Hash + AsRef<str> + std::borrow::Borrow<str>, I: Copy>(
        &mut self,
        map: &HashMap<K, I>,
        path: &dyn fmt::Display,
        id: &str,
        kind: Kind,
    ) -> Option<I> {
        if let Some(&i) = map.get(id) {
            return Some(i);
        }
        let what = kind.word();
        if id.chars().count() > MAX_ID_CHARS {
            // No declared id is this long, and comparing it with every one would take time
            // in proportion to its length times their number.
            self.err(
                "unknown_reference",
                path.to_string(),
                format!(
                    "unknown {what} \"{}\" ({} characters; no id is longer than {MAX_ID_CHARS})",
                    clip(id, 24),
                    id.chars().count()
                ),
                format!("use the id of a declared {what}"),
            );
            return None;
        }
        let item = self.diags.items.len();
        let hint = match &mut self.deferred {
            Some(deferred) => {
                deferred.push(Deferred {
                    item,
                    kind,
                    id: id.to_owned(),
                });
                String::new()
            }
            None => self.near_hint(map, id, what),
        };
        self.err(
            "unknown_reference",
            path.to_string(),
            format!("unknown {what} \"{id}\""),
            hint,
        );
        None
    }

    /// The hint for the unknown `what` id `id` in `map`: the one found before for the same
    /// id in a map of the same kind and size, else [`Validator::unknown_hint`]'s.
    fn near_hint<K: AsRef<str>, I>(
        &mut self,
        map: &HashMap<K, I>,
        id: &str,
        what: &'static str,
    ) -> String {
        let key = (what, map.len(), id.to_owned());
        match self.near.get(&key) {
            Some(hint) => hint.clone(),
            None => {
                let hint = self.unknown_hint(map, id, what);
                self.near.insert(key, hint.clone());
                hint
            }
        }
    }

    /// The hint a deferred unknown reference `d` gets in `index`: what [`Validator::resolve`]
    /// gives it when it does not defer, if the references before it were hinted first.
    pub(super) fn deferred_hint(&mut self, index: &Index, d: &Deferred) -> String {
        let what = d.kind.word();
        match d.kind {
            Kind::Sku => self.near_hint(&index.skus, &d.id, what),
            Kind::Node => self.near_hint(&index.nodes, &d.id, what),
            Kind::Lane => self.near_hint(&index.lanes, &d.id, what),
            Kind::Inbound => self.near_hint(&index.inbound, &d.id, what),
            Kind::Order => self.near_hint(&*index.orders, &d.id, what),
        }
    }

    pub(super) fn sku_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<SkuIx> {
        self.resolve(&index.skus, path, id, Kind::Sku)
    }

    pub(super) fn node_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<NodeIx> {
        self.resolve(&index.nodes, path, id, Kind::Node)
    }

    pub(super) fn lane_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<LaneIx> {
        self.resolve(&index.lanes, path, id, Kind::Lane)
    }

    pub(super) fn inbound_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<InboundIx> {
        self.resolve(&index.inbound, path, id, Kind::Inbound)
    }

    pub(super) fn order_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<OrderIx> {
        self.resolve(&index.orders, path, id, Kind::Order)
    }

    /// A node that must hold stock (a source, a stock record, a receipt).
    pub(super) fn stock_node(
        &mut self,
        nodes: &[Node],
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
        role: &str,
    ) -> Option<NodeIx> {
        let n = self.node_ref(index, path, id)?;
        if !nodes[n.ix()].holds_stock() {
            self.err(
                "customer_holds_no_stock",
                path.to_string(),
                format!(
                    "node \"{id}\" is a customer zone and holds no stock, so it cannot be {role}"
                ),
                "use a plant, dc or store here, or change the node's kind",
            );
            return None;
        }
        Some(n)
    }
}

/// The first character of `text` that reorders the text around it where it is written
/// ([`crate::base::text::reorders`]): an id is written inside sentences.
pub(super) fn reorders(text: &str) -> Option<char> {
    text.chars().find(|&c| crate::base::text::reorders(c))
}

pub(super) const REORDERS_HINT: &str = "it reverses the text written after it (numbers included) in every sentence, table and page that names it; remove it (right-to-left letters themselves are fine)";

/// Whether `id` would start a new line where it is written: a line feed, a carriage return,
/// or a Unicode line or paragraph separator. (Other control characters are written as
/// escapes, `base::text::printable`.)
pub(super) fn breaks_line(id: &str) -> bool {
    id.contains(['\n', '\r', '\u{2028}', '\u{2029}'])
}

/// The pairs of characters that finding the closest declared ids may compare in one
/// validation: each unknown id is compared with every declared one (Damerau-Levenshtein),
/// in time in proportion to the product of their lengths, so 140 unknown ids of 199
/// characters among 143 declared ones (a 69 kB scenario) took 9 s. 5 million take about
/// 0.06 s, 0.4 s in the fuzz build (its comparisons are instrumented). Past it, hints name
/// no id.
pub(super) const NEAR_BUDGET: usize = 5_000_000;

/// Whether ids of `a` and `b` characters can be near enough for a hint (a similarity of
/// 0.6, a distance of 40 % of the longer at most): their distance is at least the
/// difference of their lengths.
fn lengths_near(a: usize, b: usize) -> bool {
    let (short, long) = (a.min(b), a.max(b));
    (long - short) * 5 <= long * 2
}

impl Validator {
    /// The hint for the unknown `what` id `id`: the closest declared id in `map`, or to
    /// declare it. The closest is looked for only while the comparisons with every
    /// declared id of a length that could be near fit in what is left of [`NEAR_BUDGET`]
    /// (and from the first time they do not, no more: which ids get one follows the
    /// document's order alone, not a hash map's).
    fn unknown_hint<K: AsRef<str>, I>(
        &mut self,
        map: &HashMap<K, I>,
        id: &str,
        what: &str,
    ) -> String {
        let best = if self.compared < NEAR_BUDGET {
            let len = id.chars().count();
            // The declared ids a hint could name, each measured once.
            let near: Vec<(&str, usize)> = map
                .keys()
                .map(|k| (k.as_ref(), k.as_ref().chars().count()))
                .filter(|&(_, n)| lengths_near(len, n))
                .collect();
            // Each declared id costs its length to measure, and the pairs if it is compared.
            let cost = near
                .iter()
                .map(|&(_, n)| len * n)
                .chain(map.keys().map(|k| 1 + k.as_ref().len()))
                .fold(0usize, usize::saturating_add);
            if cost <= NEAR_BUDGET - self.compared {
                self.compared += cost;
                near.into_iter()
                    .map(|(k, _)| (k, strsim::normalized_damerau_levenshtein(id, k)))
                    .filter(|(_, s)| *s >= 0.6)
                    .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(k, _)| k.to_owned())
            } else {
                self.compared = NEAR_BUDGET;
                None
            }
        } else {
            None
        };
        match best {
            Some(b) => format!("did you mean \"{b}\"?"),
            None => format!("declare the {what} \"{id}\" or fix the reference"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::wire::{ScenarioDoc, SkuDoc, StockDoc};

    /// 130 unknown sku ids of 99 characters, each one character off a declared one: the
    /// first ones get the declared id as a hint, and the rest, past [`super::NEAR_BUDGET`],
    /// none: 1.7e8 pairs of characters are not compared.
    #[test]
    fn hints_for_many_long_unknown_ids_stop_at_a_budget() {
        let mut doc: ScenarioDoc =
            serde_json::from_str(include_str!("../../../datasets/tiny/demo-eu.json")).unwrap();
        let id = |i: usize, last: char| format!("{i:03}{}{last}", "a".repeat(95));
        for i in 0..130 {
            doc.skus.push(SkuDoc {
                id: id(i, 'a'),
                name: None,
            });
            doc.stock.push(StockDoc {
                node: "PL-LIL".to_owned(),
                sku: id(i, 'b'),
                on_hand: 1.0,
                reserved: None,
            });
        }
        let diags = super::super::validate(&doc).expect_err("unknown skus");
        let hints: Vec<&str> = diags
            .items
            .iter()
            .filter(|d| d.code == "unknown_reference")
            .filter_map(|d| d.hint.as_deref())
            .collect();
        assert_eq!(hints.len(), 130);
        assert_eq!(hints[0], format!("did you mean \"{}\"?", id(0, 'a')));
        let named = hints
            .iter()
            .filter(|h| h.starts_with("did you mean"))
            .count();
        assert!((1..10).contains(&named), "{named} hints name an id");
    }
}
