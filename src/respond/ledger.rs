//! The state of every resource that some unit touches, and the evaluation of a set of units
//! on top of it: is the result feasible on those resources, and what does it change in cost?
//!
//! Only resources can couple units (SCENARIO.md section 5), so a set of units is judged by
//! the resources it touches: a resource it does not touch keeps its state, which was
//! feasible. This keeps each evaluation proportional to the set, not to the plan, which is
//! what lets the construction try every seed. The checker judges the result afterwards.

use super::units::{flags, Resource, Unit};
use crate::check::{exceeds, tolerance, TOLERANCE};
use crate::plan::Plan;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
// Keys are small ids; FxHash instead of SipHash took the construction on large seed 1 from
// 2.00 / 2.48 / 2.28 s to 1.78 / 1.96 / 1.94 s (interleaved, the same responses), here and
// in `watch` and the response loop.
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
struct Stock {
    /// Available at day 0.
    start: f64,
    /// Net change per day (receipts and arrivals positive).
    flow: Vec<f64>,
    tol: f64,
}

impl Stock {
    /// The first day on which the balance is negative, with the balance; else how far the
    /// balance stays from that (the least balance plus tolerance, the start included).
    fn scan(&self) -> Result<Margin, (Day, f64)> {
        let mut b = self.start;
        let mut least = b + self.tol;
        for (t, d) in self.flow.iter().enumerate() {
            b += d;
            if b < -self.tol {
                return Err((t as Day, b));
            }
            least = least.min(b + self.tol);
        }
        Ok(Margin {
            slack: least,
            tol: self.tol,
        })
    }
}

/// A broken constraint on one resource.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Breach {
    /// The balance is `deficit` below zero on `day`.
    Stock {
        node: NodeIx,
        sku: SkuIx,
        day: Day,
        deficit: f64,
    },
    /// `excess` units over the capacity.
    Node {
        node: NodeIx,
        day: Day,
        excess: f64,
    },
    Lane {
        lane: LaneIx,
        day: Day,
        excess: f64,
    },
}

impl Breach {
    pub fn resource(&self) -> Resource {
        match *self {
            Breach::Stock { node, sku, .. } => Resource::Stock(node, sku),
            Breach::Node { node, day, .. } => Resource::NodeDay(node, day),
            Breach::Lane { lane, day, .. } => Resource::LaneDay(lane, day),
        }
    }

    /// How much `u` relieves this breach (negative: makes it worse).
    pub fn relief(&self, u: &Unit) -> f64 {
        match *self {
            Breach::Stock { node, sku, day, .. } => u
                .stock
                .iter()
                .filter(|(k, _)| *k == (node, sku))
                .flat_map(|(_, days)| days.iter())
                .filter(|(t, _)| *t <= day)
                .map(|(_, q)| q)
                .sum(),
            Breach::Node { node, day, .. } => -u
                .node_out
                .iter()
                .filter(|(k, _)| *k == (node, day))
                .map(|(_, q)| q)
                .sum::<f64>(),
            Breach::Lane { lane, day, .. } => -u
                .lane_out
                .iter()
                .filter(|(k, _)| *k == (lane, day))
                .map(|(_, q)| q)
                .sum::<f64>(),
        }
    }

    pub fn amount(&self) -> f64 {
        match *self {
            Breach::Stock { deficit, .. } => deficit,
            Breach::Node { excess, .. } | Breach::Lane { excess, .. } => excess,
        }
    }
}

/// The state of every touched resource.
#[derive(Clone, Debug)]
pub struct Ledger {
    stock: HashMap<(NodeIx, SkuIx), Stock>,
    node_out: HashMap<(NodeIx, Day), f64>,
    lane_out: HashMap<(LaneIx, Day), f64>,
}

