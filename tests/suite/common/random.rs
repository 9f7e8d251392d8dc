//! Random scenarios for property tests.
//!
//! `scenario_from_seed(seed)` builds a small scenario document (SCENARIO.md section 2) from a
//! 64-bit seed, deterministically, with a hand-rolled splitmix64 generator. Every document it
//! builds passes validation, and each is small enough for the MIP to solve in well under a
//! second: 1-3 SKUs, 1-3 stock-holding nodes, 1-3 customer zones, a horizon of 3-10 days and
//! 1-8 orders (plus up to 2 surge orders per `demand_surge`).
//!
//! Building the whole document from one seed keeps it valid by construction (every
//! reference is chosen among entities that exist, every plan among routes that exist); the
//! price is that proptest shrinks the seed, not the structure. A failing case is reproduced
//! with `scenario_from_seed(seed)` and the seed that proptest prints.
//!
//! `frozen_free(seed)` is the same document with every `frozen: true` taken out: the
//! baseline of a scenario whose frozen orders cannot be kept is infeasible by definition, so
//! some properties only hold without frozen orders.
//!
//! Re-exported by `common`: the tests call `common::small_scenario()` and the like.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use recourse::scenario::wire::*;
use std::collections::HashMap;

/// The `as_of` of the bundled datasets (a Friday); most generated scenarios use it.
pub const FIXED_AS_OF: &str = "2026-11-27";

/// A scenario from any seed (frozen orders included, so the baseline may be infeasible).
pub fn small_scenario() -> impl Strategy<Value = ScenarioDoc> {
    any::<u64>().prop_map(scenario_from_seed)
}

/// A scenario from any seed without frozen orders.
pub fn small_scenario_frozen_free() -> impl Strategy<Value = ScenarioDoc> {
    any::<u64>().prop_map(frozen_free)
}

/// The scenario of a seed, with frozen orders in some of them.
pub fn scenario_from_seed(seed: u64) -> ScenarioDoc {
    generate(seed, true)
}

/// The scenario of a seed without any frozen order: `scenario_from_seed(seed)` with every
/// `frozen: true` removed, and otherwise identical.
pub fn frozen_free(seed: u64) -> ScenarioDoc {
    generate(seed, false)
}

/// splitmix64: tiny, fast, good enough to pick test data, and stable across platforms.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (the modulo bias is negligible for the small n used here).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0);
        self.next_u64() % n
    }

    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with the given probability in percent.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// A money amount in 0..=max with cents (exact through JSON: few significant digits).
    pub fn money(&mut self, max: i64) -> f64 {
        if self.chance(50) {
            self.range(0, max) as f64
        } else {
            self.range(0, max * 100) as f64 / 100.0
        }
    }
}

/// One way to serve an order: a source node and a lane (`None` = local, the node is the
/// destination).
#[derive(Clone, Debug, PartialEq)]
struct Route {
    node: String,
    lane: Option<String>,
}

struct Gen {
    rng: Rng,
    allow_frozen: bool,
    as_of: NaiveDate,
    horizon: i64,
    integer: bool,
    skus: Vec<String>,
    stock_nodes: Vec<String>,
    stores: Vec<String>,
    zones: Vec<String>,
    lanes: Vec<LaneDoc>,
    inbound: Vec<InboundDoc>,
}

const MODES: &[&str] = &["ground", "rail", "air", "sea"];
const CUSTOMERS: &[&str] = &[
    "ACME",
    "Brasserie Lumière",
    "Nordlicht GmbH",
    "株式会社テスト",
];

fn generate(seed: u64, allow_frozen: bool) -> ScenarioDoc {
    let mut rng = Rng::new(seed);
    let fixed = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    // Mostly the datasets' Friday; otherwise a date within a few weeks, across the year end.
    let as_of = if rng.chance(60) {
        fixed
    } else {
        fixed + Duration::days(rng.range(-20, 40))
    };
    let horizon = rng.range(3, 10);
    let integer = rng.chance(85);
    let mut g = Gen {
        rng,
        allow_frozen,
        as_of,
        horizon,
        integer,
        skus: Vec::new(),
        stock_nodes: Vec::new(),
        stores: Vec::new(),
        zones: Vec::new(),
        lanes: Vec::new(),
        inbound: Vec::new(),
    };
    g.scenario(seed)
}

