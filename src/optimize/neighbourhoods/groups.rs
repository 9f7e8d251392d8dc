//! The neighbourhoods' groups of orders, in the order a round takes them: the late or short
//! orders, then those charged transfers feed or charged lanes carry, then the holders of the
//! SKUs late or short lines lack.

use crate::check::Evaluation;
use crate::plan::Plan;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::{LaneIx, NodeIx, SkuIx};

/// A round's groups: those of the late or short orders, then, when `feeding`, those of
/// [`fed_groups`] and of [`holder_groups`]; in each, the late or short orders' sources
/// open (`Group::sourcing`).
pub(super) fn round(
    s: &Scenario,
    plan: &Plan,
    eval: &Evaluation,
    feeding: bool,
    size: usize,
) -> Vec<Group> {
    let mut all = groups(s, eval, size);
    if feeding {
        all.extend(fed_groups(s, plan, eval, size));
        all.extend(holder_groups(s, eval, size));
    }
    for g in &mut all {
        g.sourcing = g
            .orders
            .iter()
            .copied()
            .filter(|&i| !eval.orders[i].on_time_in_full())
            .collect();
        g.sourcing.sort_unstable();
    }
    all
}

/// The orders one neighbourhood decides.
pub(super) struct Group {
    pub(super) orders: Vec<usize>,
    /// Whether its LP also leaves open the charges of the lane-days the plan pays for
    /// ([`open_decisions`](super::reflow::open_decisions)): in the groups of
    /// [`fed_groups`], whose point is to take back transfers and the charges they alone
    /// pay. Measured on large seeds 1-2 with every
    /// group opening them: 12-13 neighbourhoods in the limit instead of 16-18 (each dive
    /// longer) and plans 2.4-2.5 % dearer.
    pub(super) charges: bool,
    /// Whether it is one of [`holder_groups`] (counted in `Neighbourhoods::holders`).
    pub(super) holder: bool,
    /// Its orders (ascending) whose source nodes its LP may change
    /// ([`open_decisions`](super::reflow::open_decisions)): those late or short in the
    /// plan; set by [`round`].
    pub(super) sourcing: Vec<usize>,
}

/// The late or short orders of `eval` (frozen ones never), in groups of `size`: sorted
/// by their first line's SKU so that a group's orders can trade stock, the groups in order
/// of what their orders' lateness and shortage cost.
pub(super) fn groups(s: &Scenario, eval: &Evaluation, size: usize) -> Vec<Group> {
    let mut open: Vec<usize> = (0..s.orders.len())
        .filter(|&i| !s.orders[i].frozen && !eval.orders[i].on_time_in_full())
        .collect();
    open.sort_by_key(|&i| (s.orders[i].lines.first().map(|l| l.sku), i));
    let stake = |i: usize| {
        let (o, e) = (&s.orders[i], &eval.orders[i]);
        e.short_units * o.short_penalty_per_unit + e.late_unit_days * o.late_penalty_per_unit_day
    };
    let mut groups: Vec<(f64, Vec<usize>)> = open
        .chunks(size)
        .map(|g| (g.iter().map(|&i| stake(i)).sum(), g.to_vec()))
        .collect();
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    groups
        .into_iter()
        .map(|g| Group {
            orders: g.1,
            charges: false,
            holder: false,
            sourcing: Vec::new(),
        })
        .collect()
}

/// The on-time orders of `plan` that ship from a (node, SKU) that a transfer reaches on a
/// charged lane-day no shipment uses, or that ship on a charged lane themselves, grouped
/// by that lane (for the first: the lowest index when several feed the pair) in groups of
/// `size`, lane after lane. The late or short orders' neighbourhoods hold them at their
/// shipments, so the stock those transfers bring stays needed where it lands and the
/// lane-days they ship on stay paid; deciding them lets an LP serve them from elsewhere or
/// on fewer days and take the transfers back (`Meaning::Recall`) with their charges. On
/// medium seed 1 at 5 s the rules' plan paid 20,779 of charges on lane-days only transfers
/// used against 4,728 in the best plan known (`models/neighbourhoods.md`, "Held
/// transfers"); the orders on charged lanes themselves lowered medium seeds 1-3 by another
/// 0.5-1.0 % (seed 4 the same).
pub(super) fn fed_groups(s: &Scenario, plan: &Plan, eval: &Evaluation, size: usize) -> Vec<Group> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    let shipped: HashSet<(LaneIx, Day)> = plan.shipping_lane_days().collect();
    let mut feeds: HashMap<(NodeIx, SkuIx), LaneIx> = HashMap::new();
    for t in &plan.transfers {
        let lane = s.lane(t.lane);
        if lane.fixed_cost_per_day > 0.0 && !shipped.contains(&(t.lane, t.ship)) {
            let l = feeds.entry((lane.to, t.sku)).or_insert(t.lane);
            *l = (*l).min(t.lane);
        }
    }
    let mut by_lane: BTreeMap<LaneIx, Vec<usize>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for e in &plan.shipments {
        let i = e.order.ix();
        if s.orders[i].frozen || !eval.orders[i].on_time_in_full() {
            continue;
        }
        let charged = e.lane.filter(|&l| s.lane(l).fixed_cost_per_day > 0.0);
        if let Some(l) = feeds.get(&(e.node, e.sku)).copied().or(charged) {
            if seen.insert(i) {
                by_lane.entry(l).or_default().push(i);
            }
        }
    }
    let orders: Vec<usize> = by_lane.into_values().flatten().collect();
    orders
        .chunks(size)
        .map(|g| Group {
            orders: g.to_vec(),
            charges: true,
            holder: false,
            sourcing: Vec::new(),
        })
        .collect()
}

