//! The `priority-rules` strategy: repairs the do-nothing baseline the way today's order
//! promising systems do (SAP aATP backorder processing, frePPLe's demand-by-demand
//! planning), one order at a time in (priority, due, id) order, with fixed preferences and
//! no look-ahead. It exists as the yardstick the MIP is measured against: what a planner
//! gets today without an optimiser. `models/priority-rules.md` has the rules and where
//! they fall short.
//!
//! Every step goes through `State`, which keeps stock balances and capacity use up to
//! date and only ever adds a movement that fits, so the plan stays feasible after every
//! step (the independent checker confirms it in [`outcome`] and in the tests). Steps are
//! journaled, so an order whose rescue does not pay off, or a ship-complete order that
//! cannot be completed, is undone exactly.

use crate::check::evaluate;
use crate::optimize::highs::{Limit, Status};
use crate::optimize::outcome::{Outcome, Solution, Source, Termination};
use crate::plan::{Plan, Shipment, Transfer};
use crate::risk::Analysis;
use crate::scenario::domain::{Day, Forbid, Scenario};
use crate::scenario::ids::*;
use litemap::LiteMap;
use rustc_hash::FxHashMap as HashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// The name `--formulation` takes.
pub const NAME: &str = "priority-rules";

const EPS: f64 = 1e-9;

/// A route to an order's destination: a source node and a lane (`None` = local).
type Route = (NodeIx, Option<LaneIx>);
/// A shipment of one order, keyed as in the plan.
type ShipKey = (SkuIx, NodeIx, Option<LaneIx>, Day);

/// The rules plan: the baseline, repaired order by order. Feasible whenever the baseline
/// is (a baseline that breaks a frozen commitment stays broken: the rules never touch
/// frozen orders).
pub fn plan(s: &Scenario, a: &Analysis) -> Plan {
    let mut st = State::new(s, &a.baseline.plan);
    let key = |o: OrderIx| {
        let x = s.order(o);
        (x.priority, x.due, x.id.0.clone(), o)
    };
    // A donor is always of a strictly lower priority than the order it gives to, and orders
    // are taken in priority order, so each order is taken at most once.
    let mut queue: BTreeSet<_> = a
        .at_risk
        .iter()
        .filter(|r| !s.order(r.order).frozen)
        .map(|r| key(r.order))
        .collect();
    let mut done = vec![false; s.orders.len()];
    while let Some((_, _, _, o)) = queue.pop_first() {
        if std::mem::replace(&mut done[o.ix()], true) {
            continue;
        }
        for d in st.rescue(o) {
            if !done[d.ix()] {
                queue.insert(key(d));
            }
        }
    }
    st.plan()
}

/// [`plan`], checked, as the outcome `solve` and `bench` report: status `feasible` with
/// limit `heuristic`, the checker's cost as objective, no bound and no gap (rules prove
/// nothing about how far they are from the optimum), no model. `NoSolution` when the plan
/// breaks a rule, which only a baseline that cannot keep its frozen commitments causes.
pub fn outcome(s: &Scenario, a: &Analysis) -> Outcome {
    let t = Instant::now();
    let p = plan(s, a);
    let eval = evaluate(s, &p);
    let limit = Limit::Heuristic;
    let (status, solution) = if eval.feasible() {
        let solution = Solution {
            plan: p,
            eval,
            source: Source::Rules,
        };
        (Status::Feasible { limit }, Some(solution))
    } else {
        (Status::NoSolution { limit }, None)
    };
    Outcome {
        formulation: NAME,
        termination: Termination {
            status,
            bound: None,
            gap: None,
            frozen_orders: Vec::new(),
        },
        solution,
        stats: None,
        seconds: t.elapsed().as_secs_f64(),
    }
}

/// One journaled change to the plan.
#[derive(Clone, Copy)]
enum Op {
    Ship(OrderIx, ShipKey, f64),
    Transfer(LaneIx, SkuIx, Day, f64),
    Expedite(InboundIx),
}

