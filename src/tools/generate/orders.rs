//! Step 2: orders, with Zipf-like SKU demand, and a current plan for each that is on time.

use super::calendar::Calendar;
use super::config::GenerateConfig;
use super::network::{short_id, Mode, Network};
use super::random::{Rng, STREAM_ORDERS};
use std::collections::HashMap;

#[derive(Clone)]
pub(super) struct GEntry {
    pub(super) sku: usize,
    pub(super) node: usize,
    pub(super) lane: Option<usize>,
    pub(super) ship: i64,
    pub(super) qty: u32,
}

#[derive(Clone)]
pub(super) struct GOrder {
    pub(super) customer: String,
    pub(super) dest: usize,
    pub(super) due: i64,
    pub(super) priority: u8,
    pub(super) lines: Vec<(usize, u32)>,
    pub(super) plan: Vec<GEntry>,
    pub(super) allow_partial: bool,
    pub(super) max_sources: Option<u32>,
    pub(super) frozen: bool,
    pub(super) late_penalty: Option<f64>,
    pub(super) short_penalty: Option<f64>,
}

pub(super) struct Book {
    pub(super) skus: Vec<(String, String)>,
    pub(super) orders: Vec<GOrder>,
    /// SKU sampling weights (cumulative), shared with the surge orders.
    pub(super) sku_cum: Vec<f64>,
    pub(super) customers: Vec<(String, usize)>,
    /// Planned units leaving per `[node][day]` and per `[lane][day]`.
    pub(super) node_use: Vec<Vec<f64>>,
    pub(super) lane_use: Vec<Vec<f64>>,
    /// Planned units leaving per (node, sku) and day, in first-use order.
    pub(super) keys: Vec<(usize, usize)>,
    pub(super) key_ix: HashMap<(usize, usize), usize>,
    pub(super) key_out: Vec<Vec<f64>>,
}

const NOUNS: [&str; 16] = [
    "Pump",
    "Valve",
    "Controller",
    "Sensor",
    "Filter",
    "Motor",
    "Bracket",
    "Hose",
    "Cable",
    "Panel",
    "Switch",
    "Bearing",
    "Gasket",
    "Fan",
    "Relay",
    "Gauge",
];
const UNITS: [&str; 4] = ["W", "mm", "V", "L"];
const FIRMS: [&str; 12] = [
    "Nord", "Sud", "Atlas", "Delta", "Orion", "Vega", "Hydro", "Metro", "Urban", "Polar", "Terra",
    "Alpine",
];
const TRADES: [&str; 10] = [
    "Supply",
    "Services",
    "Retail",
    "Industrie",
    "Logistik",
    "Hospital",
    "Builders",
    "Foods",
    "Energy",
    "Works",
];
/// Line quantities and how often they occur.
pub(super) const QTY: [(u32, f64); 14] = [
    (1, 10.0),
    (2, 10.0),
    (3, 8.0),
    (4, 6.0),
    (5, 10.0),
    (6, 5.0),
    (8, 6.0),
    (10, 10.0),
    (12, 6.0),
    (15, 6.0),
    (20, 8.0),
    (25, 5.0),
    (40, 6.0),
    (60, 4.0),
];

/// The orders of `cfg` and their plans: SKUs, their demand weights and the customers are
/// drawn first, then each order in turn with its plan.
pub(super) fn build_orders(cfg: &GenerateConfig, net: &Network, cal: &Calendar) -> Book {
    let mut rng = Rng::new(cfg.seed, STREAM_ORDERS);
    let skus = draw_skus(&mut rng, cfg.skus);
    let sku_cum = cumulative(&zipf_weights(&mut rng, cfg.skus));
    let zone_cum = cumulative(&net.zone_weight);
    let qty_cum = cumulative(&QTY.map(|q| q.1));
    let customers = draw_customers(&mut rng, cfg.orders, net, &zone_cum);
    let n = net.nodes.len();
    let mut book = Book {
        skus,
        orders: Vec::with_capacity(cfg.orders),
        sku_cum,
        customers,
        node_use: vec![vec![0.0; cal.h]; n],
        lane_use: vec![vec![0.0; cal.h]; net.lanes.len()],
        keys: Vec::new(),
        key_ix: HashMap::new(),
        key_out: Vec::new(),
    };
    for _ in 0..cfg.orders {
        let o = draw_order(&mut rng, net, cal, &book, &qty_cum);
        book.record_use(&o, cal.h);
        book.orders.push(o);
    }
    book
}