impl Gen {
    fn date(&self, offset: i64) -> String {
        (self.as_of + Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    }

    /// The size of the smallest step of an order quantity: whole units, or quarters when
    /// quantities are divisible (quarters add up exactly in floating point, so planned
    /// totals can match line quantities exactly).
    fn tick(&self) -> f64 {
        if self.integer {
            1.0
        } else {
            0.25
        }
    }

    /// Ticks per unit.
    fn ticks_per_unit(&self) -> u64 {
        if self.integer {
            1
        } else {
            4
        }
    }

    /// A number of ticks in 0..=max_units units.
    fn ticks(&mut self, max_units: u64) -> u64 {
        let n = max_units * self.ticks_per_unit();
        self.rng.below(n + 1)
    }

    /// A stock-like quantity (on hand, receipt, capacity, loss) in 0..=max: whole units, or
    /// tenths when quantities are divisible.
    fn measure(&mut self, max: i64) -> f64 {
        if self.integer || self.rng.chance(30) {
            self.rng.range(0, max) as f64
        } else {
            self.rng.range(0, max * 10) as f64 / 10.0
        }
    }

    fn scenario(&mut self, seed: u64) -> ScenarioDoc {
        let skus = self.skus();
        let nodes = self.nodes();
        self.lanes();
        let stock = self.stock();
        self.inbound();

        let mut orders = Vec::new();
        let n_orders = self.rng.range(1, 8);
        // Sometimes ids from SO-10 on, whose string order differs from their number order.
        let first = if self.rng.chance(25) { 6 } else { 1 };
        for k in 0..n_orders {
            let id = format!("SO-{}", first + k);
            orders.push(self.order(id));
        }
        let disruptions = self.disruptions();
        let policy = self.policy(&orders, &disruptions);

        ScenarioDoc {
            format: SCENARIO_FORMAT.to_owned(),
            id: format!("random-{seed:016x}"),
            as_of: self.as_of.format("%Y-%m-%d").to_string(),
            horizon_days: self.horizon,
            currency: self.rng.chance(50).then(|| "EUR".to_owned()),
            skus,
            nodes,
            lanes: self.lanes.clone(),
            stock,
            inbound: self.inbound.clone(),
            orders,
            disruptions,
            policy,
        }
    }

    fn skus(&mut self) -> Vec<SkuDoc> {
        let n = self.rng.range(1, 3);
        (1..=n)
            .map(|k| {
                let id = format!("SKU-{k}");
                self.skus.push(id.clone());
                SkuDoc {
                    id,
                    name: self.rng.chance(50).then(|| format!("Product {k}")),
                }
            })
            .collect()
    }

    fn nodes(&mut self) -> Vec<NodeDoc> {
        let mut out = Vec::new();
        for k in 1..=self.rng.range(1, 3) {
            let (kind, prefix) = *self.rng.pick(&[
                (NodeKind::Plant, "PL"),
                (NodeKind::Dc, "DC"),
                (NodeKind::Store, "ST"),
            ]);
            let id = format!("{prefix}-{k}");
            let cap = self.rng.chance(30).then(|| self.measure(100));
            self.stock_nodes.push(id.clone());
            if kind == NodeKind::Store {
                self.stores.push(id.clone());
            }
            out.push(NodeDoc {
                id,
                kind,
                ship_capacity_per_day: cap,
                name: None,
                location: None,
            });
        }
        for k in 1..=self.rng.range(1, 3) {
            let id = format!("Z-{k}");
            self.zones.push(id.clone());
            out.push(NodeDoc {
                id,
                kind: NodeKind::Customer,
                ship_capacity_per_day: None,
                name: None,
                location: None,
            });
        }
        if self.rng.chance(30) {
            self.rng.shuffle(&mut out);
        }
        out
    }

    fn lane(&mut self, from: &str, to: &str, mode: &str) -> LaneDoc {
        let id = format!("L{}-{from}-{to}", self.lanes.len() + 1);
        let departure_days = if self.rng.chance(20) {
            if self.rng.chance(15) {
                Some(Vec::new())
            } else {
                let mask = self.rng.range(1, 127);
                Some(
                    Weekday::ALL
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, d)| *d)
                        .collect(),
                )
            }
        } else {
            None
        };
        LaneDoc {
            id,
            from: from.to_owned(),
            to: to.to_owned(),
            mode: mode.to_owned(),
            lead_time_days: self.rng.range(0, 3),
            cost_per_unit: self.rng.money(50),
            fixed_cost_per_day: self.rng.chance(30).then(|| self.rng.money(50)),
            capacity_per_day: self.rng.chance(25).then(|| self.measure(100)),
            departure_days,
        }
    }

    fn lanes(&mut self) {
        // Transfers between stock-holding nodes.
        if self.stock_nodes.len() >= 2 {
            for _ in 0..self.rng.range(0, 3) {
                let mut pair = self.stock_nodes.clone();
                self.rng.shuffle(&mut pair);
                let mode = *self.rng.pick(MODES);
                let lane = self.lane(&pair[0], &pair[1], mode);
                self.lanes.push(lane);
            }
        }
        // Every zone is served from at least one stock-holding node, sometimes by two modes.
        for z in self.zones.clone() {
            let mut sources = self.stock_nodes.clone();
            self.rng.shuffle(&mut sources);
            let n = self.rng.range(1, sources.len() as i64) as usize;
            for s in &sources[..n] {
                let lane = self.lane(s, &z, "ground");
                self.lanes.push(lane);
                if self.rng.chance(25) {
                    let mode = *self.rng.pick(&MODES[1..]);
                    let lane = self.lane(s, &z, mode);
                    self.lanes.push(lane);
                }
            }
        }
    }

    fn stock(&mut self) -> Vec<StockDoc> {
        let mut out = Vec::new();
        for n in self.stock_nodes.clone() {
            for s in self.skus.clone() {
                if !self.rng.chance(75) {
                    continue;
                }
                let on_hand = self.measure(100);
                // At most on_hand, in the same steps (whole units or tenths).
                let reserved = self.rng.chance(30).then(|| {
                    let tenths = (on_hand * 10.0).round() as i64;
                    let r = self.rng.range(0, tenths);
                    if self.integer {
                        (r / 10) as f64
                    } else {
                        r as f64 / 10.0
                    }
                });
                out.push(StockDoc {
                    node: n.clone(),
                    sku: s,
                    on_hand,
                    reserved,
                });
            }
        }
        out
    }

    fn inbound(&mut self) {
        for k in 1..=self.rng.range(0, 3) {
            let node = self.rng.pick(&self.stock_nodes).clone();
            let sku = self.rng.pick(&self.skus).clone();
            let quantity = self.measure(100);
            // From before as_of (day 0, with a warning) to beyond the horizon (never).
            let eta = self.rng.range(-1, self.horizon + 1);
            // Strictly earlier than the eta, possibly before as_of.
            let expedite = self.rng.chance(40).then(|| {
                let earlier = eta - self.rng.range(1, 3);
                ExpediteDoc {
                    eta: self.date(earlier),
                    cost: self.rng.money(50),
                }
            });
            self.inbound.push(InboundDoc {
                id: format!("PO-{k}"),
                node,
                sku,
                quantity,
                eta: self.date(eta),
                expedite,
            });
        }
    }

    /// Every route into `dest`: local when it holds stock, and every lane that ends there.
    fn routes(&self, dest: &str) -> Vec<Route> {
        let mut out = Vec::new();
        if self.stock_nodes.iter().any(|n| n == dest) {
            out.push(Route {
                node: dest.to_owned(),
                lane: None,
            });
        }
        for l in &self.lanes {
            if l.to == dest {
                out.push(Route {
                    node: l.from.clone(),
                    lane: Some(l.id.clone()),
                });
            }
        }
        out
    }

    fn order(&mut self, id: String) -> OrderDoc {
        let destination = if self.rng.chance(80) {
            self.rng.pick(&self.zones).clone()
        } else if !self.stores.is_empty() && self.rng.chance(70) {
            self.rng.pick(&self.stores).clone()
        } else {
            self.rng.pick(&self.stock_nodes).clone()
        };
        let due = self.rng.range(-2, self.horizon + 3);
        let priority = self.rng.range(1, 3);

        let mut skus = self.skus.clone();
        self.rng.shuffle(&mut skus);
        let n_lines = self.rng.range(1, 2.min(skus.len() as i64)) as usize;
        // Line quantities in ticks; now and then a line of 0 (valid, with a warning).
        let lines: Vec<(String, u64)> = skus[..n_lines]
            .iter()
            .map(|s| {
                let q = if self.rng.chance(5) {
                    0
                } else {
                    self.ticks_per_unit() + self.ticks(59)
                };
                (s.clone(), q)
            })
            .collect();

        let allow_partial = match self.rng.below(10) {
            0 | 1 => Some(false),
            2 => Some(true),
            _ => None,
        };
        let max_sources = self.rng.chance(20).then(|| self.rng.range(1, 2));
        let frozen_draw = match self.rng.below(10) {
            0 => Some(true),
            1 => Some(false),
            _ => None,
        };
        let frozen = if self.allow_frozen || frozen_draw != Some(true) {
            frozen_draw
        } else {
            None
        };

        // The plan may only use routes from at most `max_sources` nodes.
        let mut routes = self.routes(&destination);
        if let Some(m) = max_sources {
            let mut nodes: Vec<String> = routes.iter().map(|r| r.node.clone()).collect();
            nodes.sort();
            nodes.dedup();
            self.rng.shuffle(&mut nodes);
            nodes.truncate(m as usize);
            routes.retain(|r| nodes.contains(&r.node));
        }
        let plan = if self.rng.chance(20) {
            Vec::new()
        } else if allow_partial == Some(false) {
            self.complete_plan(&lines, &routes)
        } else {
            self.partial_plan(&lines, &routes)
        };

        OrderDoc {
            id,
            customer: self
                .rng
                .chance(70)
                .then(|| self.rng.pick(CUSTOMERS).to_string()),
            destination,
            due: self.date(due),
            priority,
            lines: lines
                .iter()
                .map(|(s, q)| LineDoc {
                    sku: s.clone(),
                    quantity: *q as f64 * self.tick(),
                })
                .collect(),
            plan,
            allow_partial,
            max_sources,
            frozen,
            late_penalty_per_unit_day: self.rng.chance(15).then(|| self.rng.money(50)),
            short_penalty_per_unit: self.rng.chance(15).then(|| self.rng.money(500)),
        }
    }

    /// A planned ship date: a day of the horizon, now and then a date before `as_of` (taken
    /// as day 0 with a warning). Returns the offset written and the day it stands for.
    fn ship_offset(&mut self) -> (i64, i64) {
        if self.rng.chance(5) {
            let d = self.rng.range(-2, -1);
            (d, 0)
        } else {
            let d = self.rng.range(0, self.horizon - 1);
            (d, d)
        }
    }

    /// Splits `total` ticks into `parts` parts (some may be 0).
    fn split(&mut self, total: u64, parts: usize) -> Vec<u64> {
        let mut cuts: Vec<u64> = (1..parts).map(|_| self.rng.below(total + 1)).collect();
        cuts.push(0);
        cuts.push(total);
        cuts.sort_unstable();
        cuts.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Ship complete: every line in full, every entry on one day.
    fn complete_plan(&mut self, lines: &[(String, u64)], routes: &[Route]) -> Vec<PlanEntryDoc> {
        let (offset, _) = self.ship_offset();
        let mut out = Vec::new();
        for (sku, q) in lines {
            let mut rs = routes.to_vec();
            self.rng.shuffle(&mut rs);
            let n = self.rng.range(1, 2.min(rs.len() as i64)) as usize;
            for (r, part) in rs.iter().zip(self.split(*q, n)) {
                out.push(self.entry(sku, r, offset, part));
            }
        }
        out
    }

    /// At most each line's quantity per SKU, over any routes and days, one entry per key.
    fn partial_plan(&mut self, lines: &[(String, u64)], routes: &[Route]) -> Vec<PlanEntryDoc> {
        let mut out: Vec<PlanEntryDoc> = Vec::new();
        // (sku, route, day) -> entry index, to merge what would be a duplicate key.
        let mut keys: HashMap<(String, usize, i64), usize> = HashMap::new();
        for (sku, q) in lines {
            if self.rng.chance(15) {
                continue;
            }
            let total = if self.rng.chance(60) {
                *q
            } else {
                self.rng.below(q + 1)
            };
            let parts = self.rng.range(1, 3) as usize;
            for part in self.split(total, parts) {
                let r = self.rng.below(routes.len() as u64) as usize;
                let (offset, day) = self.ship_offset();
                match keys.get(&(sku.clone(), r, day)) {
                    Some(&i) => out[i].quantity += part as f64 * self.tick(),
                    None => {
                        keys.insert((sku.clone(), r, day), out.len());
                        out.push(self.entry(sku, &routes[r], offset, part));
                    }
                }
            }
        }
        if self.rng.chance(30) {
            self.rng.shuffle(&mut out);
        }
        out
    }

    fn entry(&self, sku: &str, r: &Route, offset: i64, ticks: u64) -> PlanEntryDoc {
        PlanEntryDoc {
            sku: sku.to_owned(),
            node: r.node.clone(),
            lane: r.lane.clone(),
            ship: self.date(offset),
            quantity: ticks as f64 * self.tick(),
        }
    }

    fn disruptions(&mut self) -> Vec<DisruptionDoc> {
        let mut out = Vec::new();
        let mut surges = 0;
        for _ in 0..self.rng.range(0, 4) {
            let mut kind = self.rng.below(7);
            if kind <= 1 && self.inbound.is_empty() {
                kind = 2;
            }
            let d = match kind {
                0 => {
                    let r = self.rng.pick(&self.inbound).clone();
                    let eta = (NaiveDate::parse_from_str(&r.eta, "%Y-%m-%d").unwrap() - self.as_of)
                        .num_days();
                    // Mostly later; now and then earlier or anywhere in the horizon.
                    let new = if self.rng.chance(80) {
                        eta + self.rng.range(1, 4)
                    } else {
                        self.rng.range(-1, self.horizon + 1)
                    };
                    DisruptionDoc::InboundDelay {
                        inbound: r.id,
                        eta: self.date(new),
                    }
                }
                1 => DisruptionDoc::InboundCancel {
                    inbound: self.rng.pick(&self.inbound).id.clone(),
                },
                2 => DisruptionDoc::StockLoss {
                    node: self.rng.pick(&self.stock_nodes).clone(),
                    sku: self.rng.pick(&self.skus).clone(),
                    quantity: self.measure(60),
                },
                3 => {
                    let node = if self.rng.chance(10) {
                        self.rng.pick(&self.zones).clone()
                    } else {
                        self.rng.pick(&self.stock_nodes).clone()
                    };
                    let from = self.rng.range(-2, self.horizon);
                    let until = from + self.rng.range(0, 3);
                    DisruptionDoc::NodeOutage {
                        node,
                        from: self.date(from),
                        until: self.date(until),
                    }
                }
                4 => {
                    let from = self.rng.range(-2, self.horizon);
                    let until = from + self.rng.range(0, 3);
                    DisruptionDoc::LaneOutage {
                        lane: self.rng.pick(&self.lanes).id.clone(),
                        from: self.date(from),
                        until: self.date(until),
                    }
                }
                5 => DisruptionDoc::LaneDelay {
                    lane: self.rng.pick(&self.lanes).id.clone(),
                    extra_days: self.rng.range(0, 3),
                },
                _ => {
                    let mut orders = Vec::new();
                    for _ in 0..self.rng.range(1, 2) {
                        surges += 1;
                        let mut o = self.order(format!("SURGE-{surges}"));
                        // Surge orders usually come without a plan.
                        if self.rng.chance(60) {
                            o.plan.clear();
                        }
                        orders.push(o);
                    }
                    DisruptionDoc::DemandSurge { orders }
                }
            };
            out.push(d);
        }
        out
    }

    fn policy(&mut self, orders: &[OrderDoc], disruptions: &[DisruptionDoc]) -> PolicyDoc {
        let priority_penalties = self.rng.chance(20).then(|| {
            let mut ps = vec![1, 2, 3, 4];
            self.rng.shuffle(&mut ps);
            ps.truncate(self.rng.range(1, 3) as usize);
            ps.into_iter()
                .map(|priority| PriorityPenaltyDoc {
                    priority,
                    late_per_unit_day: self.rng.money(50),
                    short_per_unit: self.rng.money(500),
                })
                .collect()
        });
        let change_penalty_per_unit = self.rng.chance(30).then(|| self.rng.money(5));
        let integer_quantities = if !self.integer {
            Some(false)
        } else if self.rng.chance(50) {
            Some(true)
        } else {
            None
        };

        let order_ids: Vec<&OrderDoc> = orders
            .iter()
            .chain(disruptions.iter().flat_map(|d| match d {
                DisruptionDoc::DemandSurge { orders } => orders.as_slice(),
                _ => &[],
            }))
            .collect();
        let mut forbid = Vec::new();
        if self.rng.chance(25) {
            for _ in 0..self.rng.range(1, 3) {
                let kind = self.rng.below(3);
                let with_expedite: Vec<&InboundDoc> = self
                    .inbound
                    .iter()
                    .filter(|r| r.expedite.is_some())
                    .collect();
                let f = match kind {
                    2 if !with_expedite.is_empty() => {
                        ForbidDoc::ExpediteInbound(self.rng.pick(&with_expedite).id.clone())
                    }
                    1 => {
                        let transfer: Vec<&LaneDoc> = self
                            .lanes
                            .iter()
                            .filter(|l| self.stock_nodes.contains(&l.to))
                            .collect();
                        let lane = if transfer.is_empty() || self.rng.chance(10) {
                            self.rng.pick(&self.lanes).id.clone()
                        } else {
                            self.rng.pick(&transfer).id.clone()
                        };
                        ForbidDoc::Transfer(ForbidTransferDoc {
                            lane,
                            sku: self
                                .rng
                                .chance(50)
                                .then(|| self.rng.pick(&self.skus).clone()),
                        })
                    }
                    _ => {
                        let o = *self.rng.pick(&order_ids);
                        let routes = self.routes(&o.destination);
                        let route = self.rng.pick(&routes).clone();
                        let sku = self
                            .rng
                            .chance(50)
                            .then(|| self.rng.pick(&o.lines).sku.clone());
                        let node = self.rng.chance(50).then(|| route.node.clone());
                        let lane = match self.rng.below(3) {
                            0 => None,
                            1 => Some(None),
                            _ => Some(route.lane.clone()),
                        };
                        ForbidDoc::Shipment(ForbidShipmentDoc {
                            order: o.id.clone(),
                            sku,
                            node,
                            lane,
                        })
                    }
                };
                forbid.push(f);
            }
        }
        PolicyDoc {
            priority_penalties,
            change_penalty_per_unit,
            integer_quantities,
            forbid,
            time_limit_s: None,
            mip_gap: None,
            threads: None,
        }
    }
}

