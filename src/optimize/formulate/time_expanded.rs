//! The time-expanded formulation: one quantity column per (order, line, source, lane, ship
//! day) and per (transfer lane, SKU, day), inventories carried day to day per (node, SKU),
//! yes/no columns for expedites, lane-day fixed charges, ship-complete orders and source
//! choices. The mathematics, with these constraint names, is `models/time-expanded.md`.

use super::hold::{Candidate, Held, HeldLine, HeldOrder, Outside, NONE};
use super::model::{BuildOptions, Formulation, Hold, Meaning, Model};
use crate::optimize::mip::{Mip, Var};
use crate::scenario::domain::{Day, Forbid, Order, PlanEntry, Scenario};
use crate::scenario::ids::*;
use std::collections::{HashMap, HashSet};

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

type Pair = (NodeIx, SkuIx);

/// A balance row per day of one (node, sku): its entries (column, coefficient) and its
/// constant right-hand side.
type BalanceRows = (Vec<Vec<(Var, f64)>>, Vec<f64>);

struct Builder<'a> {
    s: &'a Scenario,
    opts: &'a BuildOptions,
    h: usize,
    mip: Mip,
    meaning: Vec<Meaning>,
    /// Per (node, sku) with a balance: entries of its row per day (column, coefficient),
    /// and the constant right-hand side per day.
    balance: HashMap<Pair, BalanceRows>,
    /// Per node-day and lane-day: the quantity columns that leave / depart then.
    node_out: Vec<Vec<Var>>,
    lane_out: Vec<Vec<Var>>,
    /// Upper bound of each quantity column, for big-M values.
    ub: HashMap<Var, f64>,
    frozen_node: Vec<f64>,
    frozen_lane: Vec<f64>,
    /// Lane-days whose fixed charge frozen shipments already pay.
    frozen_charged: HashSet<(LaneIx, Day)>,
    /// Per destination: (source, lane) routes into it, `None` = local. Computed once: every
    /// order would otherwise scan every lane.
    routes_into: Vec<Vec<(NodeIx, Option<LaneIx>)>>,
    /// Per node: the nodes a transfer lane comes from into it, and goes to from it.
    transfers_in: Vec<Vec<NodeIx>>,
    transfers_out: Vec<Vec<NodeIx>>,
    /// Tighten bounds and prune dominated shipments (`models/tight.md`: S1, S2, D1, D2).
    tight: bool,
    /// With `tight`: per (node, sku, day), dense, an upper bound on the units of the SKU
    /// that can have reached the node by the end of that day (bound S1); empty otherwise.
    reach_by_day: Vec<f64>,
    /// With `opts.hold` (`models/scope.md`): per order, its place in `held.orders`; per
    /// node-day and lane-day, the held units leaving (right-hand sides only: bounds and
    /// big-Ms stay the whole model's); per lane-day, the upper bounds of the held orders'
    /// columns there (the whole model's big-M counts them).
    held_at: Vec<Option<usize>>,
    held_node: Vec<f64>,
    held_lane: Vec<f64>,
    held_carry: Vec<f64>,
    /// Per node-day and lane-day (`index * h + day`): the columns recalling held transfers
    /// that leave then (`Meaning::Recall`), which free what the held units take.
    recalled_node: HashMap<usize, Vec<Var>>,
    recalled_lane: HashMap<usize, Vec<Var>>,
    held: Option<Held>,
    /// With a hold: the whole model's (node, sku) pairs, to list the transfers between
    /// them that the restricted model leaves out.
    whole_pairs: HashSet<Pair>,
    /// With [`Hold::transfer_hops`]: the farthest pairs transfers leave from, which have no
    /// balance per day, only a `surplus` row (their constants still gather in `balance`).
    origins: HashSet<Pair>,
}

/// What every line of one order shares when its columns are listed.
struct OrderContext {
    planned_at: HashMap<(SkuIx, NodeIx, Option<LaneIx>, Day), usize>,
    /// Most orders have no forbid entry: they skip the per-route test.
    may_forbid: bool,
    routes: Vec<(NodeIx, Option<LaneIx>)>,
}

/// A shipment column of an order line: where and when it leaves, its unit cost (shipping
/// and lateness), its upper bound and the plan entry it keeps, if any.
struct LineColumn {
    node: NodeIx,
    lane: Option<LaneIx>,
    day: Day,
    cost: f64,
    ub: f64,
    planned: Option<usize>,
}