/// `count` SKUs, each named from a noun, a size and a unit.
fn draw_skus(rng: &mut Rng, count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| {
            let noun = NOUNS[rng.below(NOUNS.len())];
            let unit = UNITS[rng.below(UNITS.len())];
            let size = 5 * (1 + rng.below(40));
            (format!("SKU-{:04}", i + 1), format!("{noun} {size}{unit}"))
        })
        .collect()
}

/// Demand weights of `count` SKUs: Zipf (exponent 1) over a random ranking of them.
fn zipf_weights(rng: &mut Rng, count: usize) -> Vec<f64> {
    let mut rank: Vec<usize> = (0..count).collect();
    rng.shuffle(&mut rank);
    let mut weight = vec![0.0; count];
    for (r, &s) in rank.iter().enumerate() {
        weight[s] = 1.0 / (r as f64 + 1.0);
    }
    weight
}

/// One customer per 6 orders (at least 8), each with a name and a zone drawn by the zones'
/// weights (`zone_cum`, cumulative).
fn draw_customers(
    rng: &mut Rng,
    orders: usize,
    net: &Network,
    zone_cum: &[f64],
) -> Vec<(String, usize)> {
    let n_customers = (orders / 6).max(8);
    (0..n_customers)
        .map(|i| {
            let name = format!(
                "{} {} {}",
                FIRMS[rng.below(FIRMS.len())],
                TRADES[rng.below(TRADES.len())],
                i + 1
            );
            (name, net.zones[rng.pick_cum(zone_cum)])
        })
        .collect()
}

/// One order with its plan: a customer (or, for 4 % where there are stores, a walk-in at a
/// store), lines, priority, due date and ship-complete flag, the plan, then the rare limits
/// (sources, frozen, penalties).
fn draw_order(
    rng: &mut Rng,
    net: &Network,
    cal: &Calendar,
    book: &Book,
    qty_cum: &[f64],
) -> GOrder {
    let h = cal.h as i64;
    let store_order = !net.stores.is_empty() && rng.chance(0.04);
    let (customer, dest) = if store_order {
        let s = net.stores[rng.below(net.stores.len())];
        (format!("Walk-in {}", short_id(&net.nodes[s].id)), s)
    } else {
        let c = &book.customers[rng.below(book.customers.len())];
        (c.0.clone(), c.1)
    };
    let lines = draw_lines(rng, &book.sku_cum, qty_cum);
    let priority = match rng.below(100) {
        0..=14 => 1,
        15..=49 => 2,
        _ => 3,
    };
    let mut o = GOrder {
        customer,
        dest,
        due: rng.range(1, h + 1),
        priority,
        lines,
        plan: Vec::new(),
        allow_partial: !rng.chance(0.05),
        max_sources: None,
        frozen: false,
        late_penalty: None,
        short_penalty: None,
    };
    plan_order(rng, net, cal, &mut o, store_order);
    let sources = {
        let mut s: Vec<usize> = o.plan.iter().map(|e| e.node).collect();
        s.sort_unstable();
        s.dedup();
        s.len() as u32
    };
    if rng.chance(0.06) {
        o.max_sources = Some(sources + u32::from(rng.chance(0.3)));
    }
    o.frozen = rng.chance(0.01);
    if rng.chance(0.01) {
        o.short_penalty = Some(f64::from(500 * (1 + rng.below(6) as u32)));
    }
    if rng.chance(0.01) {
        o.late_penalty = Some(f64::from(10 * (1 + rng.below(10) as u32)));
    }
    o
}

impl Book {
    /// Adds what `o`'s plan ships to the planned use per node, lane and key (over a horizon
    /// of `h` days), noting a key the first time it is used.
    fn record_use(&mut self, o: &GOrder, h: usize) {
        for e in &o.plan {
            let d = e.ship as usize;
            let q = f64::from(e.qty);
            self.node_use[e.node][d] += q;
            if let Some(l) = e.lane {
                self.lane_use[l][d] += q;
            }
            let k = *self.key_ix.entry((e.node, e.sku)).or_insert_with(|| {
                self.keys.push((e.node, e.sku));
                self.key_out.push(vec![0.0; h]);
                self.keys.len() - 1
            });
            self.key_out[k][d] += q;
        }
    }
}

