//! Synthetic scenarios (`recourse generate`): a network, orders with current plans that are
//! feasible as they stand, and disruptions that put a chosen share of those orders at risk.
//!
//! The generator works in four steps, each drawing from its own random stream (so that, for
//! one seed, changing the disruption rate leaves the network and the orders as they were):
//!
//! 1. **Network.** Plants, DCs and stores are placed on a 1000 x 1000 km plane together with
//!    the customer zones. Each zone gets ground lanes from its nearest few DCs or plants (lead
//!    time and cost grow with distance) and, for some of those pairs, an air lane (1 day, 3-5x
//!    the cost, capacity limited). Plants feed their nearest DCs, neighbouring DCs are joined
//!    both ways, every store is fed by its nearest DC. Some lanes depart on weekdays only
//!    (or mon/wed/fri), some transfer lanes carry a fixed charge per departure day.
//! 2. **Orders and plans.** SKU demand is Zipf-like (a few SKUs carry most lines), customers
//!    are spread over zones of very different sizes, a few orders are collected at stores.
//!    Each order gets a plan: a source with a lane to its destination and the latest ship day
//!    (on a departure day) that still arrives by the due date, sometimes a day earlier. When
//!    no lane can make the due date, the due date moves to the earliest arrival: the current
//!    promise is always on time.
//! 3. **Supply.** Capacities are set above the plan's peak use. Stock and inbound receipts are
//!    sized per (node, SKU) so that the balance never goes negative, with some slack; some
//!    receipts can be expedited. Plants and a few DCs hold extra stock that no plan uses, so
//!    that there is something to rescue orders with. Before the disruptions the do-nothing
//!    baseline therefore ships every order on time and in full.
//! 4. **Disruptions.** Candidates of every kind are scored by the orders they would hit (a
//!    quick estimate from the plans), interleaved by the configured mix, and a prefix of that
//!    sequence is chosen so that the real baseline ([`crate::risk::baseline::simulate`]) puts the
//!    target share of orders at risk; a short deterministic search on the prefix length
//!    corrects the estimate. `demand_surge` orders (empty plans) count towards the share.
//!    Disruptions never touch what a frozen order needs, so a plan that keeps every frozen
//!    commitment always exists.
//!
//! Everything is deterministic: a hand-rolled xoshiro256** generator seeded by splitmix64,
//! only correctly rounded float operations (+ - * / sqrt, floor, ceil, round), no hash-map
//! iteration order in the output. The same configuration gives byte-identical JSON on every
//! platform.

use crate::scenario::validate::validate;
use crate::scenario::wire::*;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};

/// The disruption kinds, in the order the generator lists them (the format's).
pub use crate::scenario::wire::DISRUPTION_KINDS;
const K_DELAY: usize = 0;
const K_CANCEL: usize = 1;
const K_LOSS: usize = 2;
const K_NODE_OUT: usize = 3;
const K_LANE_OUT: usize = 4;
const K_LANE_DELAY: usize = 5;
const K_SURGE: usize = 6;

/// Relative weights of the disruption kinds: roughly the share of at-risk orders each kind
/// should cause. Only the ratios matter; a weight of 0 leaves the kind out.
#[derive(Clone, Debug, PartialEq)]
pub struct DisruptionMix {
    pub inbound_delay: f64,
    pub inbound_cancel: f64,
    pub stock_loss: f64,
    pub node_outage: f64,
    pub lane_outage: f64,
    pub lane_delay: f64,
    pub demand_surge: f64,
}

impl Default for DisruptionMix {
    fn default() -> Self {
        Self {
            inbound_delay: 0.20,
            inbound_cancel: 0.08,
            stock_loss: 0.14,
            node_outage: 0.16,
            lane_outage: 0.10,
            lane_delay: 0.16,
            demand_surge: 0.16,
        }
    }
}

impl DisruptionMix {
    /// Reads `kind=weight,kind=weight` (kinds as in [`DISRUPTION_KINDS`]); kinds left out
    /// get 0. `Err` says what is wrong, as a sentence for the command line.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut w = [0.0; 7];
        let mut named = [false; 7];
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((kind, weight)) = part.split_once('=') else {
                return Err(format!(
                    "--mix: \"{part}\" is not KIND=WEIGHT (e.g. lane_outage=2)"
                ));
            };
            let kind = kind.trim();
            let Some(k) = DISRUPTION_KINDS.iter().position(|&x| x == kind) else {
                return Err(format!(
                    "--mix: unknown disruption kind \"{kind}\"; the kinds are {}",
                    DISRUPTION_KINDS.join(", ")
                ));
            };
            let weight: f64 = match weight.trim().parse() {
                Ok(x) if f64::is_finite(x) && x >= 0.0 => x,
                _ => {
                    return Err(format!(
                        "--mix: the weight of {kind} must be a number 0 or more, not \"{}\"",
                        weight.trim()
                    ))
                }
            };
            if std::mem::replace(&mut named[k], true) {
                return Err(format!("--mix: {kind} is named twice"));
            }
            w[k] = weight;
        }
        if w.iter().all(|&x| x == 0.0) {
            return Err(format!(
                "--mix: give at least one kind a weight above 0 (kinds: {}); for no disruptions use --disruption-rate 0",
                DISRUPTION_KINDS.join(", ")
            ));
        }
        Ok(Self {
            inbound_delay: w[K_DELAY],
            inbound_cancel: w[K_CANCEL],
            stock_loss: w[K_LOSS],
            node_outage: w[K_NODE_OUT],
            lane_outage: w[K_LANE_OUT],
            lane_delay: w[K_LANE_DELAY],
            demand_surge: w[K_SURGE],
        })
    }

    /// In the order of [`DISRUPTION_KINDS`], negative or non-finite weights taken as 0.
    pub fn weights(&self) -> [f64; 7] {
        [
            self.inbound_delay,
            self.inbound_cancel,
            self.stock_loss,
            self.node_outage,
            self.lane_outage,
            self.lane_delay,
            self.demand_surge,
        ]
        .map(|w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
    }
}

/// What to generate. [`GenerateConfig::preset`] gives the documented sizes.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateConfig {
    pub seed: u64,
    /// Plants, DCs and stores together (about 1 in 8 a plant, 1 in 6 a store).
    pub stock_nodes: usize,
    pub customer_zones: usize,
    pub skus: usize,
    /// Orders with a plan, before the `demand_surge` orders are added.
    pub orders: usize,
    pub horizon_days: u32,
    /// Transport modes to build: `ground` (required) and optionally `air`.
    pub modes: Vec<String>,
    /// Target share of all orders (surge orders included) at risk in the baseline.
    pub disruption_rate: f64,
    pub mix: DisruptionMix,
    /// Day 0, `YYYY-MM-DD`.
    pub as_of: String,
    /// The scenario id; empty = `gen-<orders>o-seed<seed>`.
    pub id: String,
}

impl Default for GenerateConfig {
    /// The `small` preset with seed 1.
    fn default() -> Self {
        Self {
            seed: 1,
            stock_nodes: 6,
            customer_zones: 8,
            skus: 20,
            orders: 200,
            horizon_days: 14,
            modes: vec!["ground".into(), "air".into()],
            disruption_rate: 0.10,
            mix: DisruptionMix::default(),
            as_of: "2026-11-27".into(),
            id: String::new(),
        }
    }
}

/// The preset names, smallest first.
pub const PRESETS: [&str; 3] = ["small", "medium", "large"];

impl GenerateConfig {
    /// `small` (200 orders, 6 stock nodes, 8 zones, 20 SKUs), `medium` (5,000 orders, 30
    /// stock nodes, 40 zones, 300 SKUs), `large` (100,000 orders, 50 stock nodes, 100 zones,
    /// 2,000 SKUs); all over 14 days from 2026-11-27 with seed 1.
    pub fn preset(name: &str) -> Option<Self> {
        let (stock_nodes, customer_zones, skus, orders) = match name {
            "small" => (6, 8, 20, 200),
            "medium" => (30, 40, 300, 5_000),
            "large" => (50, 100, 2_000, 100_000),
            _ => return None,
        };
        Some(Self {
            stock_nodes,
            customer_zones,
            skus,
            orders,
            ..Self::default()
        })
    }

