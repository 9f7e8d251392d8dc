//! The orders validated in chunks on rayon's threads, with the same diagnostics, in the
//! same order, as validating them one after the other.
//!
//! What holds it: an order's checks read the date, the horizon and whether quantities are
//! whole, which the sections before the orders settled, and two things the diagnostics
//! before it leave:
//! - whether one of them is an error (a ship-complete plan is checked only while none is);
//!   each chunk is validated as if none of the orders before it had one, and a chunk with
//!   an error of its own after the first chunk with one is validated again with one before
//!   it (a chunk without errors comes out the same either way: the check only adds one);
//! - what is left of the budget for finding the closest id to an unknown reference
//!   (`refs::NEAR_BUDGET`); the chunks note those references without a hint, and the hints
//!   are found as the chunks' diagnostics are appended, in document order.

use super::orders::Network;
use super::paths::OrderAt;
use super::validator::{Deferred, Validator};
use crate::base::diagnostics::Diagnostics;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use rayon::prelude::*;

/// Orders per chunk: a few thousand keep rayon's share of the work small beside theirs,
/// and make hundreds of chunks at a million orders for the threads to share.
pub(super) const CHUNK: usize = 2048;

/// Every order of a scenario with where it sits and the surge that brought it, if one did.
pub(super) type OrderDocs<'a> = [(OrderAt, &'a OrderDoc, Option<DisruptionIx>)];

/// What one chunk's validator found.
struct Chunk {
    diags: Diagnostics,
    /// Its unknown references, in their order, whose hints are yet to be found.
    deferred: Vec<Deferred>,
}

impl Validator {
    /// The orders of `order_docs` that validate in `net`, in their order, their penalties
    /// defaulting to `penalties`; their diagnostics are appended to `self.diags`. Each
    /// chunk writes its orders in place, in slots of one vector that then keeps those
    /// that validate: a million orders are not copied from the chunks' vectors into
    /// another (their copy took 150 MB more at the peak).
    pub(super) fn orders(
        &mut self,
        order_docs: &OrderDocs,
        net: &Network,
        penalties: &[PriorityPenalty],
    ) -> Vec<Order> {
        let before = self.has_errors();
        let mut slots: Vec<Option<Order>> = Vec::new();
        slots.resize_with(order_docs.len(), || None);
        let mut chunks: Vec<Chunk> = slots
            .par_chunks_mut(CHUNK)
            .zip(order_docs.par_chunks(CHUNK))
            .map(|(out, docs)| self.chunk(docs, out, before, net, penalties))
            .collect();
        if !before {
            self.again_after_errors(&mut chunks, &mut slots, order_docs, net, penalties);
        }
        for chunk in chunks {
            self.append(chunk.diags, chunk.deferred, net.index);
        }
        // Collected in place (`Option<Order>` and `Order` have the same size), which
        // `filter_map` does and `flatten` does not.
        #[allow(clippy::filter_map_identity)]
        slots.into_iter().filter_map(|o| o).collect()
    }

    /// The orders `docs` validated by a validator of their own, which knows what `self`
    /// knows of the scenario and whether an error was found `before` them, written to
    /// `out` (`None` for those that do not validate).
    fn chunk(
        &self,
        docs: &OrderDocs,
        out: &mut [Option<Order>],
        before: bool,
        net: &Network,
        penalties: &[PriorityPenalty],
    ) -> Chunk {
        let mut v = Validator {
            as_of: self.as_of,
            horizon: self.horizon,
            integer: self.integer,
            errors_before: before,
            deferred: Some(Vec::new()),
            ..Validator::default()
        };
        for ((p, o, surge), slot) in docs.iter().zip(out) {
            *slot = v.order(p, o, *surge, net, penalties);
        }
        Chunk {
            diags: v.diags,
            deferred: v.deferred.unwrap_or_default(),
        }
    }

    /// `chunks`, each of `order_docs`' chunks validated as if no error preceded it, made
    /// what they are when the errors before them are known: those with an error after the
    /// first chunk with one are validated again with an error before them.
    fn again_after_errors(
        &self,
        chunks: &mut [Chunk],
        slots: &mut [Option<Order>],
        order_docs: &OrderDocs,
        net: &Network,
        penalties: &[PriorityPenalty],
    ) {
        let Some(first) = chunks.iter().position(|c| c.diags.has_errors()) else {
            return;
        };
        chunks
            .par_iter_mut()
            .zip(slots.par_chunks_mut(CHUNK))
            .zip(order_docs.par_chunks(CHUNK))
            .skip(first + 1)
            .filter(|((chunk, _), _)| chunk.diags.has_errors())
            .for_each(|((chunk, out), docs)| {
                *chunk = self.chunk(docs, out, true, net, penalties);
            });
    }