impl Ledger {
    /// The state of `plan` on the resources that `units` touch.
    pub fn new(s: &Scenario, plan: &Plan, units: &[Unit]) -> Ledger {
        let h = s.horizon as usize;
        let mut stock: HashMap<(NodeIx, SkuIx), Stock> = HashMap::default();
        let mut node_out = HashMap::default();
        let mut lane_out = HashMap::default();
        for u in units {
            for r in &u.resources {
                match *r {
                    Resource::Stock(n, k) => {
                        stock.entry((n, k)).or_insert_with(|| Stock {
                            start: s.available_at_start(n, k),
                            flow: vec![0.0; h],
                            tol: 0.0,
                        });
                    }
                    Resource::NodeDay(n, d) => {
                        node_out.insert((n, d), 0.0);
                    }
                    Resource::LaneDay(l, d) => {
                        lane_out.insert((l, d), 0.0);
                    }
                    Resource::Order(_) => {}
                }
            }
        }
        // Gross volume per stock, for the checker's tolerance: the plan's and the changes'.
        let mut gross: HashMap<(NodeIx, SkuIx), f64> = HashMap::default();
        let in_h = |d: Day| (0..h as Day).contains(&d);
        let mut flow = |key: (NodeIx, SkuIx), day: Day, q: f64| {
            if let Some(st) = stock.get_mut(&key) {
                if in_h(day) {
                    st.flow[day as usize] += q;
                    *gross.entry(key).or_insert(0.0) += q.abs();
                }
            }
        };
        for sh in &plan.shipments {
            let q = sh.quantity.max(0.0);
            flow((sh.node, sh.sku), sh.ship.max(0), -q);
            if let Some(x) = node_out.get_mut(&(sh.node, sh.ship)) {
                *x += q;
            }
            if let Some(x) = sh.lane.and_then(|l| lane_out.get_mut(&(l, sh.ship))) {
                *x += q;
            }
        }
        for t in &plan.transfers {
            let q = t.quantity.max(0.0);
            let l = s.lane(t.lane);
            flow((l.from, t.sku), t.ship.max(0), -q);
            flow((l.to, t.sku), t.ship + Day::from(l.lead_time), q);
            if let Some(x) = node_out.get_mut(&(l.from, t.ship)) {
                *x += q;
            }
            if let Some(x) = lane_out.get_mut(&(t.lane, t.ship)) {
                *x += q;
            }
        }
        let expedited = flags(s, plan);
        for (i, r) in s.inbound.iter().enumerate() {
            if let Some(d) = r.arrival(expedited[i]) {
                flow((r.node, r.sku), Day::from(d), r.quantity);
            }
        }
        for u in units {
            for (k, days) in &u.stock {
                *gross.entry(*k).or_insert(0.0) += days.iter().map(|(_, q)| q.abs()).sum::<f64>();
            }
        }
        for (k, st) in stock.iter_mut() {
            st.tol = tolerance(st.start + gross.get(k).copied().unwrap_or(0.0));
        }
        Ledger {
            stock,
            node_out,
            lane_out,
        }
    }

    /// Every breach among `resources` in the current state.
    pub fn breaches(&self, s: &Scenario, resources: &[Resource]) -> Vec<Breach> {
        let view = Overlay::new(self);
        resources
            .iter()
            .filter_map(|r| view.breach(s, *r))
            .collect()
    }

    /// Makes a change computed by an overlay the ledger's state.
    pub fn apply_change(&mut self, c: Change) {
        self.stock.extend(c.stock);
        self.node_out.extend(c.node_out);
        self.lane_out.extend(c.lane_out);
    }
}

/// The resource states an overlay computed, detached from the ledger it read.
pub struct Change {
    stock: BTreeMap<(NodeIx, SkuIx), Stock>,
    node_out: BTreeMap<(NodeIx, Day), f64>,
    lane_out: BTreeMap<(LaneIx, Day), f64>,
}

/// Units applied on top of a ledger, without changing it.
pub struct Overlay<'a> {
    base: &'a Ledger,
    stock: BTreeMap<(NodeIx, SkuIx), Stock>,
    node_out: BTreeMap<(NodeIx, Day), f64>,
    lane_out: BTreeMap<(LaneIx, Day), f64>,
    /// Fixed charges switched on minus switched off, in money.
    pub fixed_delta: f64,
    /// Sum of the units' own costs.
    pub own_cost: f64,
    /// Resources touched so far, in first-touch order (the order breaches are looked for).
    pub touched: Vec<Resource>,
    seen: rustc_hash::FxHashSet<Resource>,
    /// Resources `first_breach` found unbroken that no unit applied since touches: their
    /// state, and so their margin, is what it was then.
    clean: rustc_hash::FxHashSet<Resource>,
    /// Per lane-day with a fixed charge that the units changed, how far every flow it held
    /// here (before the first unit, and after each) stayed from the departure threshold,
    /// upwards and downwards: while later changes raise the flow by less than the one and
    /// lower it by less than the other, every switch `apply` made here, and so
    /// `fixed_delta` bit for bit, comes out the same.
    pub switches: BTreeMap<(LaneIx, Day), Switch>,
}