struct State<'a> {
    s: &'a Scenario,
    h: usize,
    integer: bool,
    /// Per order, its shipments: a sorted vector, as an order has a few (a million orders
    /// are a million of these maps).
    ships: Vec<LiteMap<ShipKey, f64>>,
    transfers: BTreeMap<(LaneIx, SkuIx, Day), f64>,
    expedited: Vec<bool>,
    /// Per (node, sku): net stock change on each day (day 0 includes what is available).
    flow: HashMap<(NodeIx, SkuIx), Vec<f64>>,
    receipts: HashMap<(NodeIx, SkuIx), Vec<InboundIx>>,
    node_use: Vec<f64>,
    lane_use: Vec<f64>,
    /// Costs no single order carries: transfers, fixed charges, expedites.
    shared_cost: f64,
    /// Orders that ever shipped from a (node, sku): where donors are looked for. An order
    /// is listed again only when another came between (the baseline's orders come in
    /// index order, once each); donors are ranked by a key of their own, so the order of
    /// the list does not matter.
    users: HashMap<(NodeIx, SkuIx), Vec<OrderIx>>,
    /// Routes into each destination node, cheapest first.
    routes_to: Vec<Vec<Route>>,
    /// Transfer lanes into each node.
    transfers_into: Vec<Vec<LaneIx>>,
    journal: Vec<Op>,
}

