//! Orders: their fields, lines and current plans (surge orders' too).

use super::paths::{Elem, OrderAt};
use super::validator::Validator;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// What an order's references resolve in: the ids' index, and the nodes and lanes
/// validated before the orders (no lanes when one of them did not resolve).
pub(super) struct Network<'a> {
    pub(super) index: &'a Index,
    pub(super) nodes: &'a [Node],
    pub(super) lanes: &'a [Lane],
}

/// A plan entry's route, resolved: from its node, over its lane (`None`: fulfilled
/// locally), to its order's destination.
#[derive(Clone, Copy)]
struct Route {
    node: NodeIx,
    lane: Option<LaneIx>,
    dest: NodeIx,
}

/// An order's plan entries as read, the units planned per SKU, and the ship days used.
struct Planned {
    pub(super) plan: Vec<PlanEntry>,
    pub(super) planned: HashMap<SkuIx, f64>,
    pub(super) plan_days: HashSet<u32>,
}

impl Validator {
    /// Order `o` at path `p` (brought by `surge`, if one did), its references resolved in
    /// `net` and its penalties defaulting to `penalties`, read in parts: its scalar fields,
    /// its lines, its plan entries, and the plan's totals against the lines. `None` when a
    /// part it needs is broken (the diagnostics say why).
    pub(super) fn order(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        surge: Option<DisruptionIx>,
        net: &Network,
        penalties: &[PriorityPenalty],
    ) -> Option<Order> {
        let dest = self.node_ref(net.index, &format_args!("{p}.destination"), &o.destination);
        let due = self.day(&format_args!("{p}.due"), &o.due);
        self.order_fields(p, o);
        let (lines, line_of) = self.order_lines(p, o, net.index);
        let planned = self.order_plan(p, o, dest, &line_of, net);
        let allow_partial = o.allow_partial.unwrap_or(true);
        self.plan_totals(p, o, net.index, &planned, allow_partial);
        let plan = planned.plan;
        let (Some(destination), Some(due)) = (dest, due) else {
            return None;
        };
        if o.priority < 1 || o.max_sources.is_some_and(|m| m < 1) {
            return None;
        }
        let priority = o.priority.min(i64::from(u32::MAX)) as u32;
        let d = penalties
            .iter()
            .rev()
            .find(|x| x.priority <= priority)
            .copied()
            .unwrap_or(penalties[0]);
        let order = Order {
            id: OrderId(o.id.clone()),
            customer: o.customer.clone(),
            destination,
            due,
            priority,
            lines,
            plan,
            allow_partial,
            max_sources: o.max_sources.map(|m| m.min(i64::from(u32::MAX)) as u32),
            frozen: o.frozen.unwrap_or(false),
            late_penalty_per_unit_day: o.late_penalty_per_unit_day.unwrap_or(d.late_per_unit_day),
            short_penalty_per_unit: o.short_penalty_per_unit.unwrap_or(d.short_per_unit),
            surge,
        };
        self.over_sourced(p, &order);
        Some(order)
    }

    /// A plan from more nodes than `max_sources` is valid (section 2 does not forbid it),
    /// but the do-nothing plan, which keeps each shipment's node, then breaks rule 6.
    fn over_sourced(&mut self, p: &dyn fmt::Display, o: &Order) {
        let Some(cap) = o.max_sources.filter(|_| o.plan_breaks_max_sources()) else {
            return;
        };
        let what = format!(
            "the plan ships from {} nodes, more than max_sources {cap}",
            o.planned_sources()
        );
        let then = if o.frozen {
            "; the order is frozen, so no plan keeps both (rules 6 and 7) and solve reports it infeasible"
        } else {
            ": the do-nothing plan breaks rule 6, and solve's first response repairs it"
        };
        self.warn(
            "plan_over_sourced",
            format!("{p}.plan"),
            format!("{what}{then}"),
        );
    }

    /// The order's priority, source limit and own penalties.
    fn order_fields(&mut self, p: &dyn fmt::Display, o: &OrderDoc) {
        if o.priority < 1 {
            self.err(
                "bad_priority",
                format!("{p}.priority"),
                format!("priority is {}, below 1", o.priority),
                "priority 1 is the most important; use 1, 2, 3, ...",
            );
        }
        if let Some(m) = o.max_sources {
            if m < 1 {
                self.err(
                    "bad_max_sources",
                    format!("{p}.max_sources"),
                    format!("max_sources is {m}, below 1"),
                    "allow at least one source node, or leave the field out for no limit",
                );
            }
        }
        if let Some(x) = o.late_penalty_per_unit_day {
            self.amount(
                &format_args!("{p}.late_penalty_per_unit_day"),
                x,
                "late_penalty_per_unit_day",
            );
        }
        if let Some(x) = o.short_penalty_per_unit {
            self.amount(
                &format_args!("{p}.short_penalty_per_unit"),
                x,
                "short_penalty_per_unit",
            );
        }
    }