impl<'a> Builder<'a> {
    fn new(s: &'a Scenario, opts: &'a BuildOptions, tight: bool) -> Self {
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

    fn col(
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

    fn row(
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

    fn integer_quantities(&self) -> bool {
        self.opts.integer_quantities && self.s.policy.integer_quantities
    }

    /// Frozen orders' shipments are constants: their costs go to the offset, their stock
    /// and capacity use to the right-hand sides.
    fn frozen_constants(&mut self) -> Vec<OrderIx> {
        let s = self.s;
        let h = self.h;
        let mut frozen = Vec::new();
        for (oi, o) in s.orders.iter().enumerate().filter(|(_, o)| o.frozen) {
            frozen.push(OrderIx::new(oi));
            for line in &o.lines {
                let planned: f64 = o
                    .plan
                    .iter()
                    .filter(|e| e.sku == line.sku)
                    .map(|e| e.quantity)
                    .sum();
                self.mip.offset += o.short_penalty_per_unit * (line.quantity - planned).max(0.0);
            }
            for e in o.plan.iter().filter(|e| e.quantity > 0.0) {
                let day = i64::from(e.ship);
                if !s.node(e.node).is_open(day)
                    || e.lane.is_some_and(|l| !s.lane(l).departs_on(day))
                {
                    // frozen_closed: a frozen shipment on a day nothing may leave cannot be
                    // kept by any plan; an empty row 0 >= 1 makes that the solver's verdict.
                    self.row(1.0, f64::INFINITY, Vec::new(), || {
                        format!("frozen_closed[{},{day}]", o.id)
                    });
                }
                self.mip.offset += e.quantity * self.ship_cost(o, e.lane, day);
                self.frozen_node[e.node.ix() * h + e.ship as usize] += e.quantity;
                if let Some(l) = e.lane {
                    self.frozen_lane[l.ix() * h + e.ship as usize] += e.quantity;
                    if s.lane(l).fixed_cost_per_day > 0.0 && self.frozen_charged.insert((l, day)) {
                        self.mip.offset += s.lane(l).fixed_cost_per_day;
                    }
                }
                let rows = self
                    .balance
                    .entry((e.node, e.sku))
                    .or_insert_with(|| (vec![Vec::new(); h], vec![0.0; h]));
                rows.1[e.ship as usize] -= e.quantity;
            }
        }
        frozen
    }

    /// Held orders' shipments are constants too (`models/scope.md`): their cost goes to the
    /// offset, their stock use to the balances' right-hand sides, and the units leaving to
    /// `held_node` / `held_lane`, which only the capacity and link rows' right-hand sides
    /// read. A held lane-day charge is not sunk: the whole model's charge column and link
    /// row stay, with the held units on the right.
    fn held_constants(&mut self) {
        let Some(hold) = self.opts.hold.clone() else {
            return;
        };
        // Held orders would need their strong_link rows priced too.
        assert!(
            !self.opts.strong_linking,
            "strong linking does not hold orders"
        );
        let s = self.s;
        let h = self.h;
        let change_pen = s.policy.change_penalty_per_unit;
        for (oi, kept) in hold.shipments.iter().enumerate() {
            let (Some(kept), o) = (kept, &s.orders[oi]) else {
                continue;
            };
            assert!(
                !o.frozen,
                "a frozen order is never held: its plan is its own"
            );
            let mut constant: f64 = o
                .lines
                .iter()
                .map(|l| o.short_penalty_per_unit * l.quantity)
                .sum();
            for e in kept {
                let t = e.ship as usize;
                constant +=
                    e.quantity * (self.ship_cost(o, e.lane, e.ship) - o.short_penalty_per_unit);
                self.held_node[e.node.ix() * h + t] += e.quantity;
                if let Some(l) = e.lane {
                    self.held_lane[l.ix() * h + t] += e.quantity;
                }
                // A pair no decided order can draw on has no balance: nothing the model
                // decides changes it, and the baseline keeps it.
                if let Some(rows) = self.balance.get_mut(&(e.node, e.sku)) {
                    rows.1[t] -= e.quantity;
                }
            }
            let shipped_at = |p: &PlanEntry| -> f64 {
                kept.iter()
                    .filter(|e| {
                        (e.sku, e.node, e.lane, e.ship)
                            == (p.sku, p.node, p.lane, Day::from(p.ship))
                    })
                    .map(|e| e.quantity)
                    .sum()
            };
            for p in &o.plan {
                constant += change_pen * (p.quantity - shipped_at(p)).max(0.0);
            }
            self.mip.offset += constant;
            let held = self.held.as_mut().expect("a hold builds a Held");
            self.held_at[oi] = Some(held.orders.len());
            held.orders.push(HeldOrder {
                order: OrderIx::new(oi),
                constant,
                shipments: kept.clone(),
                lines: Vec::new(),
                planned: o.plan.iter().map(|p| p.quantity).sum(),
            });
        }
        self.held_moves(&hold);
    }

    /// Held transfers leave their source and reach their destination as constants, held
    /// expedites cost their price (their early units: `receipts_and_stock`). A pair without
    /// a balance is one no decided order draws on, which they keep as the plan they come
    /// from had it.
    fn held_moves(&mut self, hold: &Hold) {
        let (s, h) = (self.s, self.h);
        for x in &hold.transfers {
            let lane = s.lane(x.lane);
            let t = x.ship as usize;
            self.mip.offset += x.quantity * lane.cost_per_unit;
            self.held_node[lane.from.ix() * h + t] += x.quantity;
            self.held_lane[x.lane.ix() * h + t] += x.quantity;
            if let Some(rows) = self.balance.get_mut(&(lane.from, x.sku)) {
                rows.1[t] -= x.quantity;
            }
            let arrival = t + lane.lead_time as usize;
            if let (Some(rows), true) = (self.balance.get_mut(&(lane.to, x.sku)), arrival < h) {
                rows.1[arrival] += x.quantity;
            }
        }
        if hold.recall {
            assert!(
                !hold.priced,
                "pricing assumes no held transfer is taken back"
            );
            self.recalls(hold);
        }
        for &r in &hold.expedited {
            let x = s.inbound[r.ix()]
                .expedite
                .expect("a held expedite has its option");
            self.mip.offset += x.cost;
        }
    }

    /// recall[l,k,t] per held transfer (merged by lane, SKU and day) between two pairs
    /// with a balance per day: the units of it that do not move after all, at most what it
    /// holds. They stay at the source, never reach the destination, cost nothing to move and
    /// take nothing of the source's ship capacity, the lane's capacity or its charge's
    /// link, so a model that holds the transfers of a plan can still take back those its
    /// decided orders do not need (`models/neighbourhoods.md`, "Held transfers"). A pair
    /// with a `surplus` row only, or none, keeps what the plan moves: its stock per day is
    /// not in the model. With [`Hold::recall`] only.
    fn recalls(&mut self, hold: &Hold) {
        let (s, h) = (self.s, self.h);
        let held = crate::plan::merge(hold.transfers.iter().map(|x| (x.key(), x.quantity)));
        let integer = self.integer_quantities();
        for ((l, k, day), quantity) in held {
            let lane = s.lane(l);
            let (t, arrival) = (day as usize, day as usize + lane.lead_time as usize);
            let per_day = |p: &Pair| self.balance.contains_key(p) && !self.origins.contains(p);
            if arrival >= h
                || quantity <= 0.0
                || !per_day(&(lane.from, k))
                || !per_day(&(lane.to, k))
            {
                continue;
            }
            let (lid, kid) = (lane.id.clone(), s.sku(k).id.clone());
            let r = self.col(
                -lane.cost_per_unit,
                quantity,
                integer,
                Meaning::Recall {
                    lane: l,
                    sku: k,
                    day,
                },
                || format!("recall[{lid},{kid},{t}]"),
            );
            self.balance.get_mut(&(lane.from, k)).expect("pair").0[t].push((r, -1.0));
            self.balance.get_mut(&(lane.to, k)).expect("pair").0[arrival].push((r, 1.0));
            self.recalled_node
                .entry(lane.from.ix() * h + t)
                .or_default()
                .push(r);
            self.recalled_lane
                .entry(l.ix() * h + t)
                .or_default()
                .push(r);
        }
    }

    /// `useful`: (node, sku) from which some free order's line (of those `decided` keeps:
    /// every order but the held ones, or every order) could be served, directly or
    /// through transfers. `supplied`: (node, sku) that has or can get stock in the horizon.
    /// Columns outside both can never carry anything (pruning rule P1).
    fn reachable_pairs(&self, decided: &dyn Fn(usize) -> bool) -> (HashSet<Pair>, HashSet<Pair>) {
        let s = self.s;
        let mut useful = HashSet::new();
        for (_, o) in s
            .orders
            .iter()
            .enumerate()
            .filter(|&(i, o)| !o.frozen && decided(i))
        {
            for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
                for n in self.sources(o.destination) {
                    useful.insert((n, line.sku));
                }
            }
        }
        let (into, out) = (&self.transfers_in, &self.transfers_out);
        // Backward: a pair that feeds a useful pair by transfer is useful.
        let mut work: Vec<Pair> = useful.iter().copied().collect();
        while let Some((n, k)) = work.pop() {
            for &m in &into[n.ix()] {
                if useful.insert((m, k)) {
                    work.push((m, k));
                }
            }
        }
        let mut supplied: HashSet<Pair> = HashSet::new();
        for (&(n, k), _) in s.stock.iter() {
            if s.available_at_start(n, k) > 0.0 {
                supplied.insert((n, k));
            }
        }
        for r in &s.inbound {
            if r.eta.is_some() || r.expedite.is_some_and(|x| x.eta.is_some()) {
                supplied.insert((r.node, r.sku));
            }
        }
        // Forward: a useful pair a supplied one feeds by transfer is supplied.
        let mut work: Vec<Pair> = supplied.iter().copied().collect();
        while let Some((n, k)) = work.pop() {
            for &m in &out[n.ix()] {
                if useful.contains(&(m, k)) && supplied.insert((m, k)) {
                    work.push((m, k));
                }
            }
        }
        (useful, supplied)
    }

    /// The pairs of a hold with [`Hold::transfer_hops`] `Some(hops)`
    /// (`models/neighbourhoods.md`, "Transfer hops"). With a balance per day: those of
    /// `pairs` a decided order's line draws on directly, and those of `pairs` a transfer
    /// lane leads from into one of them, up to `hops - 1` lanes away. With a `surplus` row
    /// only: the pairs (of `pairs`, or a frozen shipment's) `hops` lanes away. The rest keep
    /// what the plan leaves them, which the checker accepted: nothing decided reaches them.
    fn within_hops(
        &self,
        pairs: &HashSet<Pair>,
        frozen_pairs: &[Pair],
        hold: &Hold,
        hops: u32,
    ) -> (HashSet<Pair>, HashSet<Pair>) {
        let s = self.s;
        let mut full: HashSet<Pair> = HashSet::new();
        for (i, o) in s.orders.iter().enumerate() {
            if o.frozen || hold.is_held(OrderIx::new(i)) {
                continue;
            }
            for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
                for n in self.sources(o.destination) {
                    if pairs.contains(&(n, line.sku)) {
                        full.insert((n, line.sku));
                    }
                }
            }
        }
        let into = &self.transfers_in;
        let frozen: HashSet<Pair> = frozen_pairs.iter().copied().collect();
        // One lane further out than `last`: the pairs not yet in `full` that feed it.
        let further = |last: &HashSet<Pair>, full: &HashSet<Pair>, with_frozen: bool| {
            let mut next = HashSet::new();
            for &(n, k) in last {
                for &m in &into[n.ix()] {
                    let p = (m, k);
                    let known = pairs.contains(&p) || (with_frozen && frozen.contains(&p));
                    if known && !full.contains(&p) {
                        next.insert(p);
                    }
                }
            }
            next
        };
        let mut last = full.clone();
        for _ in 1..hops {
            last = further(&last, &full, false);
            full.extend(last.iter().copied());
        }
        let origins = further(&last, &full, true);
        (full, origins)
    }

    /// Stock-holding nodes that can serve `dest`: those with a lane to it, and `dest`
    /// itself when it holds stock.
    fn sources(&self, dest: NodeIx) -> Vec<NodeIx> {
        let mut v: Vec<NodeIx> = self.routes_into[dest.ix()].iter().map(|r| r.0).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Available stock at day 0 and receipts go to the right-hand sides; expedite options
    /// become yes/no columns.
    fn receipts_and_stock(&mut self) {
        let s = self.s;
        let pairs: Vec<Pair> = self.balance.keys().copied().collect();
        for p in pairs {
            let avail = s.available_at_start(p.0, p.1);
            self.balance.get_mut(&p).expect("pair").1[0] += avail;
        }
        for (i, r) in s.inbound.iter().enumerate() {
            let ri = InboundIx::new(i);
            if !self.balance.contains_key(&(r.node, r.sku)) {
                continue;
            }
            let held = self
                .opts
                .hold
                .as_ref()
                .is_some_and(|h| h.expedited.contains(&ri));
            if held {
                // Expedited for good: its cost is in the constant, its units arrive early.
                if let Some(eta) = r.arrival(true) {
                    self.balance.get_mut(&(r.node, r.sku)).expect("pair").1[eta as usize] +=
                        r.quantity;
                }
                continue;
            }
            let forbidden = s.policy.forbid.contains(&Forbid::ExpediteInbound(ri));
            let option = r
                .expedite
                .filter(|x| !forbidden && x.eta.is_some() && x.eta != r.eta);
            // Pruning rule P2: an expedite that arrives no earlier than the receipt itself
            // only costs money.
            let option = option.filter(|x| r.eta.is_none_or(|eta| x.eta.expect("checked") < eta));
            // A surplus pair offers its stock as the plan leaves it, receipts unmoved.
            let option = option.filter(|_| !self.origins.contains(&(r.node, r.sku)));
            let rows = self.balance.get_mut(&(r.node, r.sku)).expect("pair");
            if let Some(eta) = r.eta {
                rows.1[eta as usize] += r.quantity;
            }
            if let Some(x) = option {
                let id = r.id.clone();
                let e = self.col(x.cost, 1.0, true, Meaning::Expedite(ri), || {
                    format!("expedite[{id}]")
                });
                let rows = self.balance.get_mut(&(r.node, r.sku)).expect("pair");
                if let Some(eta) = r.eta {
                    // Receipts enter the balance with a minus sign (it reads stock >= 0
                    // as: inventory + outflow - inflow = constants).
                    rows.0[eta as usize].push((e, r.quantity));
                }
                rows.0[x.eta.expect("checked") as usize].push((e, -r.quantity));
            }
        }
    }

    /// Bound S2 (`models/tight.md`): with `tight`, a flow of k leaving n on day t (on
    /// `lane`) is at most `ub`, what can have reached n by t (S1), the node's capacity left
    /// that day and the lane's. Every feasible plan keeps these (balance, node_cap,
    /// lane_cap), so tightening a column bound to them changes no plan.
    fn flow_bound(&self, n: NodeIx, lane: Option<LaneIx>, k: SkuIx, t: usize, ub: f64) -> f64 {
        if !self.tight {
            return ub;
        }
        let s = self.s;
        let h = self.h;
        let mut b = ub.min(self.reach_by_day[(n.ix() * s.skus.len() + k.ix()) * h + t]);
        if let Some(c) = s.node(n).ship_capacity_per_day {
            b = b.min(c - self.frozen_node[n.ix() * h + t]);
        }
        if let Some(c) = lane.and_then(|l| s.lane(l).capacity_per_day) {
            b = b.min(c - self.frozen_lane[lane.expect("lane").ix() * h + t]);
        }
        b.max(0.0)
    }

    /// Bound S1 (`models/tight.md`): `R[n,k,t]` = stock at day 0 + receipts that can
    /// arrive by t (expedited where that is earlier) + for each transfer lane into n,
    /// `R[from,k,t - L]`, capped by all the stock and receipts of k (a lane with lead time
    /// 0 contributes the cap). R bounds the distinct units that can have been at n by day
    /// t, so no single movement leaving n on day t carries more (a bound on one day's
    /// flows, not on cumulative ones: with transfer cycles a unit may leave n twice).
    fn supply_by_day(&self) -> Vec<f64> {
        let s = self.s;
        let (nn, nk, h) = (s.nodes.len(), s.skus.len(), self.h);
        let total = self.total_supply();
        let at = |n: usize, k: usize, t: usize| (n * nk + k) * h + t;
        let mut own = vec![0.0; nn * nk * h];
        for ((n, k), &a) in s.available.indexed_iter() {
            own[at(n, k, 0)] += a;
        }
        for r in &s.inbound {
            let earliest = [r.eta, r.expedite.and_then(|x| x.eta)]
                .into_iter()
                .flatten()
                .min();
            if let Some(e) = earliest.filter(|&e| (e as usize) < h) {
                own[at(r.node.ix(), r.sku.ix(), e as usize)] += r.quantity;
            }
        }
        let mut into: Vec<Vec<(usize, u32)>> = vec![Vec::new(); nn];
        for lane in s.lanes.iter().filter(|l| l.carries_transfers) {
            into[lane.to.ix()].push((lane.from.ix(), lane.lead_time));
        }
        // Cumulative own supply, then the transfer recursion day by day: R[.,.,t] reads
        // only earlier days (or the cap, for lead time 0).
        for n in 0..nn {
            for k in 0..nk {
                for t in 1..h {
                    own[at(n, k, t)] += own[at(n, k, t - 1)];
                }
            }
        }
        let mut r = vec![0.0; nn * nk * h];
        for t in 0..h {
            for n in 0..nn {
                for k in 0..nk {
                    let mut v = own[at(n, k, t)];
                    for &(m, lead) in &into[n] {
                        v += match lead as usize {
                            0 => total[k],
                            l if l <= t => r[at(m, k, t - l)],
                            _ => 0.0,
                        };
                    }
                    r[at(n, k, t)] = v.min(total[k]);
                }
            }
        }
        r
    }

    /// Per SKU: all stock at day 0 and every receipt, network-wide.
    fn total_supply(&self) -> Vec<f64> {
        let s = self.s;
        let mut supply = vec![0.0; s.skus.len()];
        // Dense and in order, so the bounds are the same bits on every run.
        for ((_, k), &a) in s.available.indexed_iter() {
            supply[k] += a;
        }
        for r in &s.inbound {
            supply[r.sku.ix()] += r.quantity;
        }
        supply
    }

    /// Per (node, sku): the units that sinks reachable from the node can absorb: free
    /// order lines whose destination a node in its transfer closure serves, and frozen
    /// shipments from that closure.
    fn reachable_demand(&self) -> Reach {
        let s = self.s;
        let n = s.nodes.len();
        let next = &self.transfers_out;
        // What each node can serve directly: destinations it has a lane to, and itself.
        let mut serves: Vec<Vec<NodeIx>> = (0..n).map(|i| vec![NodeIx::new(i)]).collect();
        for lane in &s.lanes {
            serves[lane.from.ix()].push(lane.to);
        }
        let mut sinks: HashMap<SkuIx, Vec<(NodeIx, f64)>> = HashMap::new();
        let mut frozen: HashMap<SkuIx, Vec<(NodeIx, f64)>> = HashMap::new();
        for o in s.orders.iter() {
            if o.frozen {
                for e in &o.plan {
                    frozen.entry(e.sku).or_default().push((e.node, e.quantity));
                }
            } else {
                for l in &o.lines {
                    sinks
                        .entry(l.sku)
                        .or_default()
                        .push((o.destination, l.quantity));
                }
            }
        }
        // Per node: the nodes in its transfer closure, and the destinations they serve.
        let mut closure = vec![vec![false; n]; n];
        let mut served = vec![vec![false; n]; n];
        for start in 0..n {
            let seen = &mut closure[start];
            let mut stack = vec![NodeIx::new(start)];
            seen[start] = true;
            while let Some(v) = stack.pop() {
                for d in &serves[v.ix()] {
                    served[start][d.ix()] = true;
                }
                for &w in &next[v.ix()] {
                    if !seen[w.ix()] {
                        seen[w.ix()] = true;
                        stack.push(w);
                    }
                }
            }
        }
        Reach {
            closure,
            served,
            sinks,
            frozen,
        }
    }

    fn transfers(&mut self) {
        let s = self.s;
        let reach = self.reachable_demand();
        let supply = self.total_supply();
        let h = self.h as i64;
        let integer = self.integer_quantities();
        let skus_at = self.skus_at();
        for (li, lane) in s.lanes.iter().enumerate() {
            let l = LaneIx::new(li);
            if !lane.carries_transfers {
                continue;
            }
            // With a hold, a transfer the whole model has between pairs the restricted one
            // lacks is listed for pricing instead (`outside`).
            let skus: Vec<(SkuIx, bool)> = skus_at[lane.from.ix()]
                .iter()
                .copied()
                .filter_map(|k| {
                    let inside = self.balance.contains_key(&(lane.from, k))
                        && self.balance.contains_key(&(lane.to, k))
                        && !self.origins.contains(&(lane.to, k));
                    let whole = self.whole_pairs.contains(&(lane.from, k))
                        && self.whole_pairs.contains(&(lane.to, k));
                    (inside || whole).then_some((k, inside))
                })
                .collect();
            for (k, inside) in skus {
                if s.transfer_forbidden(l, k) {
                    continue;
                }
                // Bound B1: a transfer moves no more than exists (all stock and receipts) nor
                // more than the sinks reachable from where it lands can absorb: some optimal
                // plan has every transfer within both (models/time-expanded.md).
                let ub = supply[k.ix()].min(reach.demand(lane.to, k));
                for t in 0..h {
                    // Pruning rule P3: a transfer that would arrive after the horizon
                    // moves stock out of reach and only costs money.
                    let arrival = t + i64::from(lane.lead_time);
                    if arrival >= h || !lane.departs_on(t) || !s.node(lane.from).is_open(t) {
                        continue;
                    }
                    let ub = self.flow_bound(lane.from, Some(l), k, t as usize, ub);
                    if self.tight && ub <= 0.0 {
                        // Rule S2 leaves nothing to move: no column.
                        continue;
                    }
                    if !inside {
                        self.leave_out(l, k, t, ub);
                        continue;
                    }
                    let (lid, kid) = (lane.id.clone(), s.sku(k).id.clone());
                    let y = self.col(
                        lane.cost_per_unit,
                        ub,
                        integer,
                        Meaning::Transfer {
                            lane: l,
                            sku: k,
                            day: t,
                        },
                        || format!("y[{lid},{kid},{t}]"),
                    );
                    self.ub.insert(y, ub);
                    self.balance.get_mut(&(lane.from, k)).expect("pair").0[t as usize]
                        .push((y, 1.0));
                    self.balance.get_mut(&(lane.to, k)).expect("pair").0[arrival as usize]
                        .push((y, -1.0));
                    self.node_out[lane.from.ix() * self.h + t as usize].push(y);
                    self.lane_out[li * self.h + t as usize].push(y);
                }
            }
        }
    }

    /// Per node: the SKUs a transfer from it could move (a pair there, in the model or the
    /// whole model), in order, so that columns come in the same order on every run.
    fn skus_at(&self) -> Vec<Vec<SkuIx>> {
        let mut skus_at: Vec<Vec<SkuIx>> = vec![Vec::new(); self.s.nodes.len()];
        for &(n, k) in self.balance.keys().chain(&self.whole_pairs) {
            skus_at[n.ix()].push(k);
        }
        for v in &mut skus_at {
            v.sort();
            v.dedup();
        }
        skus_at
    }

    /// A transfer of the whole model that the restricted one leaves out: listed for
    /// pricing, its bound counted in the lane-day's big-M.
    fn leave_out(&mut self, l: LaneIx, k: SkuIx, t: Day, ub: f64) {
        let lane = self.s.lane(l);
        self.held_carry[l.ix() * self.h + t as usize] += ub;
        let held = self.held.as_mut().expect("only a hold leaves pairs out");
        held.outside.push(Outside {
            lane: l,
            from: lane.from,
            to: lane.to,
            sku: k,
            day: t,
            arrival: t + i64::from(lane.lead_time),
            cost: lane.cost_per_unit,
            ub,
        });
    }

    /// What the lines of `o` share when their columns are listed.
    fn order_context(&self, o: &Order, order: OrderIx) -> OrderContext {
        OrderContext {
            planned_at: o
                .plan
                .iter()
                .enumerate()
                .map(|(i, e)| ((e.sku, e.node, e.lane, i64::from(e.ship)), i))
                .collect(),
            may_forbid: self
                .s
                .policy
                .forbid
                .iter()
                .any(|f| matches!(f, Forbid::Shipment { order: fo, .. } if *fo == order)),
            routes: self.routes_into[o.destination.ix()].clone(),
        }
    }

    /// The shipment columns of line `k` (of `quantity` units) of `o`: every route into its
    /// destination and ship day that is open, allowed, and not pruned by P4, D1, D2 or S2.
    /// The same list for an order the model decides and for one it holds.
    fn line_columns(
        &self,
        o: &Order,
        order: OrderIx,
        k: SkuIx,
        quantity: f64,
        ctx: &OrderContext,
        held: bool,
    ) -> Vec<LineColumn> {
        let s = self.s;
        let change_pen = s.policy.change_penalty_per_unit;
        // Whether the order may ship line k from n on `lane` at all (forbid).
        let allowed = |n: NodeIx, lane: Option<LaneIx>| {
            !ctx.may_forbid || !s.shipment_forbidden(order, k, n, lane)
        };
        let mut out = Vec::new();
        for &(n, lane) in &ctx.routes {
            // A held order's columns are the whole model's: at pairs the restricted model
            // left out too (`whole_pairs`).
            let pair =
                self.balance.contains_key(&(n, k)) || (held && self.whole_pairs.contains(&(n, k)));
            if !pair || !allowed(n, lane) {
                continue;
            }
            for t in 0..self.h as Day {
                if !s.node(n).is_open(t) || lane.is_some_and(|l| !s.lane(l).departs_on(t)) {
                    continue;
                }
                let cost = self.ship_cost(o, lane, t);
                let planned = ctx.planned_at.get(&(k, n, lane, t)).copied();
                // Pruning rule P4: for an order that may ship partly, a unit that costs at
                // least what leaving it short saves is never shipped.
                let saved =
                    o.short_penalty_per_unit + if planned.is_some() { change_pen } else { 0.0 };
                if o.allow_partial && cost >= saved {
                    continue;
                }
                if self.tight
                    && planned.is_none()
                    && self.dominated(o, &ctx.routes, n, lane, t, &allowed)
                {
                    continue;
                }
                let ub = self.flow_bound(n, lane, k, t as usize, quantity);
                if self.tight && ub <= 0.0 {
                    // Rule S2: zero in every feasible plan, so no column (a planned key
                    // without a column pays its change penalty as a constant).
                    continue;
                }
                out.push(LineColumn {
                    node: n,
                    lane,
                    day: t,
                    cost,
                    ub,
                    planned,
                });
            }
        }
        out
    }

    /// A held order's columns, listed for pricing and never added: their upper bounds join
    /// the lane-days' big-Ms, as in the whole model.
    fn held_columns(&mut self, o: &Order, order: OrderIx, at: usize) {
        let ctx = self.order_context(o, order);
        let mut lines = Vec::new();
        for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
            let mut candidates = Vec::new();
            for c in self.line_columns(o, order, line.sku, line.quantity, &ctx, true) {
                if let Some(l) = c.lane {
                    self.held_carry[l.ix() * self.h + c.day as usize] += c.ub;
                }
                candidates.push(Candidate {
                    sku: line.sku,
                    node: c.node,
                    lane: c.lane,
                    day: c.day,
                    cost: c.cost - o.short_penalty_per_unit,
                    ub: c.ub,
                    planned: c.planned.map_or(0.0, |p| o.plan[p].quantity),
                });
            }
            lines.push(HeldLine {
                quantity: line.quantity,
                short_penalty: o.short_penalty_per_unit,
                candidates,
            });
        }
        self.held.as_mut().expect("held orders need a Held").orders[at].lines = lines;
    }

    /// Long because one order's shipment columns, their links to the plan, ship-complete and
    /// source limits share the per-order indexes built at its top.
    fn shipments(&mut self) {
        let s = self.s;
        let integer = self.integer_quantities();
        let change_pen = s.policy.change_penalty_per_unit;
        for (oi, o) in s.orders.iter().enumerate() {
            if o.frozen {
                continue;
            }
            let order = OrderIx::new(oi);
            if let Some(at) = self.held_at[oi] {
                if self.opts.hold.as_ref().is_some_and(|h| h.priced) {
                    self.held_columns(o, order, at);
                }
                continue;
            }
            let ctx = self.order_context(o, order);
            let complete = (!o.allow_partial).then(|| {
                let id = o.id.clone();
                self.col(0.0, 1.0, true, Meaning::Complete(order), || {
                    format!("complete[{id}]")
                })
            });
            let mut by_source: HashMap<NodeIx, Vec<Var>> = HashMap::new();
            let mut plan_var: Vec<Option<Var>> = vec![None; o.plan.len()];
            let total: f64 = o.lines.iter().map(|l| l.quantity).sum();
            for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
                let k = line.sku;
                let mut xs: Vec<(Var, f64)> = Vec::new();
                for c in self.line_columns(o, order, k, line.quantity, &ctx, false) {
                    let (n, lane, t) = (c.node, c.lane, c.day);
                    let meaning = Meaning::Shipment {
                        order,
                        sku: k,
                        node: n,
                        lane,
                        day: t,
                    };
                    let x = self.col(
                        c.cost - o.short_penalty_per_unit,
                        c.ub,
                        integer,
                        meaning,
                        || {
                            format!(
                                "x[{},{},{},{},{t}]",
                                o.id,
                                s.sku(k).id,
                                s.node(n).id,
                                lane.map_or("local".to_owned(), |l| s.lane(l).id.0.clone())
                            )
                        },
                    );
                    self.ub.insert(x, c.ub);
                    if let Some(p) = c.planned {
                        plan_var[p] = Some(x);
                    }
                    xs.push((x, 1.0));
                    by_source.entry(n).or_default().push(x);
                    self.balance.get_mut(&(n, k)).expect("pair").0[t as usize].push((x, 1.0));
                    self.node_out[n.ix() * self.h + t as usize].push(x);
                    if let Some(l) = lane {
                        self.lane_out[l.ix() * self.h + t as usize].push(x);
                    }
                }
                self.mip.offset += o.short_penalty_per_unit * line.quantity;
                let name = || format!("line[{},{}]", o.id, s.sku(k).id);
                match complete {
                    Some(w) => {
                        xs.push((w, -line.quantity));
                        self.row(0.0, 0.0, xs, name);
                    }
                    None if !xs.is_empty() => self.row(f64::NEG_INFINITY, line.quantity, xs, name),
                    None => {}
                }
            }
            // change[p]: planned units that do not ship exactly as planned.
            if change_pen > 0.0 {
                for (p, e) in o.plan.iter().enumerate() {
                    match plan_var[p] {
                        None => self.mip.offset += change_pen * e.quantity,
                        Some(x) => {
                            let c = self.col(change_pen, e.quantity, false, Meaning::Aux, || {
                                format!("change[{},{p}]", o.id)
                            });
                            self.row(e.quantity, f64::INFINITY, vec![(x, 1.0), (c, 1.0)], || {
                                format!("change[{},{p}]", o.id)
                            });
                        }
                    }
                }
            }
            // source_link and max_sources: only when the limit can bind.
            if let Some(m) = o.max_sources {
                if (m as usize) < by_source.len() {
                    let mut uses = Vec::new();
                    let mut sources: Vec<_> = by_source.into_iter().collect();
                    sources.sort_by_key(|x| x.0);
                    for (n, xs) in sources {
                        let u =
                            self.col(0.0, 1.0, true, Meaning::Source { order, node: n }, || {
                                format!("use[{},{}]", o.id, s.node(n).id)
                            });
                        let mut entries: Vec<(Var, f64)> =
                            xs.into_iter().map(|x| (x, 1.0)).collect();
                        entries.push((u, -total));
                        self.row(f64::NEG_INFINITY, 0.0, entries, || {
                            format!("source_link[{},{}]", o.id, s.node(n).id)
                        });
                        uses.push((u, 1.0));
                    }
                    self.row(f64::NEG_INFINITY, f64::from(m), uses, || {
                        format!("max_sources[{}]", o.id)
                    });
                }
            }
        }
    }