    /// Every problem with the configuration, as sentences for the command line.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.stock_nodes == 0 {
            p.push("--stock-nodes must be at least 1".to_string());
        }
        if self.customer_zones == 0 {
            p.push("--zones must be at least 1".to_string());
        }
        if self.skus == 0 {
            p.push("--skus must be at least 1".to_string());
        }
        if !(1..=366).contains(&self.horizon_days) {
            p.push(format!(
                "--horizon must be 1..=366 days, not {}",
                self.horizon_days
            ));
        }
        if !(self.disruption_rate.is_finite() && (0.0..=1.0).contains(&self.disruption_rate)) {
            p.push(format!(
                "--disruption-rate must be a share in 0..=1 (0.1 = 10 %), not {}",
                self.disruption_rate
            ));
        }
        if NaiveDate::parse_from_str(&self.as_of, "%Y-%m-%d").is_err() {
            p.push(format!("as_of \"{}\" is not a YYYY-MM-DD date", self.as_of));
        }
        if !self.modes.iter().any(|m| m == "ground") {
            p.push("--modes must include ground".to_string());
        }
        for m in &self.modes {
            if m != "ground" && m != "air" {
                p.push(format!(
                    "--modes: unknown mode \"{m}\"; the generator builds ground and air lanes"
                ));
            }
        }
        p
    }

    /// An upper estimate of the memory `generate` needs for these sizes, in bytes, fitted
    /// on measured peaks (README, "Reliability"): about 3 KB per order, 0.6 KB per SKU, and
    /// per node 5 KB plus 180 bytes per day of the horizon (its lanes' and its own daily use).
    pub fn estimated_peak_bytes(&self) -> f64 {
        let nodes = (self.stock_nodes + self.customer_zones) as f64;
        16e6 + 3000.0 * self.orders as f64
            + 600.0 * self.skus as f64
            + nodes * (5000.0 + 180.0 * self.horizon_days as f64)
    }

    /// Why these sizes cannot be generated within `available` bytes of memory, if so.
    pub fn memory_problem(&self, available: u64) -> Option<String> {
        let need = self.estimated_peak_bytes();
        (need > available as f64).then(|| {
            format!(
                "these sizes need about {} of memory to generate and this machine has {} available; lower --orders, --stock-nodes, --zones, --skus or --horizon (the large preset, 100,000 orders, needs about 0.3 GB)",
                gigabytes(need),
                gigabytes(available as f64)
            )
        })
    }

    fn scenario_id(&self) -> String {
        if self.id.is_empty() {
            format!("gen-{}o-seed{}", self.orders, self.seed)
        } else {
            self.id.clone()
        }
    }
}

fn gigabytes(bytes: f64) -> String {
    if bytes >= 1e15 {
        format!("{:.1e} GB", bytes / 1e9)
    } else {
        format!("{:.1} GB", bytes / 1e9)
    }
}

/// What the generator measured on the document it returned.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateReport {
    /// All orders, surge orders included.
    pub orders: usize,
    pub surge_orders: usize,
    /// Orders at risk in the do-nothing baseline (section 4 of SCENARIO.md).
    pub at_risk: usize,
    pub at_risk_share: f64,
    /// The target count the calibration aimed at.
    pub target_at_risk: usize,
    /// Disruptions per kind, in the order of [`DISRUPTION_KINDS`].
    pub disruptions_by_kind: [usize; 7],
    /// Baseline simulations the calibration ran.
    pub calibration_runs: usize,
}

impl GenerateReport {
    /// Whether the at-risk count missed the target by more than a tenth of it (at least 2
    /// orders): the mix's kinds ran out of candidate disruptions, or a few large ones
    /// overshot. The calibration itself aims within 4 %.
    pub fn missed_target(&self) -> bool {
        let slack = (self.target_at_risk / 10).max(2);
        self.at_risk.abs_diff(self.target_at_risk) > slack
    }
}

/// Generates the scenario of `cfg`. Panics when [`GenerateConfig::problems`] is not empty.
pub fn generate(cfg: &GenerateConfig) -> ScenarioDoc {
    generate_with_report(cfg).0
}

/// [`generate`], with what the calibration measured.
pub fn generate_with_report(cfg: &GenerateConfig) -> (ScenarioDoc, GenerateReport) {
    let problems = cfg.problems();
    assert!(
        problems.is_empty(),
        "invalid generator configuration: {}",
        problems.join("; ")
    );
    let as_of = NaiveDate::parse_from_str(&cfg.as_of, "%Y-%m-%d").expect("checked above");
    let cal = Calendar::new(as_of, cfg.horizon_days as usize);
    let net = build_network(cfg, &cal);
    let book = build_orders(cfg, &net, &cal);
    let supply = build_supply(cfg, &net, &book, &cal);
    let mut doc = base_doc(cfg, &net, &book, &supply, &cal);
    let (disruptions, report) = calibrate(cfg, &net, &book, &supply, &cal, &mut doc);
    doc.disruptions = disruptions;
    (doc, report)
}

// ---- random numbers ----------------------------------------------------------------------

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**, seeded by splitmix64 from (seed, stream).
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut x = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Self { s }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in 0..n (n > 0), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// An index drawn by the weights in `cum` (cumulative, last = total).
    fn pick_cum(&mut self, cum: &[f64]) -> usize {
        let total = *cum.last().expect("weights");
        let u = self.unit() * total;
        cum.partition_point(|&c| c <= u).min(cum.len() - 1)
    }
}

const STREAM_NETWORK: u64 = 1;
const STREAM_ORDERS: u64 = 2;
const STREAM_SUPPLY: u64 = 3;
const STREAM_CAPACITY: u64 = 4;
const STREAM_DISRUPTIONS: u64 = 5;
const STREAM_SURGE: u64 = 6;

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Up to a pallet-friendly multiple: 1 below 50, 5 below 200, 10 below 1000, else 50.
fn lot(x: f64) -> f64 {
    let step = if x < 50.0 {
        1.0
    } else if x < 200.0 {
        5.0
    } else if x < 1000.0 {
        10.0
    } else {
        50.0
    };
    (x / step).ceil() * step
}

// ---- calendar ----------------------------------------------------------------------------

struct Calendar {
    as_of: NaiveDate,
    h: usize,
    /// Weekday index (Monday = 0) of day 0.
    wd0: usize,
    /// Date strings of days 0..h + 64.
    dates: Vec<String>,
}

impl Calendar {
    fn new(as_of: NaiveDate, h: usize) -> Self {
        let dates = (0..h as i64 + 64)
            .map(|d| {
                (as_of + chrono::Duration::days(d))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .collect();
        Self {
            as_of,
            h,
            wd0: as_of.weekday().num_days_from_monday() as usize,
            dates,
        }
    }

    fn date(&self, d: i64) -> String {
        match usize::try_from(d).ok().and_then(|i| self.dates.get(i)) {
            Some(s) => s.clone(),
            None => (self.as_of + chrono::Duration::days(d))
                .format("%Y-%m-%d")
                .to_string(),
        }
    }

    fn weekday_bit(&self, d: i64) -> u8 {
        1 << ((self.wd0 as i64 + d).rem_euclid(7))
    }
}

const MON_FRI: u8 = 0x1f;
const MON_SAT: u8 = 0x3f;
const MON_WED_FRI: u8 = 0b0001_0101;

fn weekdays(mask: u8) -> Vec<Weekday> {
    use Weekday::*;
    [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
        .into_iter()
        .filter(|w| mask & (1 << w.index()) != 0)
        .collect()
}

// ---- network -----------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ground,
    Air,
}

struct GNode {
    id: String,
    kind: NodeKind,
    x: f64,
    y: f64,
}

struct GLane {
    id: String,
    from: usize,
    to: usize,
    mode: Mode,
    lead: i64,
    cost: f64,
    fixed: f64,
    /// Weekday bits; `None` = every day (written without `departure_days`).
    days: Option<u8>,
    transfer: bool,
}

impl GLane {
    fn departs(&self, cal: &Calendar, d: i64) -> bool {
        self.days.is_none_or(|m| m & cal.weekday_bit(d) != 0)
    }

    /// The latest departure day in 0..=min(upto, H-1).
    fn latest_departure(&self, cal: &Calendar, upto: i64) -> Option<i64> {
        let mut d = upto.min(cal.h as i64 - 1);
        while d >= 0 {
            if self.departs(cal, d) {
                return Some(d);
            }
            d -= 1;
        }
        None
    }

    /// The first departure day in from..H-1 that `closed` does not rule out.
    fn next_departure(
        &self,
        cal: &Calendar,
        from: i64,
        closed: impl Fn(i64) -> bool,
    ) -> Option<i64> {
        (from.max(0)..cal.h as i64).find(|&d| self.departs(cal, d) && !closed(d))
    }
}

struct Network {
    nodes: Vec<GNode>,
    lanes: Vec<GLane>,
    plants: Vec<usize>,
    dcs: Vec<usize>,
    stores: Vec<usize>,
    zones: Vec<usize>,
    /// Per node: lanes into it from a stock-holding node, nearest first.
    into: Vec<Vec<usize>>,
    /// Per zone position (index into `zones`): relative order volume.
    zone_weight: Vec<f64>,
}

/// Where a node of the plane is drawn: the 1000 x 1000 km square centred on 48.5 N, 9 E (an
/// equirectangular projection at that latitude, rounded to about 10 m). For pictures only:
/// costs and lead times come from the plane's distances.
fn on_the_map(n: &GNode) -> Location {
    const KM_PER_DEGREE: f64 = 111.2;
    let (lat0, lon0) = (48.5_f64, 9.0_f64);
    let round = |v: f64| (v * 1e4).round() / 1e4;
    Location {
        lat: round(lat0 + (500.0 - n.y) / KM_PER_DEGREE),
        lon: round(lon0 + (n.x - 500.0) / (KM_PER_DEGREE * lat0.to_radians().cos())),
    }
}

fn dist(a: &GNode, b: &GNode) -> f64 {
    let (dx, dy) = (a.x - b.x, a.y - b.y);
    (dx * dx + dy * dy).sqrt()
}

/// The k nearest of a set of nodes, found through a uniform grid over the set's bounding box
/// (about two nodes per cell), so that building a network is near-linear in its size.
/// Exact: the result is the first k of the set ordered by (distance, node index), the order a
/// full sort would give, because a ring of cells is searched only while a node beyond it
/// could still be nearer than the k-th found.
struct Nearest<'a> {
    nodes: &'a [GNode],
    min: (f64, f64),
    cell: f64,
    side: usize,
    /// Node indices per cell, row-major.
    cells: Vec<Vec<usize>>,
}

impl<'a> Nearest<'a> {
    fn new(nodes: &'a [GNode], set: &[usize]) -> Self {
        let side = ((set.len() as f64 / 2.0).sqrt().ceil() as usize).max(1);
        let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
        for &i in set {
            lo = (lo.0.min(nodes[i].x), lo.1.min(nodes[i].y));
            hi = (hi.0.max(nodes[i].x), hi.1.max(nodes[i].y));
        }
        let extent = (hi.0 - lo.0).max(hi.1 - lo.1);
        let cell = if extent > 0.0 {
            extent / side as f64
        } else {
            1.0
        };
        let mut grid = Nearest {
            nodes,
            min: lo,
            cell,
            side,
            cells: vec![Vec::new(); side * side],
        };
        for &i in set {
            let (cx, cy) = grid.cell_of(&nodes[i]);
            grid.cells[cy * side + cx].push(i);
        }
        grid
    }

