//! The builder's state: the model so far, what each column means, the balance rows as they
//! gather, and the routes and transfer lanes read once from the scenario.

use crate::optimize::formulate::hold::{Held, NONE};
use crate::optimize::formulate::model::{BuildOptions, Meaning};
use crate::optimize::mip::{Mip, Var};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::{HashMap, HashSet};

pub(super) type Pair = (NodeIx, SkuIx);

/// A balance row per day of one (node, sku): its entries (column, coefficient) and its
/// constant right-hand side.
type BalanceRows = (Vec<Vec<(Var, f64)>>, Vec<f64>);

pub(super) struct Builder<'a> {
    pub(super) s: &'a Scenario,
    pub(super) opts: &'a BuildOptions,
    pub(super) h: usize,
    pub(super) mip: Mip,
    pub(super) meaning: Vec<Meaning>,
    /// Per (node, sku) with a balance: entries of its row per day (column, coefficient),
    /// and the constant right-hand side per day.
    pub(super) balance: HashMap<Pair, BalanceRows>,
    /// Per node-day and lane-day: the quantity columns that leave / depart then.
    pub(super) node_out: Vec<Vec<Var>>,
    pub(super) lane_out: Vec<Vec<Var>>,
    /// Upper bound of each quantity column, for big-M values.
    pub(super) ub: HashMap<Var, f64>,
    pub(super) frozen_node: Vec<f64>,
    pub(super) frozen_lane: Vec<f64>,
    /// Lane-days whose fixed charge frozen shipments already pay.
    pub(super) frozen_charged: HashSet<(LaneIx, Day)>,
    /// Per destination: (source, lane) routes into it, `None` = local. Computed once: every
    /// order would otherwise scan every lane.
    pub(super) routes_into: Vec<Vec<(NodeIx, Option<LaneIx>)>>,
    /// Per node: the nodes a transfer lane comes from into it, and goes to from it.
    pub(super) transfers_in: Vec<Vec<NodeIx>>,
    pub(super) transfers_out: Vec<Vec<NodeIx>>,
    /// Tighten bounds and prune dominated shipments (`models/tight.md`: S1, S2, D1, D2).
    pub(super) tight: bool,
    /// With `tight`: per (node, sku, day), dense, an upper bound on the units of the SKU
    /// that can have reached the node by the end of that day (bound S1); empty otherwise.
    pub(super) reach_by_day: Vec<f64>,
    /// With `opts.hold` (`models/scope.md`): per order, its place in `held.orders`; per
    /// node-day and lane-day, the held units leaving (right-hand sides only: bounds and
    /// big-Ms stay the whole model's); per lane-day, the upper bounds of the held orders'
    /// columns there (the whole model's big-M counts them).
    pub(super) held_at: Vec<Option<usize>>,
    pub(super) held_node: Vec<f64>,
    pub(super) held_lane: Vec<f64>,
    pub(super) held_carry: Vec<f64>,
    /// Per node-day and lane-day (`index * h + day`): the columns recalling held transfers
    /// that leave then (`Meaning::Recall`), which free what the held units take.
    pub(super) recalled_node: HashMap<usize, Vec<Var>>,
    pub(super) recalled_lane: HashMap<usize, Vec<Var>>,
    pub(super) held: Option<Held>,
    /// With a hold: the whole model's (node, sku) pairs, to list the transfers between
    /// them that the restricted model leaves out.
    pub(super) whole_pairs: HashSet<Pair>,
    /// With [`Hold::transfer_hops`](crate::optimize::formulate::Hold::transfer_hops): the farthest pairs transfers leave from, which have no
    /// balance per day, only a `surplus` row (their constants still gather in `balance`).
    pub(super) origins: HashSet<Pair>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(s: &'a Scenario, opts: &'a BuildOptions, tight: bool) -> Self {
        let h = s.horizon as usize;
        Self {
            s,
            opts,
            h,
            mip: Mip::new(),
            meaning: Vec::new(),
            balance: HashMap::new(),
            node_out: vec![Vec::new(); s.nodes.len() * h],
            lane_out: vec![Vec::new(); s.lanes.len() * h],
            ub: HashMap::new(),
            frozen_node: vec![0.0; s.nodes.len() * h],
            frozen_lane: vec![0.0; s.lanes.len() * h],
            frozen_charged: HashSet::new(),
            routes_into: routes_into(s),
            transfers_in: transfer_lanes(s, |l| (l.to, l.from)),
            transfers_out: transfer_lanes(s, |l| (l.from, l.to)),
            tight,
            reach_by_day: Vec::new(),
            held_at: vec![None; s.orders.len()],
            held_node: vec![0.0; s.nodes.len() * h],
            held_lane: vec![0.0; s.lanes.len() * h],
            held_carry: vec![0.0; s.lanes.len() * h],
            recalled_node: HashMap::new(),
            recalled_lane: HashMap::new(),
            held: opts.hold.as_ref().map(|_| Held {
                h,
                change_penalty: s.policy.change_penalty_per_unit,
                node_cap_row: vec![NONE; s.nodes.len() * h],
                lane_cap_row: vec![NONE; s.lanes.len() * h],
                link_row: vec![NONE; s.lanes.len() * h],
                ..Held::default()
            }),
            whole_pairs: HashSet::new(),
            origins: HashSet::new(),
        }
    }

    pub(super) fn col(
        &mut self,
        cost: f64,
        ub: f64,
        integer: bool,
        meaning: Meaning,
        name: impl FnOnce() -> String,
    ) -> Var {
        let v = self.mip.add_col(cost, 0.0, ub, integer);
        self.meaning.push(meaning);
        if self.opts.names {
            self.mip.col_names.push(name());
        }
        v
    }

    pub(super) fn row(
        &mut self,
        lower: f64,
        upper: f64,
        entries: Vec<(Var, f64)>,
        name: impl FnOnce() -> String,
    ) {
        self.mip.add_row(lower, upper, entries);
        if self.opts.names {
            self.mip.row_names.push(name());
        }
    }

    pub(super) fn integer_quantities(&self) -> bool {
        self.opts.integer_quantities && self.s.policy.integer_quantities
    }
}

/// Per node `a`, the nodes `b` of every transfer lane whose `pick` is `(a, b)`.
fn transfer_lanes(
    s: &Scenario,
    pick: impl Fn(&crate::scenario::domain::Lane) -> (NodeIx, NodeIx),
) -> Vec<Vec<NodeIx>> {
    let mut v: Vec<Vec<NodeIx>> = vec![Vec::new(); s.nodes.len()];
    for lane in s.lanes.iter().filter(|l| l.carries_transfers) {
        let (a, b) = pick(lane);
        v[a.ix()].push(b);
    }
    v
}

pub(super) fn routes_into(s: &Scenario) -> Vec<Vec<(NodeIx, Option<LaneIx>)>> {
    let mut v: Vec<Vec<(NodeIx, Option<LaneIx>)>> = vec![Vec::new(); s.nodes.len()];
    for (i, l) in s.lanes.iter().enumerate() {
        v[l.to.ix()].push((l.from, Some(LaneIx::new(i))));
    }
    for n in (0..s.nodes.len()).filter(|&n| s.nodes[n].holds_stock()) {
        v[n].push((NodeIx::new(n), None));
    }
    v
}
