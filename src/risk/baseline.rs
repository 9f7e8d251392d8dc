//! The do-nothing baseline of `../shared/SCENARIO.md` section 4: what happens if nobody acts.
//!
//! Each planned shipment keeps its node and lane and leaves on its planned day if it can,
//! else on the first later day it can. Frozen shipments are commitments, set aside before
//! anything else; the others are served day by day in (priority, due, order id, sku, plan
//! position) order. Besides the plan, the simulation records why each planned shipment did
//! not leave in full when due (the risk stage turns that into reasons).

use crate::plan::{Plan, Shipment};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use rayon::slice::ParallelSliceMut;
use std::collections::HashMap;

/// Tolerance for comparing unit counts that went through floating point sums.
const EPS: f64 = 1e-9;

#[derive(Clone, Debug, Default)]
pub struct Baseline {
    pub plan: Plan,
    /// Frozen commitments the baseline cannot keep; empty when it keeps them all.
    pub unkept_frozen: Vec<UnkeptFrozen>,
    /// Per order, per plan entry: what happened to it.
    pub fates: Vec<Vec<EntryFate>>,
}

impl Baseline {
    pub fn keeps_frozen(&self) -> bool {
        self.unkept_frozen.is_empty()
    }
}

/// Why a frozen order's plan cannot be executed as it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct UnkeptFrozen {
    pub order: OrderIx,
    pub why: FrozenProblem,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FrozenProblem {
    /// Its source node is closed on the planned day.
    NodeClosed {
        node: NodeIx,
        day: Day,
    },
    /// Its lane does not depart on the planned day.
    NoDeparture {
        lane: LaneIx,
        day: Day,
    },
    /// The projected balance of (node, sku) goes negative on `day`, by `missing` units.
    Stock {
        node: NodeIx,
        sku: SkuIx,
        day: Day,
        missing: f64,
    },
    NodeCapacity {
        node: NodeIx,
        day: Day,
        excess: f64,
    },
    LaneCapacity {
        lane: LaneIx,
        day: Day,
        excess: f64,
    },
}

/// What happened to one planned shipment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryFate {
    /// (day, units) it left on.
    pub left: Vec<(Day, f64)>,
    /// The first time each kind of limit held it back, while it was due.
    pub holdbacks: Vec<Holdback>,
}

impl EntryFate {
    pub fn shipped(&self) -> f64 {
        self.left.iter().map(|x| x.1).sum()
    }
}

/// What held a shipment back, before the names of who took the resource are looked up.
#[derive(Clone, Copy)]
enum Held {
    NodeClosed,
    NoDeparture,
    /// Free stock, or the whole units of it.
    Stock(f64),
    NodeCapacity,
    LaneCapacity,
    Block,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Holdback {
    NodeClosed {
        day: Day,
    },
    NoDeparture {
        day: Day,
    },
    /// Not enough stock free for it; `takers` had taken or set aside stock of this (node,
    /// sku) before it.
    Stock {
        day: Day,
        free: f64,
        takers: Vec<OrderIx>,
    },
    NodeCapacity {
        day: Day,
        takers: Vec<OrderIx>,
    },
    LaneCapacity {
        day: Day,
        takers: Vec<OrderIx>,
    },
    /// A ship-complete order whose other shipments could not leave in full that day.
    Block {
        day: Day,
    },
}

/// Per (node, sku) in use: the most non-frozen shipments may have taken by each day, and
/// what they have taken.
struct StockState {
    /// min over t' >= t of (available at 0 + receipts by t' - frozen shipments by t').
    cap: Vec<f64>,
    taken: f64,
    takers: Vec<OrderIx>,
}

/// Resource use per (thing, day), with who used it.
struct DayUse {
    used: Vec<f64>,
    users: Vec<Vec<OrderIx>>,
}

impl DayUse {
    fn new(things: usize, h: usize) -> Self {
        Self {
            used: vec![0.0; things * h],
            users: vec![Vec::new(); things * h],
        }
    }
}

struct Sim<'a> {
    s: &'a Scenario,
    h: usize,
    /// Indexed by the dense (node, sku) ids of `pair_of`.
    stock: Vec<StockState>,
    /// Per order, per plan entry: the dense id of its (node, sku).
    pair_of: Vec<Vec<usize>>,
    node_use: DayUse,
    lane_use: DayUse,
    integer: bool,
}