    /// The order's lines, and the line of each SKU (a SKU ordered twice is an error).
    fn order_lines(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        index: &Index,
    ) -> (Vec<Line>, HashMap<SkuIx, usize>) {
        if o.lines.is_empty() {
            self.err(
                "no_lines",
                format!("{p}.lines"),
                format!("order \"{}\" has no lines", o.id),
                "give at least one {sku, quantity} line, or drop the order",
            );
        }
        let mut lines = Vec::with_capacity(o.lines.len());
        let mut line_of: HashMap<SkuIx, usize> = HashMap::new();
        for (k, l) in o.lines.iter().enumerate() {
            let lp = Elem(p, "lines", k);
            let sku = self.sku_ref(index, &format_args!("{lp}.sku"), &l.sku);
            let ok = self.units(&format_args!("{lp}.quantity"), l.quantity, "quantity");
            if ok && l.quantity == 0.0 {
                self.warn(
                    "zero_line",
                    format!("{lp}.quantity"),
                    "a line of 0 units asks for nothing",
                );
            }
            let Some(sku) = sku else { continue };
            if let Some(prev) = line_of.insert(sku, k) {
                self.err(
                    "duplicate_line_sku",
                    format!("{lp}.sku"),
                    format!(
                        "sku \"{}\" appears twice in order \"{}\" (first at {p}.lines[{prev}])",
                        l.sku, o.id
                    ),
                    "merge the two lines into one with the total quantity",
                );
                continue;
            }
            lines.push(Line {
                sku,
                quantity: l.quantity,
            });
        }
        (lines, line_of)
    }

    /// The order's plan entries: each must name an ordered SKU, a stock node, a route to
    /// the destination and a ship day in the horizon, once per (sku, node, lane, day).
    fn order_plan(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        dest: Option<NodeIx>,
        line_of: &HashMap<SkuIx, usize>,
        net: &Network,
    ) -> Planned {
        let Network { index, nodes, .. } = *net;
        let mut plan = Vec::with_capacity(o.plan.len());
        let mut planned: HashMap<SkuIx, f64> = HashMap::new();
        let mut keys: HashMap<(SkuIx, NodeIx, Option<LaneIx>, u32), usize> = HashMap::new();
        let mut plan_days = HashSet::new();
        for (k, e) in o.plan.iter().enumerate() {
            let ep = Elem(p, "plan", k);
            let sku = self.sku_ref(index, &format_args!("{ep}.sku"), &e.sku);
            let node = self.stock_node(
                nodes,
                index,
                &format_args!("{ep}.node"),
                &e.node,
                "a source",
            );
            let lane = match &e.lane {
                None => Some(None),
                Some(id) => self
                    .lane_ref(index, &format_args!("{ep}.lane"), id)
                    .map(Some),
            };
            let ok_q = self.units(&format_args!("{ep}.quantity"), e.quantity, "quantity");
            let ship = self.ship_day(&format_args!("{ep}.ship"), &e.ship);
            if let (Some(sku), true) = (sku, ok_q) {
                if !line_of.contains_key(&sku) {
                    self.err(
                        "plan_sku_not_ordered",
                        format!("{ep}.sku"),
                        format!("order \"{}\" has no line for sku \"{}\"", o.id, e.sku),
                        "add the line to `lines`, or remove this plan entry",
                    );
                } else {
                    *planned.entry(sku).or_default() += e.quantity;
                }
            }
            if let (Some(node), Some(lane), Some(dest)) = (node, lane, dest) {
                let route = Route { node, lane, dest };
                self.plan_route(&ep, route, e, &o.destination, net);
            }
            let (Some(sku), Some(node), Some(lane), Some(ship)) = (sku, node, lane, ship) else {
                continue;
            };
            if let Some(prev) = keys.insert((sku, node, lane, ship), k) {
                self.err(
                    "duplicate_plan_entry",
                    ep.to_string(),
                    format!("same sku, node, lane and ship date as {p}.plan[{prev}]"),
                    "merge the two entries into one with the total quantity",
                );
            }
            plan_days.insert(ship);
            plan.push(PlanEntry {
                sku,
                node,
                lane,
                ship,
                quantity: e.quantity,
            });
        }
        Planned {
            plan,
            planned,
            plan_days,
        }
    }