    /// node_cap rows.
    fn node_capacities(&mut self) {
        let s = self.s;
        let h = self.h;
        for (n, node) in s.nodes.iter().enumerate() {
            let Some(cap) = node.ship_capacity_per_day else {
                continue;
            };
            for t in 0..h {
                let i = n * h + t;
                let fixed = self.frozen_node[i] + self.held_node[i];
                // With no free flow the row is `0 <= capacity left`: it only matters (as an
                // infeasibility) when frozen shipments alone overfill the day.
                if self.node_out[i].is_empty() && fixed <= cap + 1e-9 {
                    continue;
                }
                let entries = self.node_out[i]
                    .iter()
                    .map(|&v| (v, 1.0))
                    .chain(self.recalled(&self.recalled_node, i))
                    .collect();
                let left = cap - fixed;
                if let Some(held) = self.held.as_mut() {
                    held.node_cap_row[i] = self.mip.num_rows() as u32;
                }
                self.row(f64::NEG_INFINITY, left, entries, || {
                    format!("node_cap[{},{t}]", node.id)
                });
            }
        }
    }

    /// fixed_link (with the charge's column) and lane_cap rows, per lane-day.
    ///
    /// Long because a lane-day's charge, its link (with the big-M and its held and
    /// pruned-route cases) and its capacity row read the same sums, computed once.
    fn lane_days(&mut self) {
        let s = self.s;
        let h = self.h;
        for (l, lane) in s.lanes.iter().enumerate() {
            for t in 0..h {
                let i = l * h + t;
                let (held, held_carry) = (self.held_lane[i], self.held_carry[i]);
                let overfull = lane
                    .capacity_per_day
                    .is_some_and(|c| self.frozen_lane[i] + held > c + 1e-9);
                if self.lane_out[i].is_empty() && held <= 0.0 && !overfull {
                    continue;
                }
                // Capacity left by frozen shipments: what the whole model's big-M reads.
                let left = lane.capacity_per_day.map(|c| c - self.frozen_lane[i]);
                let charged = (!self.lane_out[i].is_empty() || held > 0.0)
                    && lane.fixed_cost_per_day > 0.0
                    && !self.frozen_charged.contains(&(LaneIx::new(l), t as Day));
                if charged {
                    // fixed_link: flows on the lane-day are zero unless the charge is paid;
                    // M is the least of the capacity left and what the flows can carry
                    // (held orders' columns included: the whole model's M). Held units
                    // stand on the right-hand side.
                    // Unpriced, the held units themselves stand for the held columns.
                    let unpriced = self.opts.hold.as_ref().is_some_and(|h| !h.priced);
                    let carry: f64 = self.lane_out[i].iter().map(|v| self.ub[v]).sum::<f64>()
                        + if unpriced { held } else { held_carry };
                    let mut m = left.map_or(carry, |c| c.min(carry)).max(0.0);
                    if self.tight {
                        // Bound S2 for the whole lane-day: everything on it leaves from(l)
                        // that day, so it also fits in that node's capacity left.
                        if let Some(c) = s.node(lane.from).ship_capacity_per_day {
                            let from_left = c - self.frozen_node[lane.from.ix() * h + t];
                            m = m.min(from_left.max(0.0));
                        }
                    }
                    // A held shipment the whole model prunes (P4 on a planned route) is
                    // not in `carry`; M must still let the charge open for it. A larger M
                    // only lowers the charge's reduced cost, so the Lagrangian through
                    // this model stays a lower bound on the whole one (`models/scope.md`).
                    let m = m.max(held);
                    let lid = lane.id.clone();
                    let charge = Meaning::Charge {
                        lane: LaneIx::new(l),
                        day: t as Day,
                    };
                    let z = self.col(lane.fixed_cost_per_day, 1.0, true, charge, || {
                        format!("open[{lid},{t}]")
                    });
                    let mut entries: Vec<(Var, f64)> = self.lane_out[i]
                        .iter()
                        .map(|&v| (v, 1.0))
                        .chain(self.recalled(&self.recalled_lane, i))
                        .collect();
                    entries.push((z, -m));
                    if let Some(h) = self.held.as_mut() {
                        h.link_row[i] = self.mip.num_rows() as u32;
                    }
                    self.row(f64::NEG_INFINITY, -held, entries, || {
                        format!("fixed_link[{},{t}]", lane.id)
                    });
                    if self.opts.strong_linking {
                        // strong_link: each flow alone is at most its own bound (or M)
                        // times the charge, which tightens the LP relaxation.
                        for j in 0..self.lane_out[i].len() {
                            let v = self.lane_out[i][j];
                            let bound = self.ub[&v].min(m);
                            self.row(f64::NEG_INFINITY, 0.0, vec![(v, 1.0), (z, -bound)], || {
                                format!("strong_link[{},{t},{j}]", lane.id)
                            });
                        }
                    }
                }
                if let Some(left) = left {
                    let entries = self.lane_out[i]
                        .iter()
                        .map(|&v| (v, 1.0))
                        .chain(self.recalled(&self.recalled_lane, i))
                        .collect();
                    if let Some(h) = self.held.as_mut() {
                        h.lane_cap_row[i] = self.mip.num_rows() as u32;
                    }
                    self.row(f64::NEG_INFINITY, left - held, entries, || {
                        format!("lane_cap[{},{t}]", lane.id)
                    });
                }
            }
        }
    }