    /// The cell holding `n`, or the nearest cell when `n` lies outside the grid.
    fn cell_of(&self, n: &GNode) -> (usize, usize) {
        let at = |v: f64, lo: f64| {
            ((((v - lo) / self.cell).floor()).max(0.0) as usize).min(self.side - 1)
        };
        (at(n.x, self.min.0), at(n.y, self.min.1))
    }

    /// The `k` nodes of the set nearest to node `to` (itself excluded), nearest first.
    fn query(&self, to: usize, k: usize) -> Vec<usize> {
        if k == 0 {
            return Vec::new();
        }
        let (cx, cy) = self.cell_of(&self.nodes[to]);
        let (cx, cy) = (cx as i64, cy as i64);
        let side = self.side as i64;
        let mut found: Vec<(f64, usize)> = Vec::new();
        for r in 0.. {
            for y in (cy - r).max(0)..=(cy + r).min(side - 1) {
                for x in (cx - r).max(0)..=(cx + r).min(side - 1) {
                    if (x - cx).abs() != r && (y - cy).abs() != r {
                        continue; // inside the ring, already searched
                    }
                    for &i in &self.cells[(y * side + x) as usize] {
                        if i != to {
                            found.push((dist(&self.nodes[i], &self.nodes[to]), i));
                        }
                    }
                }
            }
            let whole = cx - r <= 0 && cy - r <= 0 && cx + r >= side - 1 && cy + r >= side - 1;
            found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // A node outside rings 0..=r is at least r cells away (also when `to` lies
            // outside the grid): strictly nearer k-th means nothing beyond can come first.
            if whole || (found.len() >= k && found[k - 1].0 < r as f64 * self.cell) {
                break;
            }
        }
        found.into_iter().take(k).map(|x| x.1).collect()
    }
}

fn short_id(id: &str) -> String {
    id.replace('-', "")
}

/// Long because the random draws happen in one fixed sequence: splitting it must keep their
/// order, or every generated dataset changes.
fn build_network(cfg: &GenerateConfig, cal: &Calendar) -> Network {
    let mut rng = Rng::new(cfg.seed, STREAM_NETWORK);
    let n = cfg.stock_nodes;
    let plants = if n >= 3 { ((n + 4) / 8).max(1) } else { 0 };
    let stores = if n >= 5 { n / 6 } else { 0 };
    let dcs = n - plants - stores;
    let air = cfg.modes.iter().any(|m| m == "air");
    // Weekday restrictions only when the horizon spans a week (else a lane might never go).
    let weekly = |days: Option<u8>| if cal.h >= 7 { days } else { None };

    let mut nodes = Vec::new();
    let place = |rng: &mut Rng, id: String, kind: NodeKind| GNode {
        id,
        kind,
        x: round2(rng.unit() * 1000.0),
        y: round2(rng.unit() * 1000.0),
    };
    let mut net = Network {
        nodes: Vec::new(),
        lanes: Vec::new(),
        plants: Vec::new(),
        dcs: Vec::new(),
        stores: Vec::new(),
        zones: Vec::new(),
        into: Vec::new(),
        zone_weight: Vec::new(),
    };
    for i in 0..plants {
        net.plants.push(nodes.len());
        nodes.push(place(&mut rng, format!("PL-{:02}", i + 1), NodeKind::Plant));
    }
    for i in 0..dcs {
        net.dcs.push(nodes.len());
        nodes.push(place(&mut rng, format!("DC-{:02}", i + 1), NodeKind::Dc));
    }
    for i in 0..stores {
        net.stores.push(nodes.len());
        nodes.push(place(&mut rng, format!("ST-{:02}", i + 1), NodeKind::Store));
    }
    for i in 0..cfg.customer_zones {
        net.zones.push(nodes.len());
        nodes.push(place(
            &mut rng,
            format!("Z-{:03}", i + 1),
            NodeKind::Customer,
        ));
        // A few big zones (cities), many small ones.
        let u = rng.unit();
        net.zone_weight.push(0.15 + 3.0 * u * u * u);
    }
    net.nodes = nodes;
    let nodes = &net.nodes;

    let mut lanes: Vec<GLane> = Vec::new();
    let mut seen: HashSet<(usize, usize, bool)> = HashSet::new();
    let mut add = |lanes: &mut Vec<GLane>, lane: GLane| {
        if seen.insert((lane.from, lane.to, lane.mode == Mode::Air)) {
            lanes.push(lane);
        }
    };
    let nearest_plants = Nearest::new(nodes, &net.plants);
    let nearest_dcs = Nearest::new(nodes, &net.dcs);

    // Customer lanes from the nearest DCs and plants.
    let shippers: Vec<usize> = net.plants.iter().chain(&net.dcs).copied().collect();
    let shippers = if shippers.is_empty() {
        net.stores.clone()
    } else {
        shippers
    };
    let nearest_shippers = Nearest::new(nodes, &shippers);
    for &z in &net.zones {
        let k = 2 + rng.below(3); // 2..=4
        for (rank, s) in nearest_shippers.query(z, k).into_iter().enumerate() {
            let d = dist(&nodes[s], &nodes[z]);
            let lead = (1 + (d / 300.0) as i64).min(4);
            let cost = round2(0.8 + 0.003 * d);
            let days = match rng.below(20) {
                0..=9 => None,
                10..=16 => Some(MON_SAT),
                _ => Some(MON_FRI),
            };
            add(
                &mut lanes,
                GLane {
                    id: format!("{}-{}-G", short_id(&nodes[s].id), short_id(&nodes[z].id)),
                    from: s,
                    to: z,
                    mode: Mode::Ground,
                    lead,
                    cost,
                    fixed: 0.0,
                    days: weekly(days),
                    transfer: false,
                },
            );
            let want_air = if lead >= 2 { 0.6 } else { 0.15 };
            if air && rank < 3 && rng.chance(want_air) {
                let factor = 3.0 + 2.0 * rng.unit();
                add(
                    &mut lanes,
                    GLane {
                        id: format!("{}-{}-A", short_id(&nodes[s].id), short_id(&nodes[z].id)),
                        from: s,
                        to: z,
                        mode: Mode::Air,
                        lead: 1,
                        cost: round2(cost * factor),
                        fixed: 0.0,
                        days: weekly(Some(MON_FRI)),
                        transfer: false,
                    },
                );
            }
        }
    }

    // Transfer lanes: plant -> nearest DCs, DC <-> neighbouring DCs, nearest DC -> store.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &p in &net.plants {
        for d in nearest_dcs.query(p, 3) {
            pairs.push((p, d));
        }
    }
    for &d in &net.dcs {
        if let Some(&p) = nearest_plants.query(d, 1).first() {
            pairs.push((p, d));
        }
        for o in nearest_dcs.query(d, 2) {
            pairs.push((d, o));
            pairs.push((o, d));
        }
    }
    for &s in &net.stores {
        let feeders = if net.dcs.is_empty() {
            &nearest_plants
        } else {
            &nearest_dcs
        };
        for d in feeders.query(s, 1 + rng.below(2)) {
            pairs.push((d, s));
        }
    }
    for (a, b) in pairs {
        let d = dist(&nodes[a], &nodes[b]);
        let days = match rng.below(10) {
            0..=2 => None,
            3..=7 => Some(MON_FRI),
            _ => Some(MON_WED_FRI),
        };
        let fixed = if rng.chance(0.7) {
            (50.0 + 250.0 * rng.unit()).round()
        } else {
            0.0
        };
        add(
            &mut lanes,
            GLane {
                id: format!("{}-{}-G", short_id(&nodes[a].id), short_id(&nodes[b].id)),
                from: a,
                to: b,
                mode: Mode::Ground,
                lead: (1 + (d / 400.0) as i64).min(3),
                cost: round2(0.3 + 0.001 * d),
                fixed,
                days: weekly(days),
                transfer: true,
            },
        );
    }