    /// The plan ships no more of a SKU than its line asks for, and a ship-complete order's
    /// plan covers every line in full on one day.
    fn plan_totals(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        index: &Index,
        planned: &Planned,
        allow_partial: bool,
    ) {
        let Planned {
            planned, plan_days, ..
        } = planned;
        for (k, l) in o.lines.iter().enumerate() {
            let Some(sku) = index.skus.get(l.sku.as_str()) else {
                continue;
            };
            let total = planned.get(sku).copied().unwrap_or(0.0);
            if l.quantity >= 0.0 && total > l.quantity * (1.0 + 1e-9) {
                self.err(
                    "planned_above_line",
                    format!("{p}.plan"),
                    format!("plan ships {total} of sku \"{}\" but the line ({p}.lines[{k}]) asks for {}", l.sku, l.quantity),
                    "lower the planned quantities or raise the line quantity",
                );
            }
        }
        if !allow_partial && !o.plan.is_empty() && !self.has_errors() {
            let full = o.lines.iter().all(|l| {
                index.skus.get(l.sku.as_str()).is_some_and(|s| {
                    (planned.get(s).copied().unwrap_or(0.0) - l.quantity).abs()
                        <= 1e-9 * l.quantity.max(1.0)
                })
            });
            if !full || plan_days.len() > 1 {
                self.err(
                    "ship_complete_plan",
                    format!("{p}.plan"),
                    format!(
                        "order \"{}\" ships complete (allow_partial: false) but its plan {}",
                        o.id,
                        if full {
                            "leaves on more than one day"
                        } else {
                            "does not cover every line in full"
                        }
                    ),
                    "plan every line in full on a single ship date, or set allow_partial to true",
                );
            }
        }
    }

    /// A planned ship date: before `as_of` = day 0 (warning), at or after H = error.
    fn ship_day(&mut self, path: &dyn fmt::Display, s: &str) -> Option<u32> {
        let d = self.day(path, s)?;
        let h = self.horizon?;
        if d < 0 {
            self.warn(
                "ship_in_past",
                path.to_string(),
                format!(
                    "ship date {s} is before as_of; taken as day 0 (the shipment has not left yet)"
                ),
            );
        }
        if d >= i64::from(h) {
            let last = self.as_of.map(|a| {
                (a + chrono::Duration::days(i64::from(h) - 1))
                    .format("%Y-%m-%d")
                    .to_string()
            });
            self.err(
                "ship_after_horizon",
                path.to_string(),
                format!(
                    "ship date {s} is after the horizon (last plannable day {})",
                    last.unwrap_or_default()
                ),
                format!("raise horizon_days to at least {} to cover the plan", d + 1),
            );
            return None;
        }
        Some(d.max(0) as u32)
    }

    /// Plan entry `e` (at `ep`) ships from its node to the destination `dest_id`: locally
    /// from the destination itself, or over a lane from its node to the destination.
    fn plan_route(
        &mut self,
        ep: &dyn fmt::Display,
        route: Route,
        e: &PlanEntryDoc,
        dest_id: &str,
        net: &Network,
    ) {
        let Route { node, lane, dest } = route;
        let Network { nodes, lanes, .. } = *net;
        match lane {
            None if node != dest => self.err(
                "local_not_destination",
                format!("{ep}.lane"),
                format!("lane is null (local fulfilment) but node \"{}\" is not the destination \"{dest_id}\"", e.node),
                "name the lane that joins the node to the destination, or ship from the destination node itself",
            ),
            Some(l) if !lanes.is_empty() => {
                let lane = &lanes[l.ix()];
                if lane.from != node || lane.to != dest {
                    self.err(
                        "lane_mismatch",
                        format!("{ep}.lane"),
                        format!(
                            "lane \"{}\" runs from \"{}\" to \"{}\", but this entry ships from \"{}\" to the destination \"{dest_id}\"",
                            lane.id, nodes[lane.from.ix()].id, nodes[lane.to.ix()].id, e.node
                        ),
                        "pick a lane whose `from` is the entry's node and whose `to` is the order's destination",
                    );
                }
            }
            _ => {}
        }
    }
}

/// Which order indices each `demand_surge` adds: surge orders come after the scenario's own,
/// in the order they appear.
pub(super) fn orders_by_surge(
    order_docs: &[(OrderAt, &OrderDoc, Option<DisruptionIx>)],
) -> HashMap<usize, Vec<OrderIx>> {
    let mut m: HashMap<usize, Vec<OrderIx>> = HashMap::new();
    for (i, (_, _, surge)) in order_docs.iter().enumerate() {
        if let Some(d) = surge {
            m.entry(d.ix()).or_default().push(OrderIx::new(i));
        }
    }
    m
}
