//! Each SKU's sources (stock on hand, receipts by the day they can first leave) and sinks
//! (order lines, in parts by the node each part was planned from).

use super::until::Until;
use crate::scenario::domain::{Line, Order, Scenario};

/// Orders read between two looks at the clock while reading the lines.
const CHECK_EVERY: usize = 1024;

/// Per SKU with order lines, its sources (units per node and day they can first leave,
/// [`sources_per_sku`]) and its lines without the change penalties ([`lines_per_sku`]);
/// `None` once `until` has passed.
pub(super) fn per_sku(s: &Scenario, until: &Until) -> Option<Vec<(Vec<Source>, Vec<Sink>)>> {
    let lines = lines_per_sku(s, 0.0, until)?;
    Some(
        sources_per_sku(s)
            .into_iter()
            .zip(lines)
            .filter(|(_, sinks)| !sinks.is_empty())
            .collect(),
    )
}

/// How many SKUs have order lines: as many as [`per_sku`] holds, counted without reading
/// the lines.
pub(super) fn skus_with_lines(s: &Scenario) -> usize {
    let mut has = vec![false; s.skus.len()];
    for l in s.orders.iter().flat_map(|o| &o.lines) {
        has[l.sku.ix()] = true;
    }
    has.into_iter().filter(|&h| h).count()
}

/// Per SKU, its lines: units per destination, due day and penalties, in parts per planned
/// node when `change` is above 0, merged where equal; empty for a SKU without lines (one
/// with lines has at least one part whatever `change`, so the same SKUs have lines in
/// both passes). `None` once `until` has passed, looked at every [`CHECK_EVERY`] orders
/// from the first: on 1,000,000 orders the lines take 0.5 s, and the solver's share of the
/// limit is spent before they would be read.
pub(super) fn lines_per_sku(s: &Scenario, change: f64, until: &Until) -> Option<Vec<Vec<Sink>>> {
    let mut lines: Vec<Vec<Sink>> = Vec::new();
    lines.resize_with(s.skus.len(), Vec::new);
    for (i, o) in s.orders.iter().enumerate() {
        if i % CHECK_EVERY == 0 && until.passed() {
            return None;
        }
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
    Some(lines)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// The lines of a scenario with two orders of two SKUs: read before the deadline, none
    /// after it (the first look at the clock comes before the first order).
    #[test]
    fn the_lines_are_not_read_past_the_deadline() {
        let doc = serde_json::json!({
            "format": "recourse.scenario/1", "id": "t", "as_of": "2026-11-27",
            "horizon_days": 3, "currency": "EUR",
            "skus": [{"id": "A"}, {"id": "B"}, {"id": "C"}],
            "nodes": [{"id": "DC", "kind": "dc"}, {"id": "Z", "kind": "customer"}],
            "lanes": [{"id": "DC-Z", "from": "DC", "to": "Z", "mode": "ground",
                       "lead_time_days": 1, "cost_per_unit": 1.0}],
            "stock": [{"node": "DC", "sku": "A", "on_hand": 5}],
            "inbound": [],
            "orders": [
                {"id": "SO-1", "destination": "Z", "due": "2026-11-28", "priority": 1,
                 "lines": [{"sku": "A", "quantity": 2}]},
                {"id": "SO-2", "destination": "Z", "due": "2026-11-28", "priority": 1,
                 "lines": [{"sku": "B", "quantity": 3}, {"sku": "A", "quantity": 1}]}
            ],
            "disruptions": []
        });
        let doc: crate::scenario::wire::ScenarioDoc = serde_json::from_value(doc).unwrap();
        let (s, _) = crate::scenario::validate::validate(&doc).unwrap();
        let later = Until::deadline(Instant::now() + Duration::from_secs(3600));
        let lines = lines_per_sku(&s, 0.0, &later).unwrap();
        assert_eq!(lines.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1, 0]);
        assert_eq!(per_sku(&s, &later).unwrap().len(), 2);
        assert_eq!(skus_with_lines(&s), 2);
        let past = Until::deadline(Instant::now() - Duration::from_millis(1));
        assert!(lines_per_sku(&s, 0.0, &past).is_none());
        assert!(per_sku(&s, &past).is_none());
    }
}