    let mut into = vec![Vec::new(); net.nodes.len()];
    for (i, l) in lanes.iter().enumerate() {
        into[l.to].push(i);
    }
    for v in &mut into {
        // Ground before air, shorter first.
        v.sort_by_key(|&i| (lanes[i].mode == Mode::Air, lanes[i].lead, i));
    }
    net.lanes = lanes;
    net.into = into;
    net
}

// ---- orders and plans --------------------------------------------------------------------

#[derive(Clone)]
struct GEntry {
    sku: usize,
    node: usize,
    lane: Option<usize>,
    ship: i64,
    qty: u32,
}

#[derive(Clone)]
struct GOrder {
    customer: String,
    dest: usize,
    due: i64,
    priority: u8,
    lines: Vec<(usize, u32)>,
    plan: Vec<GEntry>,
    allow_partial: bool,
    max_sources: Option<u32>,
    frozen: bool,
    late_penalty: Option<f64>,
    short_penalty: Option<f64>,
}

struct Book {
    skus: Vec<(String, String)>,
    orders: Vec<GOrder>,
    /// SKU sampling weights (cumulative), shared with the surge orders.
    sku_cum: Vec<f64>,
    customers: Vec<(String, usize)>,
    /// Planned units leaving per [node][day] and per [lane][day].
    node_use: Vec<Vec<f64>>,
    lane_use: Vec<Vec<f64>>,
    /// Planned units leaving per (node, sku) and day, in first-use order.
    keys: Vec<(usize, usize)>,
    key_ix: HashMap<(usize, usize), usize>,
    key_out: Vec<Vec<f64>>,
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
const QTY: [(u32, f64); 14] = [
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

/// Long because the random draws happen in one fixed sequence: splitting it must keep their
/// order, or every generated dataset changes.
fn build_orders(cfg: &GenerateConfig, net: &Network, cal: &Calendar) -> Book {
    let mut rng = Rng::new(cfg.seed, STREAM_ORDERS);
    let h = cal.h as i64;
    let skus: Vec<(String, String)> = (0..cfg.skus)
        .map(|i| {
            let noun = NOUNS[rng.below(NOUNS.len())];
            let unit = UNITS[rng.below(UNITS.len())];
            let size = 5 * (1 + rng.below(40));
            (format!("SKU-{:04}", i + 1), format!("{noun} {size}{unit}"))
        })
        .collect();
    // Zipf (exponent 1) over a random ranking of the SKUs.
    let mut rank: Vec<usize> = (0..cfg.skus).collect();
    rng.shuffle(&mut rank);
    let mut weight = vec![0.0; cfg.skus];
    for (r, &s) in rank.iter().enumerate() {
        weight[s] = 1.0 / (r as f64 + 1.0);
    }
    let sku_cum = cumulative(&weight);
    let zone_cum = cumulative(&net.zone_weight);
    let qty_cum = cumulative(&QTY.map(|q| q.1));

    let n_customers = (cfg.orders / 6).max(8);
    let customers: Vec<(String, usize)> = (0..n_customers)
        .map(|i| {
            let name = format!(
                "{} {} {}",
                FIRMS[rng.below(FIRMS.len())],
                TRADES[rng.below(TRADES.len())],
                i + 1
            );
            (name, net.zones[rng.pick_cum(&zone_cum)])
        })
        .collect();

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
        let store_order = !net.stores.is_empty() && rng.chance(0.04);
        let (customer, dest) = if store_order {
            let s = net.stores[rng.below(net.stores.len())];
            (format!("Walk-in {}", short_id(&net.nodes[s].id)), s)
        } else {
            let c = &book.customers[rng.below(book.customers.len())];
            (c.0.clone(), c.1)
        };
        let lines = draw_lines(&mut rng, &book.sku_cum, &qty_cum);
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
        plan_order(&mut rng, net, cal, &mut o, store_order);
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
        for e in &o.plan {
            let d = e.ship as usize;
            let q = f64::from(e.qty);
            book.node_use[e.node][d] += q;
            if let Some(l) = e.lane {
                book.lane_use[l][d] += q;
            }
            let k = *book.key_ix.entry((e.node, e.sku)).or_insert_with(|| {
                book.keys.push((e.node, e.sku));
                book.key_out.push(vec![0.0; cal.h]);
                book.keys.len() - 1
            });
            book.key_out[k][d] += q;
        }
        book.orders.push(o);
    }
    book
}

fn cumulative(w: &[f64]) -> Vec<f64> {
    let mut acc = 0.0;
    w.iter()
        .map(|&x| {
            acc += x;
            acc
        })
        .collect()
}

/// 1-3 lines (55/30/15 %) of distinct SKUs.
fn draw_lines(rng: &mut Rng, sku_cum: &[f64], qty_cum: &[f64]) -> Vec<(usize, u32)> {
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
/// can make it).
///
/// Long because the random draws happen in one fixed sequence: splitting it must keep their
/// order, or every generated dataset changes.
fn plan_order(rng: &mut Rng, net: &Network, cal: &Calendar, o: &mut GOrder, store_order: bool) {
    let h = cal.h as i64;
    let into = &net.into[o.dest];
    let ground: Vec<usize> = into
        .iter()
        .copied()
        .filter(|&l| net.lanes[l].mode == Mode::Ground)
        .collect();
    // Slack: ship one departure earlier than the latest that makes the due date.
    let early = rng.chance(0.3);

    if store_order && (ground.is_empty() || rng.chance(0.75)) {
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
        return;
    }

    // Primary lane: mostly the nearest source.
    let pick = |rng: &mut Rng| -> usize {
        let r = rng.below(100);
        let i = if r < 72 {
            0
        } else if r < 92 {
            1
        } else {
            2
        };
        ground[i.min(ground.len() - 1)]
    };
    let mut primary = pick(rng);
    // Priority 1 orders sometimes fly.
    let air_of = |lane: usize| -> Option<usize> {
        let from = net.lanes[lane].from;
        into.iter()
            .copied()
            .find(|&l| net.lanes[l].mode == Mode::Air && net.lanes[l].from == from)
    };
    if o.priority == 1 && rng.chance(0.05) {
        if let Some(a) = air_of(primary) {
            primary = a;
        }
    }
    // (line index, lane, quantity)
    let mut parts: Vec<(usize, usize, u32)> = o
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

    // Latest departures that make the due date; a lane that cannot falls back to air from
    // the same source, then to the fastest lane in.
    let mut ships: Vec<Option<i64>> = Vec::with_capacity(parts.len());
    for p in parts.iter_mut() {
        let mut lane = p.1;
        let mut ship = net.lanes[lane].latest_departure(cal, o.due - net.lanes[lane].lead);
        if ship.is_none() {
            for alt in air_of(lane).into_iter().chain(into.iter().copied()) {
                let s = net.lanes[alt].latest_departure(cal, o.due - net.lanes[alt].lead);
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
        .zip(&parts)
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
        for (s, p) in ships.iter_mut().zip(&parts) {
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
    for (s, p) in ships.iter().zip(&parts) {
        o.due = o.due.max(s + net.lanes[p.1].lead);
    }
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
    o.plan = plan;
}

// ---- supply ------------------------------------------------------------------------------

struct Receipt {
    id: String,
    node: usize,
    sku: usize,
    qty: f64,
    eta: i64,
    expedite: Option<(i64, f64)>,
}

struct Supply {
    /// (node, sku, on_hand, reserved), sorted by (node, sku).
    stock: Vec<(usize, usize, f64, f64)>,
    receipts: Vec<Receipt>,
    node_cap: Vec<Option<f64>>,
    lane_cap: Vec<Option<f64>>,
}

/// Long because the random draws happen in one fixed sequence: splitting it must keep their
/// order, or every generated dataset changes.
fn build_supply(cfg: &GenerateConfig, net: &Network, book: &Book, cal: &Calendar) -> Supply {
    let h = cal.h;
    let mut rng = Rng::new(cfg.seed, STREAM_CAPACITY);

    // Capacities above the plan's peak, on some nodes and lanes.
    let node_cap: Vec<Option<f64>> = net
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| {
            if !node.kind.holds_stock() || !rng.chance(0.4) {
                return None;
            }
            let peak = book.node_use[i].iter().copied().fold(0.0, f64::max);
            let c = if peak > 0.0 {
                lot(peak * (1.2 + 0.4 * rng.unit())).max(20.0)
            } else {
                lot(100.0 + 400.0 * rng.unit())
            };
            Some(c)
        })
        .collect();
    let total_units: f64 = book.node_use.iter().flatten().sum();
    let per_dc_day = total_units / (net.dcs.len().max(1) * h) as f64;
    let lane_cap: Vec<Option<f64>> = net
        .lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let peak = book.lane_use[i].iter().copied().fold(0.0, f64::max);
            match (l.mode, l.transfer) {
                (Mode::Air, _) => {
                    let base = f64::from(20 + 10 * rng.below(5) as u32);
                    Some(lot(peak * 1.3).max(base))
                }
                (Mode::Ground, true) => rng
                    .chance(0.5)
                    .then(|| lot((per_dc_day * (0.3 + 0.5 * rng.unit())).max(50.0) + peak)),
                (Mode::Ground, false) => rng
                    .chance(0.25)
                    .then(|| lot(peak * (1.2 + 0.4 * rng.unit())).max(20.0)),
            }
        })
        .collect();

    // Stock and receipts per planned (node, sku), so that the balance never goes negative.
    let mut rng = Rng::new(cfg.seed, STREAM_SUPPLY);
    let mut order: Vec<usize> = (0..book.keys.len()).collect();
    order.sort_by_key(|&k| book.keys[k]);
    let mut stock: Vec<(usize, usize, f64, f64)> = Vec::new();
    let mut pending: Vec<(usize, usize, f64, i64)> = Vec::new();
    let mut sku_demand = vec![0.0; book.skus.len()];
    for &k in &order {
        let (node, sku) = book.keys[k];
        let out = &book.key_out[k];
        let total: f64 = out.iter().sum();
        sku_demand[sku] += total;
        let frac = if rng.chance(0.45) {
            1.0
        } else {
            0.3 + 0.6 * rng.unit()
        };
        let mut avail = (total * frac).ceil();
        // Receipts where the balance would go negative.
        let mut bal = avail;
        for (t, &q) in out.iter().enumerate() {
            bal -= q;
            if bal < 0.0 {
                let qty = lot(-bal * (1.0 + 0.15 * rng.unit()));
                let eta = t as i64 - rng.range(0, (t as i64).min(2));
                pending.push((node, sku, qty, eta));
                bal += qty;
            }
        }
        avail += (total * (0.03 + 0.12 * rng.unit())).round();
        if rng.chance(0.08) {
            // A replenishment that no plan counts on.
            let eta = rng.range(2, h as i64 + 3);
            pending.push((node, sku, lot(total * 0.5).max(1.0), eta));
        }
        let reserved = if rng.chance(0.25) {
            (avail * (0.1 + 0.1 * rng.unit())).round().max(1.0)
        } else {
            0.0
        };
        stock.push((node, sku, avail + reserved, reserved));
    }
    // Spare stock that no plan uses: each SKU at a plant, popular ones at a further DC.
    let planned: HashSet<(usize, usize)> = book.keys.iter().copied().collect();
    for (sku, &demand) in sku_demand.iter().enumerate() {
        if demand <= 0.0 {
            continue;
        }
        if !net.plants.is_empty() {
            let p = net.plants[rng.below(net.plants.len())];
            if !planned.contains(&(p, sku)) {
                stock.push((p, sku, lot(demand * (0.2 + 0.3 * rng.unit())), 0.0));
                if rng.chance(0.5) {
                    // From day 3 where the horizon has one; the last day in a shorter one.
                    let last = h as i64 - 1;
                    let eta = rng.range(3.min(last), last);
                    pending.push((p, sku, lot(demand * 0.4), eta));
                }
            }
        }
        if !net.dcs.is_empty() && rng.chance(0.6) {
            let d = net.dcs[rng.below(net.dcs.len())];
            if !planned.contains(&(d, sku)) {
                stock.push((d, sku, lot(demand * (0.1 + 0.2 * rng.unit())), 0.0));
            }
        }
    }
    stock.sort_by_key(|s| (s.0, s.1));
    stock.dedup_by_key(|s| (s.0, s.1));

    let mut receipts = Vec::with_capacity(pending.len());
    let (mut po, mut mo) = (0, 0);
    for (node, sku, qty, eta) in pending {
        let id = if net.nodes[node].kind == NodeKind::Plant {
            mo += 1;
            format!("MO-{mo:05}")
        } else {
            po += 1;
            format!("PO-{po:05}")
        };
        let expedite = (eta >= 1 && rng.chance(0.4)).then(|| {
            let pull = rng.range(1, eta.min(3));
            let cost = ((80.0 + qty * (1.5 + 2.5 * rng.unit())) / 10.0).round() * 10.0;
            (eta - pull, cost)
        });
        receipts.push(Receipt {
            id,
            node,
            sku,
            qty,
            eta,
            expedite,
        });
    }
    Supply {
        stock,
        receipts,
        node_cap,
        lane_cap,
    }
}

// ---- the document ------------------------------------------------------------------------

fn order_width(n: usize) -> usize {
    n.max(1).to_string().len().max(4)
}

fn order_doc(o: &GOrder, id: String, net: &Network, book: &Book, cal: &Calendar) -> OrderDoc {
    OrderDoc {
        id,
        customer: Some(o.customer.clone()),
        destination: net.nodes[o.dest].id.clone(),
        due: cal.date(o.due),
        priority: i64::from(o.priority),
        lines: o
            .lines
            .iter()
            .map(|&(s, q)| LineDoc {
                sku: book.skus[s].0.clone(),
                quantity: f64::from(q),
            })
            .collect(),
        plan: o
            .plan
            .iter()
            .map(|e| PlanEntryDoc {
                sku: book.skus[e.sku].0.clone(),
                node: net.nodes[e.node].id.clone(),
                lane: e.lane.map(|l| net.lanes[l].id.clone()),
                ship: cal.date(e.ship),
                quantity: f64::from(e.qty),
            })
            .collect(),
        allow_partial: (!o.allow_partial).then_some(false),
        max_sources: o.max_sources.map(i64::from),
        frozen: o.frozen.then_some(true),
        late_penalty_per_unit_day: o.late_penalty,
        short_penalty_per_unit: o.short_penalty,
    }
}

/// Long because it writes the document's tables in the format's order from the network built
/// before.
fn base_doc(
    cfg: &GenerateConfig,
    net: &Network,
    book: &Book,
    supply: &Supply,
    cal: &Calendar,
) -> ScenarioDoc {
    let width = order_width(cfg.orders * 2);
    ScenarioDoc {
        format: SCENARIO_FORMAT.to_string(),
        id: cfg.scenario_id(),
        as_of: cal.date(0),
        horizon_days: cal.h as i64,
        currency: Some("EUR".to_string()),
        skus: book
            .skus
            .iter()
            .map(|(id, name)| SkuDoc {
                id: id.clone(),
                name: Some(name.clone()),
            })
            .collect(),
        nodes: net
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| NodeDoc {
                id: n.id.clone(),
                kind: n.kind,
                ship_capacity_per_day: supply.node_cap[i],
                name: None,
                location: Some(on_the_map(n)),
            })
            .collect(),
        lanes: net
            .lanes
            .iter()
            .enumerate()
            .map(|(i, l)| LaneDoc {
                id: l.id.clone(),
                from: net.nodes[l.from].id.clone(),
                to: net.nodes[l.to].id.clone(),
                mode: match l.mode {
                    Mode::Ground => "ground",
                    Mode::Air => "air",
                }
                .to_string(),
                lead_time_days: l.lead,
                cost_per_unit: l.cost,
                fixed_cost_per_day: (l.fixed > 0.0).then_some(l.fixed),
                capacity_per_day: supply.lane_cap[i],
                departure_days: l.days.map(weekdays),
            })
            .collect(),
        stock: supply
            .stock
            .iter()
            .map(|&(n, s, on_hand, reserved)| StockDoc {
                node: net.nodes[n].id.clone(),
                sku: book.skus[s].0.clone(),
                on_hand,
                reserved: (reserved > 0.0).then_some(reserved),
            })
            .collect(),
        inbound: supply
            .receipts
            .iter()
            .map(|r| InboundDoc {
                id: r.id.clone(),
                node: net.nodes[r.node].id.clone(),
                sku: book.skus[r.sku].0.clone(),
                quantity: r.qty,
                eta: cal.date(r.eta),
                expedite: r.expedite.map(|(eta, cost)| ExpediteDoc {
                    eta: cal.date(eta),
                    cost,
                }),
            })
            .collect(),
        orders: book
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| order_doc(o, format!("SO-{:0width$}", i + 1), net, book, cal))
            .collect(),
        disruptions: Vec::new(),
        policy: PolicyDoc::default(),
    }
}

// ---- disruptions -------------------------------------------------------------------------

/// A disruption and the orders the quick estimate says it hits.
struct Candidate {
    kind: usize,
    doc: DisruptionDoc,
    hits: Vec<u32>,
}

/// A planned entry, flattened, for the estimates.
#[derive(Clone, Copy)]
struct Flat {
    order: u32,
    lane: Option<usize>,
    ship: i64,
    qty: f64,
}

struct Estimator<'a> {
    net: &'a Network,
    book: &'a Book,
    supply: &'a Supply,
    cal: &'a Calendar,
    flats: Vec<Flat>,
    by_node: Vec<Vec<u32>>,
    by_lane: Vec<Vec<u32>>,
    /// Per key: flat entries in rough serving order (ship day, priority, due, order).
    by_key: Vec<Vec<u32>>,
    /// Per key: available at day 0 (after reserved), on_hand, reserved.
    key_stock: Vec<(f64, f64)>,
    /// Per key: receipts (index into supply.receipts).
    key_receipts: Vec<Vec<usize>>,
    /// Days on which frozen shipments leave each node / lane; keys frozen orders draw on.
    frozen_node_days: HashSet<(usize, i64)>,
    frozen_lane_days: HashSet<(usize, i64)>,
    frozen_keys: HashSet<usize>,
}

