//! The time-expanded formulation: one quantity column per (order, line, source, lane, ship
//! day) and per (transfer lane, SKU, day), inventories carried day to day per (node, SKU),
//! yes/no columns for expedites, lane-day fixed charges, ship-complete orders and source
//! choices. The mathematics, with these constraint names, is `models/time-expanded.md`.
//!
//! `Builder::build` (below) goes in the order the rows need: constants of frozen and held
//! orders (`held.rs`), the (node, SKU) pairs that get a balance (`reach.rs`), receipts and
//! stock (`supply.rs`), transfers (`transfers.rs`), shipments (`shipments.rs`), capacities
//! and lane-day charges (`capacities.rs`), then the balances (`balances.rs`); `builder.rs`
//! holds the state they share.

mod balances;
mod builder;
mod capacities;
mod held;
mod reach;
mod shipments;
mod supply;
mod transfers;

use crate::optimize::formulate::model::{BuildOptions, Formulation, Model};
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use builder::{Builder, Pair};
use std::collections::HashSet;

pub struct TimeExpanded;

impl Formulation for TimeExpanded {
    fn name(&self) -> &'static str {
        "time-expanded"
    }
    fn description(&self) -> &'static str {
        "every order, route and ship day free; inventories per (node, SKU, day); exact"
    }
    fn build(&self, s: &Scenario, opts: &BuildOptions) -> Model {
        Builder::new(s, opts, false).build()
    }
    fn holds(&self) -> bool {
        true
    }
}

/// The time-expanded model with the bounds and pruning rules of `models/tight.md` (S1,
/// S2, D1, D2: same rows, fewer columns, tighter bounds, same optimum): the `tight`
/// formulation.
pub(super) fn build_tight(s: &Scenario, opts: &BuildOptions) -> Model {
    Builder::new(s, opts, true).build()
}

impl Builder<'_> {
    fn build(mut self) -> Model {
        let frozen_orders = self.frozen_constants();
        // Pairs frozen shipments draw on get a balance even when nothing else uses them.
        let frozen_pairs: Vec<Pair> = self.balance.keys().copied().collect();
        let pair_set = |decided: &dyn Fn(usize) -> bool| -> HashSet<Pair> {
            let (useful, supplied) = self.reachable_pairs(decided);
            let mut set: HashSet<Pair> = useful.intersection(&supplied).copied().collect();
            set.extend(frozen_pairs.iter().copied());
            set
        };
        // With a hold, balances only where the decided orders can draw (`models/scope.md`);
        // the whole model's pairs are kept to price the transfers left out.
        let (pairs, whole) = if let Some(hold) = &self.opts.hold {
            let decided = pair_set(&|o| !hold.is_held(OrderIx::new(o)));
            let whole = if hold.priced {
                pair_set(&|_| true)
            } else {
                HashSet::new()
            };
            (decided, whole)
        } else {
            (pair_set(&|_| true), HashSet::new())
        };
        let pairs = match &self.opts.hold {
            Some(hold) if hold.transfer_hops.is_some() => {
                assert!(!hold.priced, "pricing needs the whole model's pairs");
                let hops = hold.transfer_hops.expect("matched");
                let (full, origins) = self.within_hops(&pairs, &frozen_pairs, hold, hops);
                // A frozen shipment's pair outside both keeps what the plan leaves it.
                self.balance
                    .retain(|p, _| full.contains(p) || origins.contains(p));
                self.origins = origins;
                full
            }
            _ => pairs,
        };
        let mut pairs: Vec<Pair> = pairs.into_iter().collect();
        pairs.sort();
        for &p in pairs.iter().chain(&self.origins) {
            self.balance
                .entry(p)
                .or_insert_with(|| (vec![Vec::new(); self.h], vec![0.0; self.h]));
        }
        self.whole_pairs = whole;
        self.held_constants();
        self.receipts_and_stock();
        if self.tight {
            self.reach_by_day = self.supply_by_day();
        }
        self.transfers();
        self.shipments();
        self.node_capacities();
        self.lane_days();
        self.balances(&pairs);
        Model {
            mip: self.mip,
            meaning: self.meaning,
            frozen_orders,
            held: self.held,
        }
    }
}