/// `PROPTEST_CASES` when set (to hunt harder by hand), else `default`. A fixed
/// `ProptestConfig::with_cases` would ignore the environment.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A property test's configuration: `cases(default)` cases that each test something. A case
/// a property does not apply to is set aside with `prop_assume!` and replaced by a new one
/// (an early `return Ok(())` would count it as a pass); up to 20 rejects per case are
/// allowed, well above the share of random scenarios any property here sets aside.
pub fn config(default: u32) -> ProptestConfig {
    let cases = cases(default);
    ProptestConfig {
        cases,
        max_global_rejects: cases.saturating_mul(20),
        ..ProptestConfig::default()
    }
}

/// The bundled tiny datasets (`datasets/tiny/`), one per feature plus the demo.
pub const TINY: &[&str] = &[
    "demand-surge",
    "demo-eu",
    "frozen-order",
    "inbound-delay",
    "inbound-expedite",
    "lane-capacity-fixed-cost",
    "lane-delay",
    "lane-outage",
    "max-sources",
    "node-outage",
    "shared-capacity",
    "ship-complete",
    "stock-loss",
];

/// A tiny dataset's document, as written in `datasets/tiny/NAME.json`.
pub fn tiny_doc(name: &str) -> ScenarioDoc {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets/tiny")
        .join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A tiny dataset, loaded and validated.
pub fn tiny_scenario(name: &str) -> recourse::scenario::domain::Scenario {
    let bytes = serde_json::to_vec(&tiny_doc(name)).unwrap();
    recourse::scenario::validate::load_scenario(&bytes)
        .unwrap()
        .0
}

/// Every row, bound and integrality of `mip` holds at `x` (to HiGHS's tolerances).
pub fn assert_feasible(mip: &recourse::optimize::mip::Mip, x: &[f64]) {
    assert_eq!(x.len(), mip.num_cols());
    for (j, &v) in x.iter().enumerate() {
        assert!(
            mip.col_lower[j] - 1e-6 <= v && v <= mip.col_upper[j] + 1e-6,
            "x{j} = {v} is outside [{}, {}]",
            mip.col_lower[j],
            mip.col_upper[j]
        );
        if mip.integer[j] {
            assert!((v - v.round()).abs() <= 1e-6, "x{j} = {v} is not integral");
        }
    }
    for r in 0..mip.num_rows() {
        let a: f64 = mip.row(r).map(|(v, c)| c * x[v.ix()]).sum();
        let (lo, up) = (mip.row_lower[r], mip.row_upper[r]);
        assert!(
            lo - 1e-6 <= a && a <= up + 1e-6,
            "row {r}: {lo} <= {a} <= {up}"
        );
    }
}

/// The optima of the tiny datasets, each with how it is reached: hand-derived
/// (`datasets/tiny/README.md` has each scenario's data), and the demo's, proven by the solver.
pub const TINY_OPTIMA: &[(&str, f64, &str)] = &[
    (
        "inbound-delay",
        150.0,
        "20 from DC-PAR as planned (30) + 40 from DC-LYS (100) + change 40 x 0.5",
    ),
    (
        "stock-loss",
        140.0,
        "60 from DC-PAR (90) + 20 from DC-LYS (40) + change 20 x 0.5",
    ),
    (
        "node-outage",
        100.0,
        "leave DC-PAR on d0, before the outage: 75 + change 25",
    ),
    (
        "lane-outage",
        60.0,
        "PAR-LYO-G on d0, before the outage: 45 + change 15",
    ),
    (
        "lane-delay",
        92.5,
        "SO-1 leaves on d0 and arrives d5 (50 + change 12.5), SO-2 as planned (30)",
    ),
    (
        "demand-surge",
        315.0,
        "SO-URG-1 gets 30 on time, SO-1 ships 20 late from PO-1: 105 + 200 + 10",
    ),
    (
        "frozen-order",
        10130.0,
        "SO-1: 10 from DC-PAR, 20 from DC-LYS, 10 short (10000); frozen SO-2 60",
    ),
    (
        "ship-complete",
        110.0,
        "SO-2 30; SO-1 45 + 15 SKU-2 from DC-PAR (22.5) + 5 from DC-LYS (10) + change 2.5",
    ),
    ("max-sources", 100.0, "all 40 from DC-LYS (80) + change 20"),
    (
        "lane-capacity-fixed-cost",
        360.0,
        "d0: SO-1 40 + SO-3 10; d5: SO-2 30 + SO-3 10: 90 + 240 + change 30",
    ),
    (
        "inbound-expedite",
        375.0,
        "expedite PO-1 (300) and ship as planned (75)",
    ),
    (
        "shared-capacity",
        14047.0,
        "SO-A 6, SO-B 5, SO-C 5 over transfers (32 + T-1-2's 3), 14 short (14000), change 12",
    ),
    (
        "demo-eu",
        1200.0,
        "proven by the solver; the golden proposals show the plan",
    ),
];

/// The optimum of the tiny dataset `name` in [`TINY_OPTIMA`].
pub fn tiny_optimum(name: &str) -> f64 {
    TINY_OPTIMA
        .iter()
        .find(|(n, _, _)| *n == name)
        .unwrap_or_else(|| panic!("no tiny dataset {name}"))
        .1
}

/// Solver options for tests that assert exact optima: no gap, one thread (deterministic),
/// and a limit no test scenario comes near.
pub fn exact() -> recourse::optimize::highs::SolveOptions {
    recourse::optimize::highs::SolveOptions {
        time_limit_s: 60.0,
        mip_gap: 0.0,
        threads: 1,
        ..recourse::optimize::highs::SolveOptions::default()
    }
}