/// One unit of service: a plan entry, or a ship-complete order's entries together. Kept
/// small and flat: the day loop walks every job every day.
struct Job {
    order: OrderIx,
    /// Plan entries `start..end` of the order.
    start: u32,
    end: u32,
    /// The first day all of them are due.
    ready: Day,
    partial: bool,
}

impl Job {
    fn entries(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

pub fn simulate(s: &Scenario) -> Baseline {
    let h = s.horizon as usize;
    let mut sim = Sim {
        s,
        h,
        stock: Vec::new(),
        pair_of: Vec::new(),
        node_use: DayUse::new(s.nodes.len(), h),
        lane_use: DayUse::new(s.lanes.len(), h),
        integer: s.policy.integer_quantities,
    };
    let mut out = Baseline {
        fates: s
            .orders
            .iter()
            .map(|o| vec![EntryFate::default(); o.plan.len()])
            .collect(),
        ..Baseline::default()
    };
    sim.set_aside_frozen(&mut out);

    let jobs = jobs_in_serving_order(s);
    let ready_on = ready_on_each_day(&jobs, h);
    let mut remaining: Vec<Vec<f64>> = s
        .orders
        .iter()
        .map(|o| o.plan.iter().map(|e| e.quantity).collect())
        .collect();
    // The jobs ready and not yet served in full, by their place in the serving order: a job
    // joins on the day it becomes ready and leaves once nothing of it remains, so each day
    // serves exactly the ready jobs with something left, in serving order.
    let mut waiting: Vec<usize> = Vec::new();
    for (t, ready) in ready_on.iter().enumerate() {
        waiting = merge_sorted(&waiting, ready);
        waiting.retain(|&j| {
            let (job, rem) = (&jobs[j], &remaining[jobs[j].order.ix()]);
            job.entries().any(|e| rem[e] > EPS)
        });
        let t = t as Day;
        for job in waiting.iter().map(|&j| &jobs[j]) {
            if job.partial {
                for e in job.entries() {
                    sim.serve_entry(job.order, e, t, &mut remaining, &mut out);
                }
            } else {
                sim.serve_block(job, t, &mut remaining, &mut out);
            }
        }
    }
    out
}

/// The places in `jobs` of the jobs that become ready on each day of the horizon (day 0
/// also takes those ready before it), ascending; a job ready after the horizon is in none.
fn ready_on_each_day(jobs: &[Job], h: usize) -> Vec<Vec<usize>> {
    let mut on = vec![Vec::new(); h];
    for (j, job) in jobs.iter().enumerate() {
        if let Some(day) = on.get_mut(usize::try_from(job.ready.max(0)).unwrap_or(usize::MAX)) {
            day.push(j);
        }
    }
    on
}

/// Two ascending lists with nothing in common (a job becomes ready on one day), merged into
/// one ascending list.
fn merge_sorted(a: &[usize], b: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// A frozen plan entry: (day, order, position in the plan, units).
type FrozenEntry = (Day, OrderIx, usize, f64);

/// The dense id of each (node, sku) that a plan ships from.
type PairIds = HashMap<(NodeIx, SkuIx), usize>;

/// Where a job comes in section 4's serving order: (priority, due, order id, sku, position).
type ServingKey<'a> = (u32, Day, &'a str, &'a str, usize);

/// Non-frozen work in the order of section 4: (priority, due, order id, sku, position),
/// a ship-complete order as one block at the place of its first line.
fn jobs_in_serving_order(s: &Scenario) -> Vec<Job> {
    let mut keyed: Vec<(ServingKey, Job)> = Vec::new();
    for (oi, o) in s.orders.iter().enumerate() {
        if o.frozen || o.plan.is_empty() {
            continue;
        }
        let order = OrderIx::new(oi);
        if o.allow_partial {
            for (e, entry) in o.plan.iter().enumerate() {
                keyed.push((
                    (
                        o.priority,
                        o.due,
                        o.id.as_str(),
                        s.sku(entry.sku).id.as_str(),
                        e,
                    ),
                    Job {
                        order,
                        start: e as u32,
                        end: e as u32 + 1,
                        ready: i64::from(entry.ship),
                        partial: true,
                    },
                ));
            }
        } else {
            let first = o.lines.first().map_or("", |l| s.sku(l.sku).id.as_str());
            keyed.push((
                (o.priority, o.due, o.id.as_str(), first, 0),
                Job {
                    order,
                    start: 0,
                    end: o.plan.len() as u32,
                    ready: o.plan.iter().map(|e| i64::from(e.ship)).max().unwrap_or(0),
                    partial: false,
                },
            ));
        }
    }
    // Keys are unique (they end in the plan position), so an unstable sort is exact.
    keyed.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, j)| j).collect()
}

impl Sim<'_> {
    /// Sets aside what the frozen orders' shipments take before anyone else is served: their
    /// stock (`self.stock`'s caps) and their node and lane capacity, each (node, sku) shipped
    /// from indexed in `self.pair_of`; every rule they break is in `out.unkept_frozen`.
    fn set_aside_frozen(&mut self, out: &mut Baseline) {
        let (pair_id, pairs) = self.index_pairs();
        let (outflow, mut frozen_orders) = self.ship_frozen(pairs.len(), out);
        let h = self.h;
        let mut inflow = vec![vec![0.0; h]; pairs.len()];
        for r in &self.s.inbound {
            if let (Some(eta), Some(&pair)) = (r.eta, pair_id.get(&(r.node, r.sku))) {
                inflow[pair][eta as usize] += r.quantity;
            }
        }
        self.project_stock(&pairs, &inflow, &outflow, &mut frozen_orders, out);
        self.unkept_for_capacity(out);
    }

