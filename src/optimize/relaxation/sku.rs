//! Each SKU's sources (stock on hand, receipts by the day they can first leave) and sinks
//! (order lines, in parts by the node each part was planned from).

use crate::scenario::domain::{Line, Order, Scenario};

/// Per SKU with order lines, its sources (units per node and day they can first leave,
/// [`sources_per_sku`]) and its lines without the change penalties ([`lines_per_sku`]).
pub(super) fn per_sku(s: &Scenario) -> Vec<(Vec<Source>, Vec<Sink>)> {
    sources_per_sku(s)
        .into_iter()
        .zip(lines_per_sku(s, 0.0))
        .filter(|(_, sinks)| !sinks.is_empty())
        .collect()
}

/// Per SKU, its lines: units per destination, due day and penalties, in parts per planned
/// node when `change` is above 0, merged where equal; empty for a SKU without lines (one
/// with lines has at least one part whatever `change`, so the same SKUs have lines in
/// both passes).
pub(super) fn lines_per_sku(s: &Scenario, change: f64) -> Vec<Vec<Sink>> {
    let mut lines: Vec<Vec<Sink>> = Vec::new();
    lines.resize_with(s.skus.len(), Vec::new);
    for o in s.orders.iter() {
        for l in &o.lines {
            line_parts(o, l, change, &mut lines[l.sku.ix()]);
        }
    }
    for sinks in &mut lines {
        merge(
            sinks,
            |k| {
                let planned = k.planned.map_or(0, |n| n + 1);
                (
                    k.destination,
                    k.due,
                    k.late.to_bits(),
                    k.short.to_bits(),
                    planned,
                )
            },
            |k| &mut k.units,
        );
    }
    lines
}

/// Per SKU, the units of its stock (on day 0) and receipts (from their earliest day),
/// merged where node, day and cost are equal.
fn sources_per_sku(s: &Scenario) -> Vec<Vec<Source>> {
    let mut skus: Vec<Vec<Source>> = Vec::new();
    skus.resize_with(s.skus.len(), Default::default);
    for &(node, sku) in s.stock.keys() {
        let units = s.available_at_start(node, sku);
        if units > 0.0 {
            let node = node.ix();
            skus[sku.ix()].push(Source {
                node,
                day: 0,
                units,
                surcharge: 0.0,
                then: None,
            });
        }
    }
    for r in &s.inbound {
        if r.quantity <= 0.0 {
            continue;
        }
        // An expedite that brings the units sooner is an option at its cost shared per
        // unit: a plan that uses x of the q units before the eta pays the whole cost, at
        // least cost * x / q.
        let per_unit = r.expedite.map_or(0.0, |x| x.cost.max(0.0)) / r.quantity;
        let ways = match (r.arrival(false), r.arrival(true)) {
            (eta, Some(early)) if eta.is_none_or(|eta| early < eta) => {
                Some((i64::from(early), per_unit, eta.map(i64::from)))
            }
            (Some(eta), _) => Some((i64::from(eta), 0.0, None)),
            (None, _) => None,
        };
        if let Some((day, surcharge, then)) = ways {
            skus[r.sku.ix()].push(Source {
                node: r.node.ix(),
                day,
                units: r.quantity,
                surcharge,
                then,
            });
        }
    }
    for sources in &mut skus {
        merge(
            sources,
            |x| (x.node, x.day, x.surcharge.to_bits(), x.then),
            |x| &mut x.units,
        );
    }
    skus
}

/// Into `parts`, order `o`'s line `l`: with `change` above 0, a part per node its plan
/// ships the SKU from, with the units planned there, whose units cost the change penalty
/// unless they come from that node (SCENARIO.md: the planned quantities add up to at most
/// the line's); then the rest, even with no units left (a SKU keeps its lines whatever
/// `change`).
fn line_parts(o: &Order, l: &Line, change: f64, parts: &mut Vec<Sink>) {
    let sink = |units: f64, planned: Option<usize>| Sink {
        destination: o.destination.ix(),
        due: o.due,
        late: o.late_penalty_per_unit_day,
        short: o.short_penalty_per_unit,
        units,
        planned,
        change: if planned.is_some() { change } else { 0.0 },
    };
    let mut planned: Vec<(usize, f64)> = Vec::new();
    if change > 0.0 {
        for e in o.plan.iter().filter(|e| e.sku == l.sku && e.quantity > 0.0) {
            match planned.iter_mut().find(|p| p.0 == e.node.ix()) {
                Some(p) => p.1 += e.quantity,
                None => planned.push((e.node.ix(), e.quantity)),
            }
        }
    }
    let mut rest = l.quantity;
    for (node, units) in planned {
        let units = units.min(rest);
        rest -= units;
        parts.push(sink(units, Some(node)));
    }
    parts.push(sink(rest, None));
}

/// `v` sorted by `key`, with the units of equal keys added into one.
fn merge<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K, units: impl Fn(&mut T) -> &mut f64) {
    v.sort_by_key(|x| key(x));
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v.drain(..) {
        match out.last_mut() {
            Some(last) if key(last) == key(&x) => {
                let mut x = x;
                *units(last) += *units(&mut x);
            }
            _ => out.push(x),
        }
    }
    *v = out;
}

pub(super) struct Source {
    pub(super) node: usize,
    pub(super) day: i64,
    pub(super) units: f64,
    /// What a unit leaving from `day` costs first: 0, or for a receipt that only an
    /// expedite brings by `day`, the expedite's cost per unit of the receipt.
    pub(super) surcharge: f64,
    /// Such a receipt's own eta, when it arrives inside the horizon: from there its units
    /// cost nothing first.
    pub(super) then: Option<i64>,
}

pub(super) struct Sink {
    pub(super) destination: usize,
    pub(super) due: i64,
    pub(super) late: f64,
    pub(super) short: f64,
    pub(super) units: f64,
    /// The node the units of this part of a line were planned from, if any, and the change
    /// penalty each of them costs unless a unit from that node serves it, short or not
    /// ([`Flow::of`](super::flow::Flow::of)); 0 without a plan.
    pub(super) planned: Option<usize>,
    pub(super) change: f64,
}