pub(super) fn cumulative(w: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    w.iter()
        .map(|&x| {
            acc += x;
            acc
        })
        .collect()
}

/// 1-3 lines (55/30/15 %) of distinct SKUs.
pub(super) fn draw_lines(rng: &mut Rng, sku_cum: &[f64], qty_cum: &[f64]) -> Vec<(usize, u32)> {
    let want = match rng.below(100) {
        0..=54 => 1,
        55..=84 => 2,
        _ => 3,
    }
    .min(sku_cum.len());
    let mut lines: Vec<(usize, u32)> = Vec::with_capacity(want);
    let mut tries = 0;
    while lines.len() < want && tries < 20 {
        tries += 1;
        let s = rng.pick_cum(sku_cum);
        if lines.iter().all(|l| l.0 != s) {
            lines.push((s, QTY[rng.pick_cum(qty_cum)].0));
        }
    }
    lines
}

/// Fills `o.plan` with a promise that is on time as planned (moving `o.due` when nothing
/// can make it): a store order is mostly collected at the store; any other order ships
/// its lines over a primary lane, sometimes partly over a second one, on the latest
/// departures that make the due date (with slack, one departure earlier).
fn plan_order(rng: &mut Rng, net: &Network, cal: &Calendar, o: &mut GOrder, store_order: bool) {
    let into = &net.into[o.dest];
    let ground: Vec<usize> = into
        .iter()
        .copied()
        .filter(|&l| net.lanes[l].mode == Mode::Ground)
        .collect();
    // Slack: ship one departure earlier than the latest that makes the due date.
    let early = rng.chance(0.3);
    if store_order && (ground.is_empty() || rng.chance(0.75)) {
        plan_pickup(o, early, cal.h as i64);
        return;
    }
    let primary = primary_lane(rng, net, into, &ground, o.priority);
    let mut parts = split_parts(rng, o, &ground, primary);
    let ships = latest_ships(net, cal, into, o.due, &mut parts);
    let ships = ship_days(net, cal, o, &parts, ships, early);
    o.plan = merge_parts(net, o, &parts, ships);
}

/// A part of an order's plan: (line index, lane, quantity).
type Part = (usize, usize, u32);

/// A store order collected at the store: every line on the due date (capped to the
/// horizon of `h` days), or the day before with `early`.
fn plan_pickup(o: &mut GOrder, early: bool, h: i64) {
    let last = o.due.min(h - 1).max(0);
    let ship = if early { (last - 1).max(0) } else { last };
    o.due = o.due.max(ship);
    o.plan = o
        .lines
        .iter()
        .map(|&(sku, qty)| GEntry {
            sku,
            node: o.dest,
            lane: None,
            ship,
            qty,
        })
        .collect();
}

/// The air lane into the destination (whose lanes in are `into`) from `lane`'s source.
fn air_of(net: &Network, into: &[usize], lane: usize) -> Option<usize> {
    let from = net.lanes[lane].from;
    into.iter()
        .copied()
        .find(|&l| net.lanes[l].mode == Mode::Air && net.lanes[l].from == from)
}

/// The primary lane: mostly the nearest source's ground lane (72 %, then 20 % the second,
/// 8 % the third); priority 1 orders sometimes fly.
fn primary_lane(
    rng: &mut Rng,
    net: &Network,
    into: &[usize],
    ground: &[usize],
    priority: u8,
) -> usize {
    let r = rng.below(100);
    let i = if r < 72 {
        0
    } else if r < 92 {
        1
    } else {
        2
    };
    let mut primary = ground[i.min(ground.len() - 1)];
    if priority == 1 && rng.chance(0.05) {
        if let Some(a) = air_of(net, into, primary) {
            primary = a;
        }
    }
    primary
}

/// The order's lines over `primary`; when partial delivery is allowed and a second ground
/// lane exists, sometimes later lines from that second source, or (more rarely) the first
/// line split over the two.
fn split_parts(rng: &mut Rng, o: &GOrder, ground: &[usize], primary: usize) -> Vec<Part> {
    let mut parts: Vec<Part> = o
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, primary, l.1))
        .collect();
    if o.allow_partial && ground.len() >= 2 {
        let other = ground.iter().copied().find(|&l| l != primary);
        if let Some(other) = other {
            if o.lines.len() >= 2 && rng.chance(0.12) {
                // Later lines from a second source.
                for p in parts.iter_mut().skip(1) {
                    if rng.chance(0.6) {
                        p.1 = other;
                    }
                }
            } else if o.lines[0].1 >= 4 && rng.chance(0.03) {
                // One line split over two sources.
                let a = o.lines[0].1 / 2;
                parts[0].2 -= a;
                parts.push((0, other, a));
            }
        }
    }
    parts
}