fn departs(q: f64) -> bool {
    q > TOLERANCE
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a Ledger) -> Self {
        Overlay {
            base,
            stock: BTreeMap::new(),
            node_out: BTreeMap::new(),
            lane_out: BTreeMap::new(),
            fixed_delta: 0.0,
            own_cost: 0.0,
            touched: Vec::new(),
            seen: rustc_hash::FxHashSet::default(),
            clean: rustc_hash::FxHashSet::default(),
            switches: BTreeMap::new(),
        }
    }

    pub fn into_change(self) -> Change {
        Change {
            stock: self.stock,
            node_out: self.node_out,
            lane_out: self.lane_out,
        }
    }

    /// The cost change of everything applied: positive = dearer.
    pub fn cost_delta(&self) -> f64 {
        self.own_cost + self.fixed_delta
    }

    pub fn apply(&mut self, s: &Scenario, u: &Unit) {
        self.own_cost += u.own_cost;
        for r in &u.resources {
            if self.seen.insert(*r) {
                self.touched.push(*r);
            }
            self.clean.remove(r);
        }
        for (k, days) in &u.stock {
            let st = self
                .stock
                .entry(*k)
                .or_insert_with(|| self.base.stock[k].clone());
            for &(d, q) in days {
                st.flow[d as usize] += q;
            }
        }
        for &(k, q) in &u.node_out {
            *self
                .node_out
                .entry(k)
                .or_insert_with(|| self.base.node_out[&k]) += q;
        }
        for &(k, q) in &u.lane_out {
            let before = *self.lane_out.get(&k).unwrap_or(&self.base.lane_out[&k]);
            let after = before + q;
            let fixed = s.lane(k.0).fixed_cost_per_day;
            match (departs(before), departs(after)) {
                (false, true) => self.fixed_delta += fixed,
                (true, false) => self.fixed_delta -= fixed,
                _ => {}
            }
            if fixed > 0.0 {
                let m = self.switches.entry(k).or_insert(Switch::UNBREAKABLE);
                for q in [before, after] {
                    m.saw(q);
                }
            }
            self.lane_out.insert(k, after);
        }
    }

    /// The stock of `(node, sku)` in this state.
    fn stock_at(&self, node: NodeIx, sku: SkuIx) -> Option<&Stock> {
        self.stock
            .get(&(node, sku))
            .or_else(|| self.base.stock.get(&(node, sku)))
    }

    /// The units leaving `node` on `day` in this state.
    fn leaving_node(&self, node: NodeIx, day: Day) -> Option<f64> {
        self.node_out
            .get(&(node, day))
            .or_else(|| self.base.node_out.get(&(node, day)))
            .copied()
    }

    /// The units departing on `lane` on `day` in this state.
    fn leaving_lane(&self, lane: LaneIx, day: Day) -> Option<f64> {
        self.lane_out
            .get(&(lane, day))
            .or_else(|| self.base.lane_out.get(&(lane, day)))
            .copied()
    }

    pub fn breach(&self, s: &Scenario, r: Resource) -> Option<Breach> {
        self.state(s, r).err()
    }

    /// `r` in this state: broken, or how far from it ([`Margin::UNBREAKABLE`] for an order,
    /// a node or lane without capacity, or a resource no unit touches).
    fn state(&self, s: &Scenario, r: Resource) -> Result<Margin, Breach> {
        match r {
            Resource::Order(_) => Ok(Margin::UNBREAKABLE),
            Resource::Stock(node, sku) => match self.stock_at(node, sku) {
                None => Ok(Margin::UNBREAKABLE),
                Some(st) => st.scan().map_err(|(day, b)| Breach::Stock {
                    node,
                    sku,
                    day,
                    deficit: -b,
                }),
            },
            Resource::NodeDay(node, day) => day_capacity(
                self.leaving_node(node, day),
                s.node(node).ship_capacity_per_day,
                |excess| Breach::Node { node, day, excess },
            ),
            Resource::LaneDay(lane, day) => day_capacity(
                self.leaving_lane(lane, day),
                s.lane(lane).capacity_per_day,
                |excess| Breach::Lane { lane, day, excess },
            ),
        }
    }

    /// The first breach among the touched resources (and `also`), in touch order. Each
    /// resource looked at and found unbroken lowers its entry in `margins` to its margin
    /// (entries are added as needed). A resource found unbroken by an earlier call and
    /// touched by no unit since is skipped: it is still unbroken, at the same margin.
    pub fn first_breach(
        &mut self,
        s: &Scenario,
        also: &[Resource],
        margins: &mut Vec<(Resource, Margin)>,
    ) -> Option<Breach> {
        for r in also.iter().chain(self.touched.iter()) {
            if self.clean.contains(r) {
                continue;
            }
            let m = match self.state(s, *r) {
                Err(b) => return Some(b),
                Ok(m) => m,
            };
            lower(margins, *r, m);
            self.clean.insert(*r);
        }
        None
    }
}