    /// Fills `self.pair_of`; returns the dense id of each (node, sku) and the pairs by id.
    fn index_pairs(&mut self) -> (PairIds, Vec<(NodeIx, SkuIx)>) {
        let s = self.s;
        // Every (node, sku) that any plan ships from gets a dense id (in order of first
        // appearance, so that everything derived from them is deterministic) and a projection.
        let mut pair_id: PairIds = HashMap::new();
        let mut pairs: Vec<(NodeIx, SkuIx)> = Vec::new();
        self.pair_of = s
            .orders
            .iter()
            .map(|o| {
                o.plan
                    .iter()
                    .map(|e| {
                        *pair_id.entry((e.node, e.sku)).or_insert_with(|| {
                            pairs.push((e.node, e.sku));
                            pairs.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        (pair_id, pairs)
    }

    /// Ships the frozen orders' plans, taking their node and lane capacity, and notes in `out`
    /// their shipments and those that leave a closed node or on a day without a departure.
    /// Returns, per (node, sku) id (`pairs` of them), the frozen units shipped each day and
    /// the frozen entries.
    fn ship_frozen(
        &mut self,
        pairs: usize,
        out: &mut Baseline,
    ) -> (Vec<Vec<f64>>, Vec<Vec<FrozenEntry>>) {
        let s = self.s;
        let h = self.h;
        let mut outflow = vec![vec![0.0; h]; pairs];
        // Per pair, its frozen entries: (day, order, position in the plan, units).
        let mut frozen_orders: Vec<Vec<FrozenEntry>> = vec![Vec::new(); pairs];
        for (oi, o) in s.orders.iter().enumerate().filter(|(_, o)| o.frozen) {
            let order = OrderIx::new(oi);
            for (k, e) in o.plan.iter().enumerate() {
                let pair = self.pair_of[oi][k];
                let day = i64::from(e.ship);
                outflow[pair][e.ship as usize] += e.quantity;
                frozen_orders[pair].push((day, order, k, e.quantity));
                out.plan.shipments.push(Shipment {
                    order,
                    sku: e.sku,
                    node: e.node,
                    lane: e.lane,
                    ship: day,
                    quantity: e.quantity,
                });
                let ni = e.node.ix() * h + e.ship as usize;
                self.node_use.used[ni] += e.quantity;
                push_unique(&mut self.node_use.users[ni], order);
                if let Some(l) = e.lane {
                    let li = l.ix() * h + e.ship as usize;
                    self.lane_use.used[li] += e.quantity;
                    push_unique(&mut self.lane_use.users[li], order);
                }
                // A frozen entry of 0 units moves nothing, so no rule can break for it.
                if e.quantity <= EPS {
                    continue;
                }
                if !s.node(e.node).is_open(day) {
                    out.unkept_frozen.push(UnkeptFrozen {
                        order,
                        why: FrozenProblem::NodeClosed { node: e.node, day },
                    });
                } else if let Some(l) = e.lane.filter(|&l| !s.lane(l).departs_on(day)) {
                    out.unkept_frozen.push(UnkeptFrozen {
                        order,
                        why: FrozenProblem::NoDeparture { lane: l, day },
                    });
                }
            }
        }
        (outflow, frozen_orders)
    }

    /// Fills `self.stock`: per pair, the most the non-frozen shipments may take by each day
    /// given its `inflow` and the frozen `outflow`, the frozen orders its first takers; the
    /// frozen orders the stock cannot cover are noted in `out`.
    fn project_stock(
        &mut self,
        pairs: &[(NodeIx, SkuIx)],
        inflow: &[Vec<f64>],
        outflow: &[Vec<f64>],
        frozen_orders: &mut [Vec<FrozenEntry>],
        out: &mut Baseline,
    ) {
        let s = self.s;
        let h = self.h;
        self.stock = Vec::with_capacity(pairs.len());
        for (pair, &(node, sku)) in pairs.iter().enumerate() {
            let mut proj = vec![0.0; h];
            let mut bal = s.available_at_start(node, sku);
            for t in 0..h {
                bal += inflow[pair][t] - outflow[pair][t];
                proj[t] = bal;
            }
            if proj.iter().any(|&b| b < -EPS) {
                unkept_for_stock(s, &mut frozen_orders[pair], (node, sku), &inflow[pair], out);
            }
            let mut cap = proj;
            for t in (0..h.saturating_sub(1)).rev() {
                cap[t] = cap[t].min(cap[t + 1]);
            }
            let mut takers = Vec::new();
            for &(_, o, _, _) in &frozen_orders[pair] {
                push_unique(&mut takers, o);
            }
            self.stock.push(StockState {
                cap,
                taken: 0.0,
                takers,
            });
        }
    }

    /// Notes in `out` every frozen order that uses a node or lane on a day the frozen
    /// shipments take more than its capacity.
    fn unkept_for_capacity(&self, out: &mut Baseline) {
        let s = self.s;
        let h = self.h;
        for (n, node) in s.nodes.iter().enumerate() {
            let Some(cap) = node.ship_capacity_per_day else {
                continue;
            };
            for t in 0..h {
                let i = n * h + t;
                if self.node_use.used[i] > cap + EPS {
                    for &order in &self.node_use.users[i] {
                        out.unkept_frozen.push(UnkeptFrozen {
                            order,
                            why: FrozenProblem::NodeCapacity {
                                node: NodeIx::new(n),
                                day: t as Day,
                                excess: self.node_use.used[i] - cap,
                            },
                        });
                    }
                }
            }
        }
        for (l, lane) in s.lanes.iter().enumerate() {
            let Some(cap) = lane.capacity_per_day else {
                continue;
            };
            for t in 0..h {
                let i = l * h + t;
                if self.lane_use.used[i] > cap + EPS {
                    for &order in &self.lane_use.users[i] {
                        out.unkept_frozen.push(UnkeptFrozen {
                            order,
                            why: FrozenProblem::LaneCapacity {
                                lane: LaneIx::new(l),
                                day: t as Day,
                                excess: self.lane_use.used[i] - cap,
                            },
                        });
                    }
                }
            }
        }
    }

    /// How many units of entry `e` could leave on `t`, and what held it back if not all.
    fn room(&self, order: OrderIx, e: usize, t: Day, want: f64) -> (f64, Option<Held>) {
        let s = self.s;
        let entry = &s.order(order).plan[e];
        if !s.node(entry.node).is_open(t) {
            return (0.0, Some(Held::NodeClosed));
        }
        if let Some(l) = entry.lane {
            if !s.lane(l).departs_on(t) {
                return (0.0, Some(Held::NoDeparture));
            }
        }
        let ti = t as usize;
        let st = &self.stock[self.pair_of[order.ix()][e]];
        let free = (st.cap[ti] - st.taken).max(0.0);
        let mut room = want;
        let mut held = None;
        if free < room - EPS {
            room = free;
            held = Some(Held::Stock(free));
        }
        if let Some(cap) = s.node(entry.node).ship_capacity_per_day {
            let left = (cap - self.node_use.used[entry.node.ix() * self.h + ti]).max(0.0);
            if left < room - EPS {
                room = left;
                held = Some(Held::NodeCapacity);
            }
        }
        if let Some(l) = entry.lane {
            if let Some(cap) = s.lane(l).capacity_per_day {
                let left = (cap - self.lane_use.used[l.ix() * self.h + ti]).max(0.0);
                if left < room - EPS {
                    room = left;
                    held = Some(Held::LaneCapacity);
                }
            }
        }
        if self.integer {
            let whole = (room + 1e-6).floor();
            if whole < room - EPS && held.is_none() {
                held = Some(Held::Stock(whole));
            }
            room = whole;
        }
        (room.max(0.0), held)
    }

    /// Records what held entry `e` back on day `t`, naming the orders that took the
    /// resource first (built only the first time, since only the first is kept).
    fn note(&self, fate: &mut EntryFate, order: OrderIx, e: usize, t: Day, held: Held) {
        let entry = &self.s.order(order).plan[e];
        let ti = t as usize;
        let limit = match held {
            Held::NodeClosed => Holdback::NodeClosed { day: t },
            Held::NoDeparture => Holdback::NoDeparture { day: t },
            Held::Stock(free) => Holdback::Stock {
                day: t,
                free,
                takers: Vec::new(),
            },
            Held::NodeCapacity => Holdback::NodeCapacity {
                day: t,
                takers: Vec::new(),
            },
            Held::LaneCapacity => Holdback::LaneCapacity {
                day: t,
                takers: Vec::new(),
            },
            Held::Block => Holdback::Block { day: t },
        };
        if fate
            .holdbacks
            .iter()
            .any(|l| std::mem::discriminant(l) == std::mem::discriminant(&limit))
        {
            return;
        }
        // A shipment already waiting for stock or capacity is not held by a weekend or an
        // outage that comes later: only closures met before anything else explain a delay.
        let closure = |l: &Holdback| {
            matches!(
                l,
                Holdback::NodeClosed { .. } | Holdback::NoDeparture { .. }
            )
        };
        if closure(&limit) && !fate.holdbacks.iter().all(closure) {
            return;
        }
        let limit = match limit {
            Holdback::Stock { day, free, .. } => Holdback::Stock {
                day,
                free,
                takers: without(&self.stock[self.pair_of[order.ix()][e]].takers, order),
            },
            Holdback::NodeCapacity { day, .. } => Holdback::NodeCapacity {
                day,
                takers: without(&self.node_use.users[entry.node.ix() * self.h + ti], order),
            },
            Holdback::LaneCapacity { day, .. } => {
                let l = entry.lane.expect("a lane capacity limit has a lane");
                Holdback::LaneCapacity {
                    day,
                    takers: without(&self.lane_use.users[l.ix() * self.h + ti], order),
                }
            }
            other => other,
        };
        fate.holdbacks.push(limit);
    }

    fn take(
        &mut self,
        order: OrderIx,
        e: usize,
        t: Day,
        q: f64,
        remaining: &mut [Vec<f64>],
        out: &mut Baseline,
    ) {
        let s = self.s;
        let entry = &s.order(order).plan[e];
        let ti = t as usize;
        let st = &mut self.stock[self.pair_of[order.ix()][e]];
        st.taken += q;
        push_unique(&mut st.takers, order);
        let ni = entry.node.ix() * self.h + ti;
        self.node_use.used[ni] += q;
        push_unique(&mut self.node_use.users[ni], order);
        if let Some(l) = entry.lane {
            let li = l.ix() * self.h + ti;
            self.lane_use.used[li] += q;
            push_unique(&mut self.lane_use.users[li], order);
        }
        remaining[order.ix()][e] -= q;
        out.fates[order.ix()][e].left.push((t, q));
        out.plan.shipments.push(Shipment {
            order,
            sku: entry.sku,
            node: entry.node,
            lane: entry.lane,
            ship: t,
            quantity: q,
        });
    }

    fn serve_entry(
        &mut self,
        order: OrderIx,
        e: usize,
        t: Day,
        remaining: &mut [Vec<f64>],
        out: &mut Baseline,
    ) {
        let want = remaining[order.ix()][e];
        if want <= EPS {
            return;
        }
        let (q, held) = self.room(order, e, t, want);
        if let Some(h) = held {
            self.note(&mut out.fates[order.ix()][e], order, e, t, h);
        }
        if q > 0.0 {
            self.take(order, e, t, q, remaining, out);
        }
    }

    /// A ship-complete order: all its remaining shipments leave together in full, or none.
    fn serve_block(&mut self, job: &Job, t: Day, remaining: &mut [Vec<f64>], out: &mut Baseline) {
        let s = self.s;
        let o = s.order(job.order);
        let ti = t as usize;
        let live: Vec<usize> = job
            .entries()
            .filter(|&e| remaining[job.order.ix()][e] > EPS)
            .collect();
        // Check the entries jointly: several of them may draw on one node's capacity.
        let mut ok = true;
        let mut by_stock: HashMap<usize, f64> = HashMap::new();
        let mut by_node: HashMap<NodeIx, f64> = HashMap::new();
        let mut by_lane: HashMap<LaneIx, f64> = HashMap::new();
        for &e in &live {
            let entry = &o.plan[e];
            let q = remaining[job.order.ix()][e];
            let (room, held) = self.room(job.order, e, t, q);
            if room < q - EPS {
                ok = false;
                if let Some(h) = held {
                    self.note(&mut out.fates[job.order.ix()][e], job.order, e, t, h);
                }
            }
            *by_stock.entry(self.pair_of[job.order.ix()][e]).or_default() += q;
            *by_node.entry(entry.node).or_default() += q;
            if let Some(l) = entry.lane {
                *by_lane.entry(l).or_default() += q;
            }
        }
        if ok {
            ok = by_stock.iter().all(|(k, q)| {
                let st = &self.stock[*k];
                st.cap[ti] - st.taken >= q - EPS
            }) && by_node.iter().all(|(n, q)| {
                s.node(*n)
                    .ship_capacity_per_day
                    .is_none_or(|c| c - self.node_use.used[n.ix() * self.h + ti] >= q - EPS)
            }) && by_lane.iter().all(|(l, q)| {
                s.lane(*l)
                    .capacity_per_day
                    .is_none_or(|c| c - self.lane_use.used[l.ix() * self.h + ti] >= q - EPS)
            });
        }
        if !ok {
            for &e in &live {
                self.note(
                    &mut out.fates[job.order.ix()][e],
                    job.order,
                    e,
                    t,
                    Held::Block,
                );
            }
            return;
        }
        for &e in &live {
            let q = remaining[job.order.ix()][e];
            self.take(job.order, e, t, q, remaining, out);
        }
    }
}

/// Records a user of a resource. Only consecutive repeats are dropped here (a scan per
/// shipment would be quadratic on busy resources); `without` drops the rest when a reason
/// needs the names.
fn push_unique(v: &mut Vec<OrderIx>, o: OrderIx) {
    if v.last() != Some(&o) {
        v.push(o);
    }
}

/// The users of a resource other than `o`, each once, in the order they came.
fn without(v: &[OrderIx], o: OrderIx) -> Vec<OrderIx> {
    let mut seen = std::collections::HashSet::with_capacity(v.len());
    v.iter()
        .copied()
        .filter(|&x| x != o && seen.insert(x))
        .collect()
}

/// The frozen orders whose shipments at one (node, SKU) the stock cannot cover. The
/// shipments are taken in time order (then the serving order of section 4), each kept when
/// what the kept ones before it left covers it on its day and every later one; one that is
/// not kept takes nothing, and its order is unkept, missing what it lacks on the first day
/// it would run short. So an order whose own commitment fits is never named for a later
/// one that does not, and every commitment that cannot fit is named.
fn unkept_for_stock(
    s: &Scenario,
    entries: &mut [(Day, OrderIx, usize, f64)],
    (node, sku): (NodeIx, SkuIx),
    inflow: &[f64],
    out: &mut Baseline,
) {
    let key = |&(d, o, k, _): &(Day, OrderIx, usize, f64)| {
        let x = s.order(o);
        (d, x.priority, x.due, x.id.0.clone(), k)
    };
    entries.sort_by_cached_key(key);
    let mut bal = Vec::with_capacity(inflow.len());
    let mut b = s.available_at_start(node, sku);
    for q in inflow {
        b += q;
        bal.push(b);
    }
    let mut named: Vec<OrderIx> = Vec::new();
    for &(d, order, _, q) in entries.iter() {
        let from = d.max(0) as usize;
        let short = bal[from..].iter().position(|&b| b - q < -EPS);
        match short {
            None => bal[from..].iter_mut().for_each(|b| *b -= q),
            Some(t) if !named.contains(&order) => {
                named.push(order);
                out.unkept_frozen.push(UnkeptFrozen {
                    order,
                    why: FrozenProblem::Stock {
                        node,
                        sku,
                        day: (from + t) as Day,
                        missing: q - bal[from + t].max(0.0),
                    },
                });
            }
            Some(_) => {}
        }
    }
}