impl<'a> Estimator<'a> {
    fn new(net: &'a Network, book: &'a Book, supply: &'a Supply, cal: &'a Calendar) -> Self {
        let mut flats = Vec::new();
        let mut by_node = vec![Vec::new(); net.nodes.len()];
        let mut by_lane = vec![Vec::new(); net.lanes.len()];
        let mut by_key = vec![Vec::new(); book.keys.len()];
        let mut frozen_node_days = HashSet::new();
        let mut frozen_lane_days = HashSet::new();
        let mut frozen_keys = HashSet::new();
        for (oi, o) in book.orders.iter().enumerate() {
            for e in &o.plan {
                let f = flats.len() as u32;
                flats.push(Flat {
                    order: oi as u32,
                    lane: e.lane,
                    ship: e.ship,
                    qty: f64::from(e.qty),
                });
                by_node[e.node].push(f);
                if let Some(l) = e.lane {
                    by_lane[l].push(f);
                }
                let k = book.key_ix[&(e.node, e.sku)];
                by_key[k].push(f);
                if o.frozen {
                    frozen_node_days.insert((e.node, e.ship));
                    if let Some(l) = e.lane {
                        frozen_lane_days.insert((l, e.ship));
                    }
                    frozen_keys.insert(k);
                }
            }
        }
        for v in &mut by_key {
            v.sort_by_key(|&f| {
                let fl = &flats[f as usize];
                let o = &book.orders[fl.order as usize];
                (fl.ship, o.priority, o.due, fl.order)
            });
        }
        let mut key_stock = vec![(0.0, 0.0); book.keys.len()];
        for &(n, s, on_hand, reserved) in &supply.stock {
            if let Some(&k) = book.key_ix.get(&(n, s)) {
                key_stock[k] = (on_hand, reserved);
            }
        }
        let mut key_receipts = vec![Vec::new(); book.keys.len()];
        for (i, r) in supply.receipts.iter().enumerate() {
            if let Some(&k) = book.key_ix.get(&(r.node, r.sku)) {
                key_receipts[k].push(i);
            }
        }
        Self {
            net,
            book,
            supply,
            cal,
            flats,
            by_node,
            by_lane,
            by_key,
            key_stock,
            key_receipts,
            frozen_node_days,
            frozen_lane_days,
            frozen_keys,
        }
    }