    /// The recall columns of node-day or lane-day `i` in `by`, each freeing a unit.
    fn recalled(&self, by: &HashMap<usize, Vec<Var>>, i: usize) -> Vec<(Var, f64)> {
        by.get(&i)
            .map_or_else(Vec::new, |v| v.iter().map(|&r| (r, -1.0)).collect())
    }

    /// Unit cost (transport + lateness) of a shipment of `o` on `lane` leaving on `t`.
    fn ship_cost(&self, o: &Order, lane: Option<LaneIx>, t: Day) -> f64 {
        let (lead, unit) = lane.map_or((0, 0.0), |l| {
            (self.s.lane(l).lead_time, self.s.lane(l).cost_per_unit)
        });
        unit + (t + i64::from(lead) - o.due).max(0) as f64 * o.late_penalty_per_unit_day
    }

    /// A lane with no capacity limit and no fixed charge: moving units onto it binds nothing.
    fn free_lane(&self, l: LaneIx) -> bool {
        let lane = self.s.lane(l);
        lane.capacity_per_day.is_none() && lane.fixed_cost_per_day == 0.0
    }

    /// Pruning rules D1 and D2 (`models/tight.md`), for an unplanned (route, day) of an
    /// order line: some optimal plan never uses it, because its units can move, at no
    /// extra cost and without breaking a row, to a column that is kept.
    /// - D2, later day: n has no ship capacity, the route is local or a free lane, and a
    ///   later day on the same route costs the same (both on time): shipping later only
    ///   leaves more stock at n in between.
    /// - D1, free parallel lane: another free lane from n to the destination departs the
    ///   same day at no higher unit cost (the cheapest such lane, ties to the lowest
    ///   index, is kept): same node, same day, same stock and node capacity.
    fn dominated(
        &self,
        o: &Order,
        routes: &[(NodeIx, Option<LaneIx>)],
        n: NodeIx,
        lane: Option<LaneIx>,
        t: Day,
        allowed: &dyn Fn(NodeIx, Option<LaneIx>) -> bool,
    ) -> bool {
        let s = self.s;
        let cost = self.ship_cost(o, lane, t);
        if s.node(n).ship_capacity_per_day.is_none() && lane.is_none_or(|l| self.free_lane(l)) {
            // Lateness only grows with the day, so the next open day is the one to try.
            let next = (t + 1..self.h as Day)
                .find(|&t2| s.node(n).is_open(t2) && lane.is_none_or(|l| s.lane(l).departs_on(t2)));
            if next.is_some_and(|t2| self.ship_cost(o, lane, t2) <= cost) {
                return true;
            }
        }
        let Some(b) = lane else {
            return false;
        };
        if !s.node(n).is_open(t) {
            return false;
        }
        let best = routes
            .iter()
            .filter_map(|&(m, a)| a.filter(|_| m == n))
            .filter(|&a| self.free_lane(a) && s.lane(a).departs_on(t) && allowed(n, Some(a)))
            .map(|a| (self.ship_cost(o, Some(a), t), a))
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        best.is_some_and(|(c, a)| a != b && c <= cost)
    }

