//! Step 1: plants, DCs, stores and customer zones on a plane, and the lanes between them.

use super::calendar::{Calendar, MON_FRI, MON_SAT, MON_WED_FRI};
use super::config::GenerateConfig;
use super::random::{Rng, STREAM_NETWORK};
use super::rounding::round2;
use crate::scenario::wire::{Location, NodeKind};
use std::collections::HashSet;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Ground,
    Air,
}

pub(super) struct GNode {
    pub(super) id: String,
    pub(super) kind: NodeKind,
    pub(super) x: f64,
    y: f64,
}

pub(super) struct GLane {
    pub(super) id: String,
    pub(super) from: usize,
    pub(super) to: usize,
    pub(super) mode: Mode,
    pub(super) lead: i64,
    pub(super) cost: f64,
    pub(super) fixed: f64,
    /// Weekday bits; `None` = every day (written without `departure_days`).
    pub(super) days: Option<u8>,
    pub(super) transfer: bool,
}

impl GLane {
    pub(super) fn departs(&self, cal: &Calendar, d: i64) -> bool {
        self.days.is_none_or(|m| m & cal.weekday_bit(d) != 0)
    }

    /// The latest departure day in 0..=min(upto, H-1).
    pub(super) fn latest_departure(&self, cal: &Calendar, upto: i64) -> Option<i64> {
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
    pub(super) fn next_departure(
        &self,
        cal: &Calendar,
        from: i64,
        closed: impl Fn(i64) -> bool,
    ) -> Option<i64> {
        (from.max(0)..cal.h as i64).find(|&d| self.departs(cal, d) && !closed(d))
    }
}

pub(super) struct Network {
    pub(super) nodes: Vec<GNode>,
    pub(super) lanes: Vec<GLane>,
    pub(super) plants: Vec<usize>,
    pub(super) dcs: Vec<usize>,
    pub(super) stores: Vec<usize>,
    pub(super) zones: Vec<usize>,
    /// Per node: lanes into it from a stock-holding node, nearest first.
    pub(super) into: Vec<Vec<usize>>,
    /// Per zone position (index into `zones`): relative order volume.
    pub(super) zone_weight: Vec<f64>,
}

/// Where a node of the plane is drawn: the 1000 x 1000 km square centred on 48.5 N, 9 E (an
/// equirectangular projection at that latitude, rounded to about 10 m). For pictures only:
/// costs and lead times come from the plane's distances.
pub(super) fn on_the_map(n: &GNode) -> Location {
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
    pub(super) nodes: &'a [GNode],
    pub(super) min: (f64, f64),
    cell: f64,
    side: usize,
    /// Node indices per cell, row-major.
    cells: Vec<Vec<usize>>,
}

impl<'a> Nearest<'a> {
    pub(super) fn new(nodes: &'a [GNode], set: &[usize]) -> Self {
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

pub(super) fn short_id(id: &str) -> String {
    id.replace('-', "")
}

/// The network of `cfg`: nodes placed on the plane, then customer lanes, then transfer
/// lanes, drawn in that order from the network's random stream.
pub(super) fn build_network(cfg: &GenerateConfig, cal: &Calendar) -> Network {
    let mut rng = Rng::new(cfg.seed, STREAM_NETWORK);
    let mut net = place_nodes(cfg, &mut rng);
    let air = cfg.modes.iter().any(|m| m == "air");
    let mut lanes = LaneSet {
        lanes: Vec::new(),
        seen: HashSet::new(),
        weekly: cal.h >= 7,
    };
    let nearest_plants = Nearest::new(&net.nodes, &net.plants);
    let nearest_dcs = Nearest::new(&net.nodes, &net.dcs);
    add_customer_lanes(&net, air, &mut rng, &mut lanes);
    let pairs = transfer_pairs(&net, &nearest_plants, &nearest_dcs, &mut rng);
    add_transfer_lanes(&net.nodes, pairs, &mut rng, &mut lanes);
    let lanes = lanes.lanes;
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

/// The nodes of `cfg` on the plane, plants, DCs, stores, then customer zones (each with its
/// weight drawn after its place), and no lanes yet. About 1 in 8 stock nodes is a plant
/// (none below 3 nodes), 1 in 6 a store (none below 5), the rest DCs.
fn place_nodes(cfg: &GenerateConfig, rng: &mut Rng) -> Network {
    let n = cfg.stock_nodes;
    let plants = if n >= 3 { ((n + 4) / 8).max(1) } else { 0 };
    let stores = if n >= 5 { n / 6 } else { 0 };
    let dcs = n - plants - stores;
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
        nodes.push(place(rng, format!("PL-{:02}", i + 1), NodeKind::Plant));
    }
    for i in 0..dcs {
        net.dcs.push(nodes.len());
        nodes.push(place(rng, format!("DC-{:02}", i + 1), NodeKind::Dc));
    }
    for i in 0..stores {
        net.stores.push(nodes.len());
        nodes.push(place(rng, format!("ST-{:02}", i + 1), NodeKind::Store));
    }
    for i in 0..cfg.customer_zones {
        net.zones.push(nodes.len());
        nodes.push(place(rng, format!("Z-{:03}", i + 1), NodeKind::Customer));
        // A few big zones (cities), many small ones.
        let u = rng.unit();
        net.zone_weight.push(0.15 + 3.0 * u * u * u);
    }
    net.nodes = nodes;
    net
}

/// The lanes built so far, at most one per (from, to, mode).
struct LaneSet {
    lanes: Vec<GLane>,
    seen: HashSet<(usize, usize, bool)>,
    /// Whether the horizon spans a week: weekday restrictions only then (else a lane might
    /// never go).
    weekly: bool,
}

impl LaneSet {
    /// Adds `lane` unless a lane of its mode already joins its ends.
    fn add(&mut self, lane: GLane) {
        if self
            .seen
            .insert((lane.from, lane.to, lane.mode == Mode::Air))
        {
            self.lanes.push(lane);
        }
    }

    /// `days`, when the horizon spans a week; every day otherwise.
    fn days(&self, days: Option<u8>) -> Option<u8> {
        if self.weekly {
            days
        } else {
            None
        }
    }
}

/// Ground lanes into each zone from its 2 to 4 nearest plants and DCs (stores when there
/// are none), and air lanes (with `air`) from some of the nearest three.
fn add_customer_lanes(net: &Network, air: bool, rng: &mut Rng, lanes: &mut LaneSet) {
    let nodes = &net.nodes;
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
            lanes.add(GLane {
                id: format!("{}-{}-G", short_id(&nodes[s].id), short_id(&nodes[z].id)),
                from: s,
                to: z,
                mode: Mode::Ground,
                lead,
                cost,
                fixed: 0.0,
                days: lanes.days(days),
                transfer: false,
            });
            let want_air = if lead >= 2 { 0.6 } else { 0.15 };
            if air && rank < 3 && rng.chance(want_air) {
                let factor = 3.0 + 2.0 * rng.unit();
                lanes.add(GLane {
                    id: format!("{}-{}-A", short_id(&nodes[s].id), short_id(&nodes[z].id)),
                    from: s,
                    to: z,
                    mode: Mode::Air,
                    lead: 1,
                    cost: round2(cost * factor),
                    fixed: 0.0,
                    days: lanes.days(Some(MON_FRI)),
                    transfer: false,
                });
            }
        }
    }
}

/// The (from, to) pairs of the transfer lanes: plant -> nearest 3 DCs, nearest plant -> DC,
/// DC <-> its 2 nearest DCs, and nearest 1 or 2 DCs (plants when there are none) -> store.
fn transfer_pairs(
    net: &Network,
    nearest_plants: &Nearest,
    nearest_dcs: &Nearest,
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
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
            nearest_plants
        } else {
            nearest_dcs
        };
        for d in feeders.query(s, 1 + rng.below(2)) {
            pairs.push((d, s));
        }
    }
    pairs
}

/// A ground transfer lane for each of `pairs`, with lead time and cost from the distance,
/// departure days drawn (every day, mon-fri or mon/wed/fri) and, for most, a fixed charge
/// per departure day.
fn add_transfer_lanes(
    nodes: &[GNode],
    pairs: Vec<(usize, usize)>,
    rng: &mut Rng,
    lanes: &mut LaneSet,
) {
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
        lanes.add(GLane {
            id: format!("{}-{}-G", short_id(&nodes[a].id), short_id(&nodes[b].id)),
            from: a,
            to: b,
            mode: Mode::Ground,
            lead: (1 + (d / 400.0) as i64).min(3),
            cost: round2(0.3 + 0.001 * d),
            fixed,
            days: lanes.days(days),
            transfer: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::generate::random::Rng;
    use crate::tools::generate::rounding::round2;

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
}