/// Lowers `r`'s entry in `margins` to `m` when `m` is the smaller (adding the entry when
/// there is none).
pub fn lower(margins: &mut Vec<(Resource, Margin)>, r: Resource, m: Margin) {
    match margins.iter_mut().find(|(x, _)| *x == r) {
        Some((_, old)) => {
            if m.slack < old.slack {
                *old = m;
            }
        }
        None => margins.push((r, m)),
    }
}

/// A node's or lane's day with `used` units leaving against `cap`: broken (`breach` of the
/// excess), or how far from it; unbreakable without a capacity or without units.
fn day_capacity(
    used: Option<f64>,
    cap: Option<f64>,
    breach: impl FnOnce(f64) -> Breach,
) -> Result<Margin, Breach> {
    match (used, cap) {
        (Some(q), Some(cap)) if exceeds(q, cap) => Err(breach(q - cap)),
        (Some(q), Some(cap)) => Ok(Margin::capacity(q, cap)),
        _ => Ok(Margin::UNBREAKABLE),
    }
}

/// How far a resource is from a breach: the least of balance plus tolerance over the days
/// for stock, capacity plus tolerance minus the units leaving for a node or a lane on a
/// day; and the tolerance it was measured with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margin {
    pub slack: f64,
    pub tol: f64,
}

impl Margin {
    /// A resource that nothing can break (an order, a node or lane without capacity).
    pub const UNBREAKABLE: Margin = Margin {
        slack: f64::INFINITY,
        tol: 0.0,
    };

    /// A resource the closure never looked at unbroken: any loss may break it.
    pub const NONE: Margin = Margin {
        slack: 0.0,
        tol: 0.0,
    };

    fn capacity(q: f64, cap: f64) -> Margin {
        let tol = tolerance(q.abs().max(cap.abs()));
        Margin {
            slack: cap + tol - q,
            tol,
        }
    }
}

/// How far the flows a closure saw on a lane-day with a fixed charge stay from switching
/// it: `rise`, how much more flow switches on one that did not depart; `fall`, how much
/// less switches off one that did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Switch {
    pub rise: Margin,
    pub fall: Margin,
}

impl Switch {
    const UNBREAKABLE: Switch = Switch {
        rise: Margin::UNBREAKABLE,
        fall: Margin::UNBREAKABLE,
    };

    /// Lowers the margin on the side of the threshold that flow `q` is on.
    fn saw(&mut self, q: f64) {
        let n = Margin {
            slack: (q - TOLERANCE).abs(),
            tol: tolerance(q),
        };
        let side = if departs(q) {
            &mut self.fall
        } else {
            &mut self.rise
        };
        if n.slack < side.slack {
            *side = n;
        }
    }
}