    /// balance[n,k,t]: inv[t] - inv[t-1] + outflow[t] - inflow[t] = constants[t], inv >= 0.
    /// B2: inv is at most every unit of k that exists (a finite bound keeps the Lagrangian
    /// bound of `crate::optimize::guided` finite).
    fn balances(&mut self, pairs: &[Pair]) {
        let s = self.s;
        let supply = self.total_supply();
        for &p in pairs {
            let (entries, rhs) = self.balance.remove(&p).expect("pair");
            if let Some(h) = self.held.as_mut() {
                h.balance_row.insert(p, self.mip.num_rows() as u32);
            }
            let mut prev: Option<Var> = None;
            for (t, (mut row, b)) in entries.into_iter().zip(rhs).enumerate() {
                let (nid, kid) = (s.node(p.0).id.clone(), s.sku(p.1).id.clone());
                let inv = self.col(0.0, supply[p.1.ix()], false, Meaning::Aux, || {
                    format!("inv[{nid},{kid},{t}]")
                });
                row.push((inv, 1.0));
                if let Some(v) = prev {
                    row.push((v, -1.0));
                }
                self.row(b, b, row, || format!("balance[{nid},{kid},{t}]"));
                prev = Some(inv);
            }
        }
        self.surpluses();
    }

    /// surplus[n,k], per farthest pair of a hold's transfer hops: the transfers leaving it, over the horizon, take
    /// at most the least stock the plan's constants leave it at the end of any day. Every
    /// day's balance then holds: a restriction of the model (`models/neighbourhoods.md`).
    fn surpluses(&mut self) {
        let s = self.s;
        let mut origins: Vec<Pair> = self.origins.iter().copied().collect();
        origins.sort();
        for p in origins {
            let (entries, rhs) = self.balance.remove(&p).expect("pair");
            let row: Vec<(Var, f64)> = entries.into_iter().flatten().collect();
            if row.is_empty() {
                continue;
            }
            let mut stock = 0.0;
            let mut least = f64::INFINITY;
            for b in rhs {
                stock += b;
                least = least.min(stock);
            }
            let (nid, kid) = (s.node(p.0).id.clone(), s.sku(p.1).id.clone());
            self.row(f64::NEG_INFINITY, least.max(0.0), row, || {
                format!("surplus[{nid},{kid}]")
            });
        }
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

fn routes_into(s: &Scenario) -> Vec<Vec<(NodeIx, Option<LaneIx>)>> {
    let mut v: Vec<Vec<(NodeIx, Option<LaneIx>)>> = vec![Vec::new(); s.nodes.len()];
    for (i, l) in s.lanes.iter().enumerate() {
        v[l.to.ix()].push((l.from, Some(LaneIx::new(i))));
    }
    for n in (0..s.nodes.len()).filter(|&n| s.nodes[n].holds_stock()) {
        v[n].push((NodeIx::new(n), None));
    }
    v
}

/// What sinks each node's transfers can reach (`Builder::reachable_demand`).
struct Reach {
    /// Per node: the nodes transfers from it can reach, itself included.
    closure: Vec<Vec<bool>>,
    /// Per node: the destinations a node in its closure serves.
    served: Vec<Vec<bool>>,
    /// Per SKU: free order lines' (destination, units).
    sinks: HashMap<SkuIx, Vec<(NodeIx, f64)>>,
    /// Per SKU: frozen shipments' (source, units).
    frozen: HashMap<SkuIx, Vec<(NodeIx, f64)>>,
}

impl Reach {
    /// The units of `k` that sinks reachable from `n` can absorb (bound B1).
    fn demand(&self, n: NodeIx, k: SkuIx) -> f64 {
        let (served, closure) = (&self.served[n.ix()], &self.closure[n.ix()]);
        let lines: f64 = self.sinks.get(&k).map_or(0.0, |v| {
            v.iter()
                .filter(|(d, _)| served[d.ix()])
                .map(|(_, q)| q)
                .sum()
        });
        let frozen: f64 = self.frozen.get(&k).map_or(0.0, |v| {
            v.iter()
                .filter(|(m, _)| closure[m.ix()])
                .map(|(_, q)| q)
                .sum()
        });
        lines + frozen
    }
}