/// Each part's latest departure that makes `due`; a lane that cannot falls back to air
/// from the same source, then to the fastest lane in (`into`), and the part takes that
/// lane. None for a part that nothing gets there in time.
fn latest_ships(
    net: &Network,
    cal: &Calendar,
    into: &[usize],
    due: i64,
    parts: &mut [Part],
) -> Vec<Option<i64>> {
    let mut ships: Vec<Option<i64>> = Vec::with_capacity(parts.len());
    for p in parts.iter_mut() {
        let mut lane = p.1;
        let mut ship = net.lanes[lane].latest_departure(cal, due - net.lanes[lane].lead);
        if ship.is_none() {
            for alt in air_of(net, into, lane)
                .into_iter()
                .chain(into.iter().copied())
            {
                let s = net.lanes[alt].latest_departure(cal, due - net.lanes[alt].lead);
                if s.is_some() {
                    lane = alt;
                    ship = s;
                    break;
                }
            }
        }
        p.1 = lane;
        ships.push(ship);
    }
    ships
}

/// The parts' ship days from their latest departures `ships`: when a part cannot make
/// the due date, the due date moves to the slowest part's earliest arrival; with `early`
/// each part leaves one departure earlier; a ship-complete order ships all on one day.
/// Moves `o.due` so that every part arrives by it.
fn ship_days(
    net: &Network,
    cal: &Calendar,
    o: &mut GOrder,
    parts: &[Part],
    mut ships: Vec<Option<i64>>,
    early: bool,
) -> Vec<i64> {
    if ships.iter().any(Option::is_none) {
        // No lane makes it: the promise is the earliest arrival of the slowest part.
        let mut due = o.due;
        for (p, s) in parts.iter().zip(&ships) {
            if s.is_none() {
                let l = &net.lanes[p.1];
                let first = l.next_departure(cal, 0, |_| false).unwrap_or(0);
                due = due.max(first + l.lead);
            }
        }
        o.due = due;
        ships = parts
            .iter()
            .map(|p| {
                let l = &net.lanes[p.1];
                l.latest_departure(cal, o.due - l.lead)
            })
            .collect();
    }
    let mut ships: Vec<i64> = ships
        .into_iter()
        .zip(parts)
        .map(|(s, p)| {
            s.unwrap_or_else(|| {
                // A lane that never departs inside the horizon: give it up for the
                // destination's first lane that does (there is always one for ground).
                net.lanes[p.1]
                    .next_departure(cal, 0, |_| false)
                    .unwrap_or(0)
            })
        })
        .collect();
    if early {
        for (s, p) in ships.iter_mut().zip(parts) {
            let l = &net.lanes[p.1];
            if let Some(e) = l.latest_departure(cal, *s - 1) {
                *s = e;
            }
        }
    }
    if !o.allow_partial {
        // Ship complete: one day for everything (the parts share the primary lane).
        let day = *ships.iter().min().expect("an order has lines");
        ships.iter_mut().for_each(|s| *s = day);
    }
    // Make sure every part arrives by the due date (the fallbacks above may not have).
    for (s, p) in ships.iter().zip(parts) {
        o.due = o.due.max(s + net.lanes[p.1].lead);
    }
    ships
}

/// The plan's entries: one per part, parts of one SKU on one lane and day merged.
fn merge_parts(net: &Network, o: &GOrder, parts: &[Part], ships: Vec<i64>) -> Vec<GEntry> {
    let mut plan: Vec<GEntry> = Vec::with_capacity(parts.len());
    for (p, ship) in parts.iter().zip(ships) {
        let sku = o.lines[p.0].0;
        let l = &net.lanes[p.1];
        if let Some(e) = plan
            .iter_mut()
            .find(|e| e.sku == sku && e.lane == Some(p.1) && e.ship == ship)
        {
            e.qty += p.2;
        } else {
            plan.push(GEntry {
                sku,
                node: l.from,
                lane: Some(p.1),
                ship,
                qty: p.2,
            });
        }
    }
    plan
}