/// Every order (not frozen) with a line of a SKU that late or short lines lack, grouped by
/// SKU: the SKUs in order of what their lines' shortage and their orders' lateness cost
/// (an order's lateness shared among its lines), each SKU's orders whole, SKU after SKU
/// until a group holds at least `size` orders; `holder` set. The late or short orders'
/// neighbourhoods hold every other order at its shipments, so the stock on-time orders of
/// the same SKU use stays theirs; deciding them all at once lets an LP give that stock to
/// the orders whose shortage or lateness costs more, and serve the others from elsewhere.
/// Measured on medium at `--time-limit 5` (seeds 1-7, two to four runs each): 0.8-12.6 %
/// cheaper on four seeds, the same within the runs' spread on three
/// (`models/neighbourhoods.md`, "Holders of a SKU").
pub(super) fn holder_groups(s: &Scenario, eval: &Evaluation, size: usize) -> Vec<Group> {
    let mut stake = vec![0.0; s.skus.len()];
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); s.skus.len()];
    for (i, (o, e)) in s.orders.iter().zip(&eval.orders).enumerate() {
        if o.frozen {
            continue;
        }
        let late = e.late_unit_days * o.late_penalty_per_unit_day / o.lines.len().max(1) as f64;
        for (l, shipped) in o.lines.iter().zip(&e.shipped) {
            let short = (l.quantity - shipped).max(0.0) * o.short_penalty_per_unit;
            stake[l.sku.ix()] += short + late;
            holders[l.sku.ix()].push(i);
        }
    }
    let mut skus: Vec<usize> = (0..s.skus.len()).filter(|&k| stake[k] > 0.0).collect();
    skus.sort_by(|&a, &b| stake[b].total_cmp(&stake[a]).then(a.cmp(&b)));
    let mut taken = vec![false; s.orders.len()];
    let mut groups = Vec::new();
    let mut orders = Vec::new();
    for k in skus {
        for &i in &holders[k] {
            if !std::mem::replace(&mut taken[i], true) {
                orders.push(i);
            }
        }
        if orders.len() >= size {
            groups.push(std::mem::take(&mut orders));
        }
    }
    if !orders.is_empty() {
        groups.push(orders);
    }
    // The late or short orders first, then the on-time ones cheapest to leave short: the
    // first to give their stock, and the last cut when the time left does not fit them all.
    for g in &mut groups {
        g.sort_by(|&a, &b| {
            let key = |i: usize| {
                (
                    eval.orders[i].on_time_in_full(),
                    s.orders[i].short_penalty_per_unit,
                )
            };
            let (x, y) = (key(a), key(b));
            x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(a.cmp(&b))
        });
    }
    groups
        .into_iter()
        .map(|orders| Group {
            orders,
            charges: false,
            holder: true,
            sourcing: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::check::evaluate;
    use crate::plan::Plan;

    use crate::scenario::ids::{LaneIx, NodeIx, SkuIx};

    /// SO-1 (priority 1) short, SO-2 (priority 1) and SO-3 (priority 3) on time, all of SKU
    /// A: one holder group, SO-1 first, then SO-3, the cheaper to leave short, then SO-2.
    #[test]
    fn a_holder_group_puts_the_late_or_short_first_then_the_cheapest_to_leave_short() {
        use crate::plan::Shipment;
        use crate::scenario::ids::OrderIx;
        let order = |id: &str, priority: u32| {
            serde_json::json!({"id": id, "destination": "ZONE", "due": "2026-11-30",
                "priority": priority, "lines": [{"sku": "A", "quantity": 10}], "plan": []})
        };
        let doc = serde_json::json!({
            "format": "recourse.scenario/1", "id": "holders", "as_of": "2026-11-27",
            "horizon_days": 7, "currency": "EUR", "skus": [{"id": "A"}],
            "nodes": [{"id": "DC", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
            "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                       "lead_time_days": 1, "cost_per_unit": 1.0}],
            "stock": [{"node": "DC", "sku": "A", "on_hand": 20}], "inbound": [],
            "orders": [order("SO-1", 1), order("SO-2", 1), order("SO-3", 3)],
            "disruptions": []
        });
        let s = crate::scenario::validate::load_scenario(doc.to_string().as_bytes())
            .unwrap()
            .0;
        let ship = |i: usize| Shipment {
            order: OrderIx::new(i),
            sku: SkuIx::new(0),
            node: NodeIx::new(0),
            lane: Some(LaneIx::new(0)),
            ship: 1,
            quantity: 10.0,
        };
        let plan = Plan {
            shipments: vec![ship(1), ship(2)],
            ..Plan::default()
        };
        let eval = evaluate(&s, &plan);
        assert!(eval.feasible(), "{:?}", eval.violations);
        let groups = holder_groups(&s, &eval, 10);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].orders, vec![0, 2, 1]);
        assert!(groups[0].holder && !groups[0].charges);
    }
}