    /// Appends `diags`, whose unknown references `deferred` get their hints here, after
    /// those of every reference before them.
    fn append(&mut self, mut diags: Diagnostics, deferred: Vec<Deferred>, index: &Index) {
        for d in &deferred {
            let hint = self.deferred_hint(index, d);
            diags.items[d.item].hint = Some(hint);
        }
        self.diags.extend(diags);
    }
}

#[cfg(test)]
mod tests {
    use super::CHUNK;
    use crate::base::diagnostics::Diagnostics;
    use crate::scenario::wire::{LineDoc, ScenarioDoc, SkuDoc};

    /// demo-eu with `n` copies of its first order (ids `T-0` ...): its lines planned in
    /// full on one day.
    fn many_orders(n: usize) -> ScenarioDoc {
        let mut doc: ScenarioDoc =
            serde_json::from_str(include_str!("../../../datasets/tiny/demo-eu.json")).unwrap();
        let first = doc.orders[0].clone();
        doc.orders = (0..n)
            .map(|i| {
                let mut o = first.clone();
                o.id = format!("T-{i}");
                o
            })
            .collect();
        doc
    }

    /// Order `i` ships complete, but its plan leaves a line out.
    fn ship_complete_uncovered(doc: &mut ScenarioDoc, i: usize) {
        let o = &mut doc.orders[i];
        o.allow_partial = Some(false);
        o.lines.push(LineDoc {
            sku: "SKU-3".to_owned(),
            quantity: 5.0,
        });
    }

    fn errors(doc: &ScenarioDoc) -> Diagnostics {
        super::super::validate(doc).expect_err("the scenario has errors")
    }

    fn codes_and_paths(d: &Diagnostics) -> Vec<(&str, &str)> {
        d.items
            .iter()
            .map(|d| (d.code.as_str(), d.path.as_str()))
            .collect()
    }

    /// Errors on both sides of chunk boundaries come out in document order.
    #[test]
    fn errors_across_chunks_come_out_in_document_order() {
        let mut doc = many_orders(3 * CHUNK + 10);
        for i in [3, CHUNK - 1, CHUNK, 2 * CHUNK + 7, 3 * CHUNK + 9] {
            doc.orders[i].priority = 0;
        }
        doc.orders[CHUNK + 1].destination = "Z-NONE".to_owned();
        let d = errors(&doc);
        let at = |i: usize| format!("orders[{i}].priority");
        let (a, b, c) = (at(3), at(CHUNK - 1), at(CHUNK));
        let dest = format!("orders[{}].destination", CHUNK + 1);
        let (e, f) = (at(2 * CHUNK + 7), at(3 * CHUNK + 9));
        let want = vec![
            ("bad_priority", a.as_str()),
            ("bad_priority", b.as_str()),
            ("bad_priority", c.as_str()),
            ("unknown_reference", dest.as_str()),
            ("bad_priority", e.as_str()),
            ("bad_priority", f.as_str()),
        ];
        assert_eq!(codes_and_paths(&d), want);
    }

    /// A ship-complete plan is checked only while no error was found before it: in an
    /// earlier chunk, or earlier in its own.
    #[test]
    fn a_ship_complete_plan_is_checked_only_before_the_first_error() {
        let mut doc = many_orders(3 * CHUNK);
        ship_complete_uncovered(&mut doc, CHUNK + 5);
        ship_complete_uncovered(&mut doc, 2 * CHUNK + 5);
        let d = errors(&doc);
        let path = format!("orders[{}].plan", CHUNK + 5);
        assert_eq!(
            codes_and_paths(&d),
            vec![("ship_complete_plan", path.as_str())]
        );

        doc.orders[CHUNK - 1].priority = 0;
        let d = errors(&doc);
        let path = format!("orders[{}].priority", CHUNK - 1);
        assert_eq!(codes_and_paths(&d), vec![("bad_priority", path.as_str())]);
    }

    /// The budget for finding the closest ids is spent in document order across chunks:
    /// the unknown references whose hints name an id are the first ones.
    #[test]
    fn hints_across_chunks_spend_one_budget_in_document_order() {
        let mut doc = many_orders(4 * CHUNK);
        let id = |i: usize, last: char| format!("{i:03}{}{last}", "a".repeat(95));
        for k in 0..130 {
            doc.skus.push(SkuDoc {
                id: id(k, 'a'),
                name: None,
            });
            doc.orders[k * 60].lines[0].sku = id(k, 'b');
        }
        let d = errors(&doc);
        let named: Vec<bool> = d
            .items
            .iter()
            .filter(|d| d.code == "unknown_reference")
            .map(|d| d.hint.as_deref().unwrap().starts_with("did you mean"))
            .collect();
        assert_eq!(named.len(), 130);
        let first = named.iter().take_while(|&&n| n).count();
        assert!((1..10).contains(&first), "{first} hints name an id");
        assert!(named[first..].iter().all(|&n| !n), "{named:?}");
    }
}