    fn order_of(&self, f: u32) -> &GOrder {
        &self.book.orders[self.flats[f as usize].order as usize]
    }

    /// Whether the entry misses its due date when it cannot leave before `from` (and not
    /// on days `closed` rules out).
    fn late_if_held(&self, f: u32, from: i64, closed: impl Fn(i64) -> bool) -> bool {
        let fl = &self.flats[f as usize];
        let due = self.order_of(f).due;
        match fl.lane {
            None => (from..self.cal.h as i64)
                .find(|&d| !closed(d))
                .is_none_or(|d| d > due),
            Some(l) => {
                let lane = &self.net.lanes[l];
                lane.next_departure(self.cal, from, closed)
                    .is_none_or(|d| d + lane.lead > due)
            }
        }
    }

    fn hits_of(&self, flats: impl Iterator<Item = u32>) -> Vec<u32> {
        let mut v: Vec<u32> = flats.map(|f| self.flats[f as usize].order).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    fn lane_delay(&self, l: usize, extra: i64) -> Vec<u32> {
        let lead = self.net.lanes[l].lead + extra;
        self.hits_of(self.by_lane[l].iter().copied().filter(|&f| {
            let fl = &self.flats[f as usize];
            fl.ship + lead > self.order_of(f).due
        }))
    }

    fn lane_outage(&self, l: usize, from: i64, until: i64) -> Vec<u32> {
        self.hits_of(self.by_lane[l].iter().copied().filter(|&f| {
            let s = self.flats[f as usize].ship;
            from <= s && s <= until && self.late_if_held(f, s, |d| from <= d && d <= until)
        }))
    }

    fn node_outage(&self, n: usize, from: i64, until: i64) -> Vec<u32> {
        self.hits_of(self.by_node[n].iter().copied().filter(|&f| {
            let s = self.flats[f as usize].ship;
            from <= s && s <= until && self.late_if_held(f, s, |d| from <= d && d <= until)
        }))
    }

    /// Orders of key `k` that cannot ship on time in serving order when the available stock
    /// at day 0 is `avail` and receipts arrive as `etas` says (None = never).
    fn stock_hits(&self, k: usize, avail: f64, etas: &[(Option<i64>, f64)]) -> Vec<u32> {
        let h = self.cal.h;
        let mut supply = vec![avail; h];
        for &(eta, q) in etas {
            if let Some(e) = eta.filter(|&e| e < h as i64) {
                for s in supply.iter_mut().skip(e.max(0) as usize) {
                    *s += q;
                }
            }
        }
        let mut cum = 0.0;
        let mut hit = Vec::new();
        for &f in &self.by_key[k] {
            let fl = &self.flats[f as usize];
            cum += fl.qty;
            if supply[fl.ship as usize] + 1e-9 >= cum {
                continue;
            }
            match (fl.ship as usize..h).find(|&d| supply[d] + 1e-9 >= cum) {
                None => hit.push(f),
                Some(d) => {
                    if self.late_if_held(f, d as i64, |_| false) {
                        hit.push(f);
                    }
                }
            }
        }
        self.hits_of(hit.into_iter())
    }

    fn key_etas(&self, k: usize, change: Option<(usize, Option<i64>)>) -> Vec<(Option<i64>, f64)> {
        self.key_receipts[k]
            .iter()
            .map(|&r| {
                let rec = &self.supply.receipts[r];
                match change {
                    Some((c, eta)) if c == r => (eta, rec.qty),
                    _ => (Some(rec.eta), rec.qty),
                }
            })
            .collect()
    }

    fn available(&self, k: usize, loss: f64) -> f64 {
        let (on_hand, reserved) = self.key_stock[k];
        ((on_hand - loss).max(0.0) - reserved).max(0.0)
    }
}

/// Lazily draws candidates of each kind, in a shuffled order of the things they hit.
struct Pools {
    lanes_delay: Vec<usize>,
    lanes_out: Vec<usize>,
    nodes: Vec<usize>,
    receipts_delay: Vec<usize>,
    receipts_cancel: Vec<usize>,
    keys: Vec<usize>,
    pos: [usize; 6],
    used_receipts: HashSet<usize>,
    /// The first zero-hit candidate of each kind, kept in case nothing better exists.
    fallback: [Option<Candidate>; 6],
}

/// Long because each disruption kind's candidate is drawn in one match, in a fixed sequence of
/// random draws that every generated dataset depends on.
fn next_candidate(
    kind: usize,
    pools: &mut Pools,
    est: &Estimator,
    rng: &mut Rng,
    book: &Book,
    net: &Network,
) -> Option<Candidate> {
    let cal = est.cal;
    let h = cal.h as i64;
    loop {
        let pool_len = match kind {
            K_DELAY => pools.receipts_delay.len(),
            K_CANCEL => pools.receipts_cancel.len(),
            K_LOSS => pools.keys.len(),
            K_NODE_OUT => pools.nodes.len(),
            K_LANE_OUT => pools.lanes_out.len(),
            _ => pools.lanes_delay.len(),
        };
        if pools.pos[kind] >= pool_len {
            return pools.fallback[kind].take();
        }
        let i = pools.pos[kind];
        pools.pos[kind] += 1;
        let outage = |rng: &mut Rng, days: &[i64]| -> (i64, i64) {
            let from = if days.is_empty() {
                rng.range(0, h - 1)
            } else {
                days[rng.below(days.len())]
            };
            let len = match rng.below(10) {
                0..=5 => 1,
                6..=8 => 2,
                _ => 3,
            };
            (from, (from + len - 1).min(h - 1))
        };
        let cand = match kind {
            K_LANE_DELAY => {
                let l = pools.lanes_delay[i];
                let extra = match rng.below(10) {
                    0..=5 => 1,
                    6..=8 => 2,
                    _ => 3,
                };
                Candidate {
                    kind,
                    hits: est.lane_delay(l, extra),
                    doc: DisruptionDoc::LaneDelay {
                        lane: net.lanes[l].id.clone(),
                        extra_days: extra,
                    },
                }
            }
            K_LANE_OUT => {
                let l = pools.lanes_out[i];
                let days: Vec<i64> = est.by_lane[l]
                    .iter()
                    .map(|&f| est.flats[f as usize].ship)
                    .collect();
                let (from, until) = outage(rng, &days);
                if (from..=until).any(|d| est.frozen_lane_days.contains(&(l, d))) {
                    continue;
                }
                Candidate {
                    kind,
                    hits: est.lane_outage(l, from, until),
                    doc: DisruptionDoc::LaneOutage {
                        lane: net.lanes[l].id.clone(),
                        from: cal.date(from),
                        until: cal.date(until),
                    },
                }
            }
            K_NODE_OUT => {
                let n = pools.nodes[i];
                let days: Vec<i64> = est.by_node[n]
                    .iter()
                    .map(|&f| est.flats[f as usize].ship)
                    .collect();
                let (from, until) = outage(rng, &days);
                if (from..=until).any(|d| est.frozen_node_days.contains(&(n, d))) {
                    continue;
                }
                Candidate {
                    kind,
                    hits: est.node_outage(n, from, until),
                    doc: DisruptionDoc::NodeOutage {
                        node: net.nodes[n].id.clone(),
                        from: cal.date(from),
                        until: cal.date(until),
                    },
                }
            }
            K_DELAY | K_CANCEL => {
                let r = if kind == K_DELAY {
                    pools.receipts_delay[i]
                } else {
                    pools.receipts_cancel[i]
                };
                if pools.used_receipts.contains(&r) {
                    continue;
                }
                let rec = &est.supply.receipts[r];
                let k = book.key_ix[&(rec.node, rec.sku)];
                if est.frozen_keys.contains(&k) {
                    continue;
                }
                let avail = est.available(k, 0.0);
                if kind == K_DELAY {
                    let eta = rec.eta.max(0) + rng.range(2, 6);
                    let hits = est.stock_hits(k, avail, &est.key_etas(k, Some((r, Some(eta)))));
                    Candidate {
                        kind,
                        hits,
                        doc: DisruptionDoc::InboundDelay {
                            inbound: rec.id.clone(),
                            eta: cal.date(eta),
                        },
                    }
                } else {
                    let hits = est.stock_hits(k, avail, &est.key_etas(k, Some((r, None))));
                    Candidate {
                        kind,
                        hits,
                        doc: DisruptionDoc::InboundCancel {
                            inbound: rec.id.clone(),
                        },
                    }
                }
            }
            _ => {
                let k = pools.keys[i];
                if est.frozen_keys.contains(&k) {
                    continue;
                }
                let (on_hand, reserved) = est.key_stock[k];
                if on_hand <= 0.0 {
                    continue;
                }
                // Lose the slack and the last one to three shipments' worth of units.
                let etas = est.key_etas(k, None);
                let entries = &est.by_key[k];
                let total_in = est.available(k, 0.0)
                    + etas
                        .iter()
                        .filter(|e| e.0.is_some_and(|d| d < h))
                        .map(|e| e.1)
                        .sum::<f64>();
                let need: f64 = entries.iter().map(|&f| est.flats[f as usize].qty).sum();
                let take = 1 + rng.below(3);
                let tail: f64 = entries
                    .iter()
                    .rev()
                    .take(take)
                    .map(|&f| est.flats[f as usize].qty)
                    .sum();
                let q = ((total_in - need).max(0.0) + tail).min(on_hand - reserved.min(on_hand));
                let q = q.max(1.0).min(on_hand).round();
                let hits = est.stock_hits(k, est.available(k, q), &etas);
                let (n, s) = book.keys[k];
                Candidate {
                    kind,
                    hits,
                    doc: DisruptionDoc::StockLoss {
                        node: net.nodes[n].id.clone(),
                        sku: book.skus[s].0.clone(),
                        quantity: q,
                    },
                }
            }
        };
        if cand.hits.is_empty() {
            if pools.fallback[kind].is_none() {
                pools.fallback[kind] = Some(cand);
            }
            continue;
        }
        if let DisruptionDoc::InboundDelay { .. } | DisruptionDoc::InboundCancel { .. } = cand.doc {
            let r = if kind == K_DELAY {
                pools.receipts_delay[i]
            } else {
                pools.receipts_cancel[i]
            };
            pools.used_receipts.insert(r);
        }
        return Some(cand);
    }
}

fn surge_disruptions(
    cfg: &GenerateConfig,
    count: usize,
    net: &Network,
    book: &Book,
    cal: &Calendar,
) -> Vec<DisruptionDoc> {
    if count == 0 {
        return Vec::new();
    }
    let mut rng = Rng::new(cfg.seed, STREAM_SURGE);
    let h = cal.h as i64;
    let qty_cum = cumulative(&QTY.map(|q| q.1));
    let width = order_width(cfg.orders * 2);
    // A few surges: a promotion, a competitor out of stock, a large project win...
    let groups = count.min(1 + rng.below(3) + count / 400);
    let mut out = Vec::with_capacity(groups);
    let mut next = book.orders.len();
    for g in 0..groups {
        let size = count / groups + usize::from(g < count % groups);
        // A surge comes from a few customers at once.
        let mut orders = Vec::with_capacity(size);
        for _ in 0..size {
            next += 1;
            let c = &book.customers[rng.below(book.customers.len())];
            let priority = match rng.below(10) {
                0..=3 => 1,
                4..=7 => 2,
                _ => 3,
            };
            let o = GOrder {
                customer: c.0.clone(),
                dest: c.1,
                due: rng.range(2.min(h), (h - 2).max(2)),
                priority,
                lines: draw_lines(&mut rng, &book.sku_cum, &qty_cum),
                plan: Vec::new(),
                allow_partial: true,
                max_sources: None,
                frozen: false,
                late_penalty: None,
                short_penalty: None,
            };
            orders.push(order_doc(&o, format!("SO-{next:0width$}"), net, book, cal));
        }
        out.push(DisruptionDoc::DemandSurge { orders });
    }
    out
}

/// Counts the orders at risk in `doc` by the rule users see (`risk::at_risk_flags`, SCENARIO.md
/// section 4), so the rate the generator aims at is the rate `recourse risk` reports.
fn measure(doc: &ScenarioDoc) -> usize {
    match validate(doc) {
        Ok((s, _)) => {
            let baseline = crate::risk::baseline::simulate(&s);
            let eval = crate::check::evaluate(&s, &baseline.plan);
            let flags = crate::risk::at_risk_flags(&s, &baseline, &eval);
            flags.iter().filter(|&&f| f).count()
        }
        Err(d) => panic!("the generator wrote an invalid scenario: {d:?}"),
    }
}

/// Long because the calibration's search (add, measure, keep or undo) shares its counters and
/// the random sequence in one loop.
fn calibrate(
    cfg: &GenerateConfig,
    net: &Network,
    book: &Book,
    supply: &Supply,
    cal: &Calendar,
    doc: &mut ScenarioDoc,
) -> (Vec<DisruptionDoc>, GenerateReport) {
    let mut rng = Rng::new(cfg.seed, STREAM_DISRUPTIONS);
    let w = cfg.mix.weights();
    let w_total: f64 = w.iter().sum();
    let n = book.orders.len();
    let rate = cfg.disruption_rate;
    let share = |k: usize| if w_total > 0.0 { w[k] / w_total } else { 0.0 };
    // Surge orders are at risk by definition: their count is exact.
    let surge = (rate * share(K_SURGE) * n as f64 / (1.0 - rate * share(K_SURGE)).max(0.05)).round()
        as usize;
    let surge = if rate > 0.0 && w[K_SURGE] > 0.0 && n > 0 {
        surge.max(1)
    } else {
        surge
    };
    let target = (rate * (n + surge) as f64).round() as usize;
    let target_ns = target.saturating_sub(surge);

    // Candidate pools, each in a seeded random order.
    let est = Estimator::new(net, book, supply, cal);
    let mut used_lanes: Vec<usize> = (0..net.lanes.len())
        .filter(|&l| !est.by_lane[l].is_empty())
        .collect();
    rng.shuffle(&mut used_lanes);
    let mut lanes_out = used_lanes.clone();
    rng.shuffle(&mut lanes_out);
    let mut nodes: Vec<usize> = (0..net.nodes.len())
        .filter(|&i| !est.by_node[i].is_empty())
        .collect();
    rng.shuffle(&mut nodes);
    // Outages per node at most once; popular nodes may be drawn again with other days.
    // Only receipts that planned shipments count on can hurt anyone.
    let mut receipts: Vec<usize> = (0..supply.receipts.len())
        .filter(|&r| {
            let rec = &supply.receipts[r];
            book.key_ix.contains_key(&(rec.node, rec.sku))
        })
        .collect();
    rng.shuffle(&mut receipts);
    let mut receipts_cancel = receipts.clone();
    rng.shuffle(&mut receipts_cancel);
    let mut keys: Vec<usize> = (0..book.keys.len()).collect();
    rng.shuffle(&mut keys);
    let mut pools = Pools {
        lanes_delay: used_lanes,
        lanes_out,
        nodes,
        receipts_delay: receipts,
        receipts_cancel,
        keys,
        pos: [0; 6],
        used_receipts: HashSet::new(),
        fallback: Default::default(),
    };

    // The sequence: one of every kind first, then the kind furthest behind its weight.
    let tol = ((target_ns as f64) * 0.04).round().max(1.0) as usize;
    let mut seq: Vec<Candidate> = Vec::new();
    let mut hit = vec![false; n];
    let mut union = 0usize;
    let mut kind_hits = [0.0f64; 6];
    let mut active: Vec<usize> = (0..6).filter(|&k| w[k] > 0.0).collect();
    let mut firsts: Vec<usize> = active.clone();
    firsts.sort_by(|&a, &b| w[b].total_cmp(&w[a]).then(a.cmp(&b)));
    let limit = 4 * target_ns + 20;
    if target_ns > 0 {
        let mut firsts = firsts.into_iter();
        while union < limit && !active.is_empty() {
            let k = match firsts.next() {
                Some(k) => k,
                None => *active
                    .iter()
                    .min_by(|&&a, &&b| {
                        (kind_hits[a] / w[a])
                            .total_cmp(&(kind_hits[b] / w[b]))
                            .then(a.cmp(&b))
                    })
                    .expect("active is not empty"),
            };
            match next_candidate(k, &mut pools, &est, &mut rng, book, net) {
                None => active.retain(|&x| x != k),
                Some(c) => {
                    kind_hits[k] += c.hits.len() as f64;
                    // A candidate that alone overshoots the target will be skipped: it does
                    // not count towards having enough.
                    if c.hits.len() <= target_ns + tol {
                        for &o in &c.hits {
                            if !hit[o as usize] {
                                hit[o as usize] = true;
                                union += 1;
                            }
                        }
                    }
                    seq.push(c);
                }
            }
        }
    }
    // A kind whose every candidate so far is big (a lane delay on a busy lane) may not fit
    // in a small target: look further for a small one.
    if target_ns > 0 {
        let small = (target_ns / 6).max(1);
        // The kinds drawn from pools; surges (the seventh) are counted exactly elsewhere.
        for (k, &weight) in w.iter().enumerate().take(6) {
            let mut least = seq
                .iter()
                .filter(|c| c.kind == k && !c.hits.is_empty())
                .map(|c| c.hits.len())
                .min();
            let mut draws = 0;
            while weight > 0.0 && draws < 200 && least.is_none_or(|m| m > small) {
                draws += 1;
                let Some(c) = next_candidate(k, &mut pools, &est, &mut rng, book, net) else {
                    break;
                };
                if !c.hits.is_empty() {
                    least = Some(least.map_or(c.hits.len(), |m| m.min(c.hits.len())));
                }
                seq.push(c);
            }
        }
    }
    // Choose a subset whose estimated hits come to `goal`: first the smallest candidate of
    // every kind (so that each kind shows up when it can without overshooting), then the
    // sequence in order, skipping a candidate that would overshoot by more than `tol`.
    // Check it with the real baseline (surge orders left out: they change nothing in the
    // simulation) and correct the goal by what the estimate missed.
    let mut smallest: Vec<usize> = Vec::new();
    for k in 0..6 {
        if let Some(i) = (0..seq.len())
            .filter(|&i| seq[i].kind == k)
            .min_by_key(|&i| (seq[i].hits.is_empty(), seq[i].hits.len(), i))
        {
            smallest.push(i);
        }
    }
    smallest.sort_by_key(|&i| (seq[i].hits.len(), i));
    let select = |goal: usize| -> (Vec<usize>, usize) {
        let mut hit = vec![false; n];
        let mut taken = vec![false; seq.len()];
        let mut union = 0;
        for &i in smallest.iter().chain(&(0..seq.len()).collect::<Vec<_>>()) {
            if union >= goal {
                break;
            }
            let c = &seq[i];
            if taken[i] {
                continue;
            }
            let new = c.hits.iter().filter(|&&o| !hit[o as usize]).count();
            if union + new > goal + tol {
                continue;
            }
            for &o in &c.hits {
                hit[o as usize] = true;
            }
            union += new;
            taken[i] = true;
        }
        let chosen = (0..seq.len()).filter(|&i| taken[i]).collect();
        (chosen, union)
    };
    let mut runs = 0;
    let mut best: Option<(Vec<usize>, usize)> = None; // (chosen, measured)
    if target_ns > 0 && !seq.is_empty() {
        let mut goal = target_ns;
        let mut tried: HashSet<usize> = HashSet::new();
        for _ in 0..4 {
            if !tried.insert(goal) {
                break;
            }
            let (chosen, est_hits) = select(goal);
            doc.disruptions = chosen.iter().map(|&i| seq[i].doc.clone()).collect();
            let m = measure(doc);
            runs += 1;
            let off = m.abs_diff(target_ns);
            if best.as_ref().is_none_or(|b| off < b.1.abs_diff(target_ns)) {
                best = Some((chosen, m));
            }
            if off <= tol || (m < target_ns && est_hits < goal) {
                // Close enough, or the candidates ran out.
                break;
            }
            goal = (goal + target_ns).saturating_sub(m).max(1);
        }
    }
    let (chosen, measured) = best.unwrap_or_default();
    doc.disruptions.clear();

    // Grouped by kind, in the order of DISRUPTION_KINDS, each kind in sequence order.
    let mut chosen: Vec<&Candidate> = chosen.iter().map(|&i| &seq[i]).collect();
    chosen.sort_by_key(|c| c.kind);
    let mut disruptions: Vec<DisruptionDoc> = chosen.iter().map(|c| c.doc.clone()).collect();
    let mut by_kind = [0usize; 7];
    for c in &chosen {
        by_kind[c.kind] += 1;
    }
    let surges = surge_disruptions(cfg, surge, net, book, cal);
    by_kind[K_SURGE] = surges.len();
    disruptions.extend(surges);
    let total = n + surge;
    let at_risk = measured + surge;
    let report = GenerateReport {
        orders: total,
        surge_orders: surge,
        at_risk,
        at_risk_share: if total > 0 {
            at_risk as f64 / total as f64
        } else {
            0.0
        },
        target_at_risk: target,
        disruptions_by_kind: by_kind,
        calibration_runs: runs,
    };
    (disruptions, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(x: f64, y: f64) -> GNode {
        GNode {
            id: String::new(),
            kind: NodeKind::Dc,
            x,
            y,
        }
    }

    /// What a full sort by (distance, index) gives: the definition the grid must meet.
    fn brute(nodes: &[GNode], set: &[usize], to: usize, k: usize) -> Vec<usize> {
        let mut v: Vec<(f64, usize)> = set
            .iter()
            .filter(|&&i| i != to)
            .map(|&i| (dist(&nodes[i], &nodes[to]), i))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        v.into_iter().take(k).map(|x| x.1).collect()
    }

    #[test]
    fn the_grid_finds_what_a_full_sort_finds() {
        let mut rng = Rng::new(7, 0);
        for trial in 0..40 {
            let n = 1 + rng.below(300);
            // Coarse coordinates make ties and coincident nodes common.
            let coarse = trial % 2 == 0;
            let nodes: Vec<GNode> = (0..n)
                .map(|_| {
                    let (x, y) = (rng.unit() * 1000.0, rng.unit() * 1000.0);
                    if coarse {
                        node((x / 100.0).round() * 100.0, (y / 250.0).round() * 250.0)
                    } else {
                        node(round2(x), round2(y))
                    }
                })
                .collect();
            // The set is a part of the nodes; queries come from all of them, so some lie
            // outside the set's bounding box and some are members of the set.
            let set: Vec<usize> = (0..n).filter(|_| rng.chance(0.5)).collect();
            let grid = Nearest::new(&nodes, &set);
            for to in 0..n {
                for k in 0..5 {
                    assert_eq!(
                        grid.query(to, k),
                        brute(&nodes, &set, to, k),
                        "trial {trial}, node {to}, k {k}"
                    );
                }
            }
        }
    }

    #[test]
    fn sizes_beyond_memory_are_named() {
        let mut cfg = GenerateConfig::default();
        assert_eq!(cfg.memory_problem(8_000_000_000), None);
        cfg.orders = 10_000_000;
        let p = cfg.memory_problem(8_000_000_000).unwrap();
        assert!(
            p.contains("need about 30.") && p.contains("8.0 GB available"),
            "{p}"
        );
    }
}