impl<'a> State<'a> {
    fn new(s: &'a Scenario, baseline: &Plan) -> Self {
        let h = s.horizon as usize;
        let mut receipts: HashMap<_, Vec<InboundIx>> = HashMap::default();
        for (i, r) in s.inbound.iter().enumerate() {
            receipts
                .entry((r.node, r.sku))
                .or_default()
                .push(InboundIx::new(i));
        }
        let mut routes_to = vec![Vec::new(); s.nodes.len()];
        for (n, node) in s.nodes.iter().enumerate() {
            if node.holds_stock() {
                routes_to[n].push((NodeIx::new(n), None));
            }
        }
        for (l, lane) in s.lanes.iter().enumerate() {
            routes_to[lane.to.ix()].push((lane.from, Some(LaneIx::new(l))));
        }
        for r in &mut routes_to {
            r.sort_by(|a, b| {
                let c = |x: &Route| {
                    x.1.map_or((0.0, 0, ""), |l| {
                        let lane = s.lane(l);
                        (lane.cost_per_unit, lane.lead_time, lane.id.0.as_str())
                    })
                };
                let (x, y) = (c(a), c(b));
                x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)).then(x.2.cmp(y.2))
            });
        }
        let mut transfers_into = vec![Vec::new(); s.nodes.len()];
        for (l, lane) in s.lanes.iter().enumerate() {
            if lane.carries_transfers && s.node(lane.from).holds_stock() {
                transfers_into[lane.to.ix()].push(LaneIx::new(l));
            }
        }
        let mut st = State {
            s,
            h,
            integer: s.policy.integer_quantities,
            ships: vec![LiteMap::new(); s.orders.len()],
            transfers: BTreeMap::new(),
            expedited: vec![false; s.inbound.len()],
            flow: HashMap::default(),
            receipts,
            node_use: vec![0.0; s.nodes.len() * h],
            lane_use: vec![0.0; s.lanes.len() * h],
            shared_cost: 0.0,
            users: HashMap::default(),
            routes_to,
            transfers_into,
            journal: Vec::new(),
        };
        for x in &baseline.shipments {
            st.apply(Op::Ship(
                x.order,
                (x.sku, x.node, x.lane, x.ship),
                x.quantity,
            ));
        }
        for t in &baseline.transfers {
            st.apply(Op::Transfer(t.lane, t.sku, t.ship, t.quantity));
        }
        for &r in &baseline.expedited {
            st.apply(Op::Expedite(r));
        }
        st.journal.clear();
        st
    }

    fn plan(&self) -> Plan {
        let mut p = Plan::default();
        for (o, m) in self.ships.iter().enumerate() {
            for (&(sku, node, lane, ship), &quantity) in m {
                let key = (OrderIx::new(o), sku, node, lane, ship);
                p.shipments.push(Shipment::at(key, quantity));
            }
        }
        for (&key, &quantity) in &self.transfers {
            p.transfers.push(Transfer::at(key, quantity));
        }
        p.expedited = (0..self.expedited.len())
            .filter(|&i| self.expedited[i])
            .map(InboundIx::new)
            .collect();
        p.normalized()
    }

    // ---- the journal ----

    fn apply(&mut self, op: Op) {
        self.change(op, 1.0);
        self.journal.push(op);
    }

    fn undo_to(&mut self, mark: usize) {
        while self.journal.len() > mark {
            let op = self.journal.pop().expect("len > mark");
            self.change(op, -1.0);
        }
    }

    fn change(&mut self, op: Op, sign: f64) {
        let s = self.s;
        match op {
            Op::Ship(o, key @ (sku, node, lane, day), q) => {
                let q = sign * q;
                let e = self.ships[o.ix()].entry(key).or_insert(0.0);
                *e += q;
                if e.abs() <= EPS {
                    self.ships[o.ix()].remove(&key);
                }
                let users = self.users.entry((node, sku)).or_default();
                if users.last() != Some(&o) {
                    users.push(o);
                }
                self.flow_mut(node, sku)[day as usize] -= q;
                self.node_use[node.ix() * self.h + day as usize] += q;
                if let Some(l) = lane {
                    self.use_lane(l, day, q);
                }
            }
            Op::Transfer(l, sku, day, q) => {
                let q = sign * q;
                let key = (l, sku, day);
                let e = self.transfers.entry(key).or_insert(0.0);
                *e += q;
                if e.abs() <= EPS {
                    self.transfers.remove(&key);
                }
                let lane = s.lane(l);
                self.flow_mut(lane.from, sku)[day as usize] -= q;
                let arrival = day as usize + lane.lead_time as usize;
                if arrival < self.h {
                    self.flow_mut(lane.to, sku)[arrival] += q;
                }
                self.node_use[lane.from.ix() * self.h + day as usize] += q;
                self.shared_cost += q * lane.cost_per_unit;
                self.use_lane(l, day, q);
            }
            Op::Expedite(r) => {
                let on = sign > 0.0;
                self.expedited[r.ix()] = on;
                let rec = s.inbound(r);
                let x = rec
                    .expedite
                    .expect("only expeditable receipts are expedited");
                self.shared_cost += sign * x.cost;
                let flow = self.flow_mut(rec.node, rec.sku);
                if let Some(eta) = rec.eta {
                    flow[eta as usize] -= sign * rec.quantity;
                }
                if let Some(eta) = x.eta {
                    flow[eta as usize] += sign * rec.quantity;
                }
            }
        }
    }

    fn use_lane(&mut self, l: LaneIx, day: Day, q: f64) {
        let i = l.ix() * self.h + day as usize;
        let before = self.lane_use[i];
        self.lane_use[i] += q;
        let fixed = self.s.lane(l).fixed_cost_per_day;
        match (before > EPS, self.lane_use[i] > EPS) {
            (false, true) => self.shared_cost += fixed,
            (true, false) => self.shared_cost -= fixed,
            _ => {}
        }
    }

    fn flow_mut(&mut self, n: NodeIx, k: SkuIx) -> &mut Vec<f64> {
        if !self.flow.contains_key(&(n, k)) {
            let f = self.initial_flow(n, k);
            self.flow.insert((n, k), f);
        }
        self.flow.get_mut(&(n, k)).expect("inserted above")
    }

    /// Stock at the start and receipts on their (disrupted) eta, for a pair nothing moved yet.
    fn initial_flow(&self, n: NodeIx, k: SkuIx) -> Vec<f64> {
        let s = self.s;
        let mut f = vec![0.0; self.h];
        f[0] = s.available_at_start(n, k);
        for &r in self.receipts.get(&(n, k)).into_iter().flatten() {
            if let Some(eta) = s.inbound(r).eta {
                f[eta as usize] += s.inbound(r).quantity;
            }
        }
        f
    }

    // ---- what is free ----

    /// Units of `k` that may leave `n` on day `t` without any day's balance going negative.
    fn free_stock(&self, n: NodeIx, k: SkuIx, t: Day) -> f64 {
        let fresh;
        let f = match self.flow.get(&(n, k)) {
            Some(f) => f,
            None => {
                fresh = self.initial_flow(n, k);
                &fresh
            }
        };
        let mut bal = 0.0;
        let mut min = f64::INFINITY;
        for (d, x) in f.iter().enumerate() {
            bal += x;
            if d as Day >= t {
                min = min.min(bal);
            }
        }
        min.max(0.0)
    }

    /// Units that node and lane capacity still allow on day `t`, or 0 when nothing may
    /// leave then.
    fn free_capacity(&self, n: NodeIx, lane: Option<LaneIx>, t: Day) -> f64 {
        let s = self.s;
        if t < 0 || t as usize >= self.h || !s.node(n).is_open(t) {
            return 0.0;
        }
        let mut cap = s.node(n).ship_capacity_per_day.map_or(f64::INFINITY, |c| {
            c - self.node_use[n.ix() * self.h + t as usize]
        });
        if let Some(l) = lane {
            let lane = s.lane(l);
            if !lane.departs_on(t) {
                return 0.0;
            }
            if let Some(c) = lane.capacity_per_day {
                cap = cap.min(c - self.lane_use[l.ix() * self.h + t as usize]);
            }
        }
        cap.max(0.0)
    }

    fn whole(&self, q: f64) -> f64 {
        let q = q.max(0.0);
        if self.integer {
            (q + 1e-7).floor()
        } else {
            q
        }
    }

    // ---- one order ----

    fn shipped(&self, o: OrderIx, k: SkuIx) -> f64 {
        self.ships[o.ix()]
            .iter()
            .filter(|(key, _)| key.0 == k)
            .map(|(_, q)| q)
            .sum()
    }

    fn arrival(&self, lane: Option<LaneIx>, t: Day) -> Day {
        t + lane.map_or(0, |l| self.s.lane(l).lead_time as Day)
    }

    /// The order's own part of the section-3 cost: transport, lateness, shortage, change.
    fn order_cost(&self, o: OrderIx) -> f64 {
        let s = self.s;
        let order = s.order(o);
        let mut cost = 0.0;
        for (&(_, _, lane, t), &q) in &self.ships[o.ix()] {
            let late = (self.arrival(lane, t) - order.due).max(0) as f64;
            cost += q
                * (lane.map_or(0.0, |l| s.lane(l).cost_per_unit)
                    + late * order.late_penalty_per_unit_day);
        }
        for line in &order.lines {
            cost +=
                (line.quantity - self.shipped(o, line.sku)).max(0.0) * order.short_penalty_per_unit;
        }
        for e in &order.plan {
            let kept = self.ships[o.ix()]
                .get(&(e.sku, e.node, e.lane, e.ship.into()))
                .copied()
                .unwrap_or(0.0);
            cost += s.policy.change_penalty_per_unit * (e.quantity - kept).max(0.0);
        }
        cost
    }

    fn forbidden(&self, o: OrderIx, k: SkuIx, (n, lane): Route) -> bool {
        self.s.shipment_forbidden(o, k, n, lane)
    }

    /// Whether `o` may ship from `n` without exceeding `max_sources`.
    fn source_allowed(&self, o: OrderIx, n: NodeIx) -> bool {
        let Some(max) = self.s.order(o).max_sources else {
            return true;
        };
        let sources: BTreeSet<NodeIx> = self.ships[o.ix()].keys().map(|k| k.1).collect();
        sources.contains(&n) || sources.len() < max as usize
    }

    /// Tries to improve order `o`; keeps the change only when the order's own cost plus
    /// the shared costs (transfers, fixed charges, expedites) fall. Returns the orders
    /// that gave up units to it.
    fn rescue(&mut self, o: OrderIx) -> Vec<OrderIx> {
        let s = self.s;
        let order = s.order(o);
        let mark = self.journal.len();
        let before = self.order_cost(o) + self.shared_cost;
        for line in &order.lines {
            self.rescue_line(o, line.sku, line.quantity);
        }
        let complete_or_nothing = order.allow_partial || {
            let full =
                |l: &crate::scenario::domain::Line| self.shipped(o, l.sku) >= l.quantity - 1e-6;
            let none = |l: &crate::scenario::domain::Line| self.shipped(o, l.sku) <= 1e-6;
            order.lines.iter().all(full) || order.lines.iter().all(none)
        };
        let after = self.order_cost(o) + self.shared_cost;
        if !complete_or_nothing || after >= before - 1e-9 {
            self.undo_to(mark);
            return Vec::new();
        }
        // Net per order: a donor may have got some of its units back.
        let mut lost: BTreeMap<OrderIx, f64> = BTreeMap::new();
        for op in &self.journal[mark..] {
            if let Op::Ship(d, _, q) = *op {
                if d != o {
                    *lost.entry(d).or_insert(0.0) -= q;
                }
            }
        }
        lost.into_iter()
            .filter(|(_, q)| *q > 1e-6)
            .map(|(d, _)| d)
            .collect()
    }

    fn rescue_line(&mut self, o: OrderIx, k: SkuIx, quantity: f64) {
        let s = self.s;
        let order = s.order(o);
        // Late shipments are taken back and placed again below: on time if any rule finds
        // a way, else as early as possible (often exactly where they were).
        let late: Vec<(ShipKey, f64)> = self.ships[o.ix()]
            .iter()
            .filter(|(key, _)| key.0 == k && self.arrival(key.2, key.3) > order.due)
            .map(|(key, q)| (*key, *q))
            .collect();
        for (key, q) in late {
            self.apply(Op::Ship(o, key, -q));
        }
        let mut need = quantity - self.shipped(o, k);
        if need <= 1e-6 {
            return;
        }
        let all_routes = self.routes_to[order.destination.ix()].clone();
        let mut home: Vec<Route> = Vec::new();
        for e in order.plan.iter().filter(|e| e.sku == k) {
            if !home.contains(&(e.node, e.lane)) {
                home.push((e.node, e.lane));
            }
        }
        if home.is_empty() {
            // An unplanned line (a surge order): every route counts as its own, cheapest first.
            home = all_routes.clone();
        }
        let home_nodes: Vec<NodeIx> = home.iter().map(|r| r.0).collect();
        let other: Vec<Route> = all_routes
            .iter()
            .filter(|r| !home_nodes.contains(&r.0))
            .copied()
            .collect();
        let mut faster: Vec<Route> = all_routes
            .iter()
            .filter(|r| home_nodes.contains(&r.0) && !home.contains(r))
            .copied()
            .collect();
        faster.sort_by_key(|r| self.arrival(r.1, 0));

        // 1. The planned node: free stock, then lower-priority orders' stock there.
        need -= self.on_time(o, k, &home, need, false);
        need -= self.on_time(o, k, &home, need, true);
        // 2. Other nodes: free stock shipped from there, or transferred to a node that ships.
        need -= self.on_time(o, k, &other, need, false);
        let legs: Vec<Route> = home.iter().chain(&other).copied().collect();
        need -= self.via_transfer(o, k, &legs, need);
        // 3. Faster lanes from the planned node.
        need -= self.on_time(o, k, &faster, need, false);
        need -= self.on_time(o, k, &faster, need, true);
        // 4. A receipt at the planned node pulled in.
        need -= self.expedite(o, k, &home_nodes, &home, &faster, need);
        // 5. Whatever is still missing ships as early as possible, late.
        let everywhere: Vec<Route> = home.iter().chain(&other).chain(&faster).copied().collect();
        self.late(o, k, &everywhere, need);
    }

    /// Ships up to `need` units of (o, k) on time on `routes`, in route order, each from the
    /// latest on-time day back (later days have the most stock free). With `donors`, stock
    /// held by lower-priority orders' shipments from the same node is taken back.
    fn on_time(&mut self, o: OrderIx, k: SkuIx, routes: &[Route], need: f64, donors: bool) -> f64 {
        let due = self.s.order(o).due;
        let mut placed = 0.0;
        for &route in routes {
            if need - placed <= 1e-6 {
                break;
            }
            if self.forbidden(o, k, route) || !self.source_allowed(o, route.0) {
                continue;
            }
            let last = (due - self.arrival(route.1, 0)).min(self.h as Day - 1);
            for t in (0..=last).rev() {
                if need - placed <= 1e-6 {
                    break;
                }
                placed += self.ship_at(o, k, route, t, need - placed, donors);
            }
        }
        placed
    }

    /// Ships up to `want` units of (o, k) on `route` leaving on `t`, as far as stock and
    /// capacity allow; returns what it shipped.
    fn ship_at(
        &mut self,
        o: OrderIx,
        k: SkuIx,
        (n, lane): Route,
        t: Day,
        want: f64,
        donors: bool,
    ) -> f64 {
        let cap = self.free_capacity(n, lane, t);
        let target = self.whole(want.min(cap));
        if target <= 0.0 {
            return 0.0;
        }
        let mut released = Vec::new();
        if donors && self.free_stock(n, k, t) < target {
            released = self.release_donors(o, k, n, t, target);
        }
        let q = self.whole(target.min(self.free_stock(n, k, t)));
        if q > 0.0 {
            self.apply(Op::Ship(o, (k, n, lane, t), q));
        }
        // Donor units the shipment did not need go back where they were.
        for (d, key, amount) in released.into_iter().rev() {
            let (_, dn, dlane, dt) = key;
            let back = self.whole(
                amount
                    .min(self.free_stock(dn, k, dt))
                    .min(self.free_capacity(dn, dlane, dt)),
            );
            if back > 0.0 {
                self.apply(Op::Ship(d, key, back));
            }
        }
        q
    }

    /// Takes back lower-priority orders' shipments of `k` from `n` (least important first)
    /// until `target` units are free on day `t`. Ship-complete and frozen orders are never
    /// donors: a partial take-back would break them.
    fn release_donors(
        &mut self,
        o: OrderIx,
        k: SkuIx,
        n: NodeIx,
        t: Day,
        target: f64,
    ) -> Vec<(OrderIx, ShipKey, f64)> {
        let s = self.s;
        let me = s.order(o);
        let mut candidates: Vec<(OrderIx, ShipKey, f64)> = Vec::new();
        for &d in self.users.get(&(n, k)).into_iter().flatten() {
            let x = s.order(d);
            if d == o || x.frozen || !x.allow_partial || x.priority <= me.priority {
                continue;
            }
            for (&key, &q) in &self.ships[d.ix()] {
                if key.0 == k && key.1 == n {
                    candidates.push((d, key, q));
                }
            }
        }
        // Least important first; among one order's shipments, those leaving by t first (they
        // free stock on t one for one).
        candidates.sort_by(|a, b| {
            let (x, y) = (s.order(a.0), s.order(b.0));
            (y.priority, y.due, &y.id)
                .cmp(&(x.priority, x.due, &x.id))
                .then((a.1 .3 > t).cmp(&(b.1 .3 > t)))
                .then(a.1.cmp(&b.1))
        });
        // An order listed twice among the users brought its shipments twice; the key
        // above is unique per shipment, so the copies are neighbours.
        candidates.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut released = Vec::new();
        for (d, key, q) in candidates {
            let missing = target - self.free_stock(n, k, t);
            if missing <= 1e-6 {
                break;
            }
            // Whole units: round the shortfall up, so one donor shipment covers it.
            let take = if self.integer {
                missing.ceil().min(q)
            } else {
                missing.min(q)
            };
            self.apply(Op::Ship(d, key, -take));
            released.push((d, key, take));
        }
        released
    }

    /// Ships up to `need` units on time by a transfer into a route's node followed by the
    /// shipment from it.
    fn via_transfer(&mut self, o: OrderIx, k: SkuIx, legs: &[Route], need: f64) -> f64 {
        let s = self.s;
        let due = s.order(o).due;
        let mut placed = 0.0;
        for &(n, lane) in legs {
            if self.forbidden(o, k, (n, lane)) || !self.source_allowed(o, n) {
                continue;
            }
            let last = (due - self.arrival(lane, 0)).min(self.h as Day - 1);
            for t2 in (0..=last).rev() {
                for i in 0..self.transfers_into[n.ix()].len() {
                    let l = self.transfers_into[n.ix()][i];
                    let tl = s.lane(l);
                    if need - placed <= 1e-6 {
                        return placed;
                    }
                    if self.s.transfer_forbidden(l, k) {
                        continue;
                    }
                    let latest = t2 - tl.lead_time as Day;
                    for t1 in (0..=latest).rev() {
                        if need - placed <= 1e-6 {
                            break;
                        }
                        let want = (need - placed)
                            .min(self.free_capacity(n, lane, t2))
                            .min(self.free_capacity(tl.from, Some(l), t1))
                            .min(self.free_stock(tl.from, k, t1));
                        let q = self.whole(want);
                        if q > 0.0 {
                            self.apply(Op::Transfer(l, k, t1, q));
                            self.apply(Op::Ship(o, (k, n, lane, t2), q));
                            placed += q;
                        }
                    }
                }
            }
        }
        placed
    }

    /// Pulls in one receipt at a planned node when that ships units on time, and the
    /// expedite costs less than leaving those units short would.
    fn expedite(
        &mut self,
        o: OrderIx,
        k: SkuIx,
        nodes: &[NodeIx],
        home: &[Route],
        faster: &[Route],
        need: f64,
    ) -> f64 {
        let s = self.s;
        let mut placed = 0.0;
        let mut seen = BTreeSet::new();
        for &n in nodes {
            if !seen.insert(n) {
                continue;
            }
            let rs = self.receipts.get(&(n, k)).cloned().unwrap_or_default();
            for r in rs {
                if need - placed <= 1e-6 {
                    return placed;
                }
                let rec = s.inbound(r);
                let Some(x) = rec.expedite else { continue };
                let earlier = match (x.eta, rec.eta) {
                    (Some(a), Some(b)) => a < b,
                    (Some(_), None) => true,
                    _ => false,
                };
                let banned = s.policy.forbid.contains(&Forbid::ExpediteInbound(r));
                // A cancelled receipt has no expedite left (validation drops it).
                if self.expedited[r.ix()] || !earlier || banned {
                    continue;
                }
                let mark = self.journal.len();
                self.apply(Op::Expedite(r));
                let mut got = self.on_time(o, k, home, need - placed, false);
                got += self.on_time(o, k, faster, need - placed - got, false);
                if got > 0.0 && x.cost < got * s.order(o).short_penalty_per_unit {
                    placed += got;
                } else {
                    self.undo_to(mark);
                }
            }
        }
        placed
    }

    /// Ships up to `need` units late, earliest arrival first, as long as being late costs
    /// less per unit than being short.
    fn late(&mut self, o: OrderIx, k: SkuIx, routes: &[Route], need: f64) {
        let order = self.s.order(o);
        let mut options: Vec<(Day, usize, Day)> = Vec::new();
        for (i, r) in routes.iter().enumerate() {
            for t in 0..self.h as Day {
                let a = self.arrival(r.1, t);
                if a > order.due {
                    options.push((a, i, t));
                }
            }
        }
        options.sort();
        let mut left = need;
        for (a, i, t) in options {
            if left <= 1e-6 {
                break;
            }
            let late_cost = (a - order.due) as f64 * order.late_penalty_per_unit_day;
            if late_cost >= order.short_penalty_per_unit {
                break;
            }
            let route = routes[i];
            if self.forbidden(o, k, route) || !self.source_allowed(o, route.0) {
                continue;
            }
            left -= self.ship_at(o, k, route, t, left, false);
        }
    }
}
