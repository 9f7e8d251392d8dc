//! The network's sections: SKUs, nodes, lanes, stock and receipts.

use super::validator::Validator;
use crate::base::limits::MAX_LEAD_DAYS;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use chrono::Datelike;
use std::collections::{HashMap, HashSet};

impl Validator {
    pub(super) fn skus(&mut self, docs: &[SkuDoc], index: &mut Index) -> Vec<Sku> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("skus[{i}].id"), s.id.as_str()))
            .collect();
        index.skus = self.index_ids(&ids, "sku", |s| SkuId(s.to_owned()));
        docs.iter()
            .map(|s| Sku {
                id: SkuId(s.id.clone()),
                name: s.name.clone(),
            })
            .collect()
    }

    pub(super) fn nodes(&mut self, docs: &[NodeDoc], index: &mut Index) -> Vec<Node> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("nodes[{i}].id"), n.id.as_str()))
            .collect();
        index.nodes = self.index_ids(&ids, "node", |s| NodeId(s.to_owned()));
        let h = self.horizon.unwrap_or(0) as usize;
        docs.iter()
            .enumerate()
            .map(|(i, n)| {
                if let Some(c) = n.ship_capacity_per_day {
                    self.amount(
                        &format_args!("nodes[{i}].ship_capacity_per_day"),
                        c,
                        "ship_capacity_per_day",
                    );
                    if c >= 0.0 && n.kind == NodeKind::Customer {
                        self.warn(
                            "capacity_on_customer",
                            format!("nodes[{i}].ship_capacity_per_day"),
                            "a customer zone ships nothing, so its ship capacity is ignored",
                        );
                    }
                }
                let location = n.location.filter(|at| self.location(i, at));
                Node {
                    id: NodeId(n.id.clone()),
                    kind: n.kind,
                    ship_capacity_per_day: n.ship_capacity_per_day,
                    name: n.name.clone(),
                    location,
                    outages: Vec::new(),
                    open: vec![n.kind.holds_stock(); h],
                }
            })
            .collect()
    }

    /// The lanes of `docs`, their ids indexed, each checked field by field in document
    /// order (the order of the diagnostics): its ends, then its numbers. Empty when any
    /// lane's ends do not resolve.
    pub(super) fn lanes(
        &mut self,
        docs: &[LaneDoc],
        nodes: &[Node],
        index: &mut Index,
    ) -> Vec<Lane> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lanes[{i}].id"), l.id.as_str()))
            .collect();
        index.lanes = self.index_ids(&ids, "lane", |s| LaneId(s.to_owned()));
        let mut out = Vec::with_capacity(docs.len());
        for (i, l) in docs.iter().enumerate() {
            let p = format!("lanes[{i}]");
            let (from, to) = self.lane_ends(&p, l, nodes, index);
            self.lane_numbers(&p, l);
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            out.push(lane(l, from, to, nodes));
        }
        if out.len() != docs.len() {
            // A lane that did not resolve would shift every later index. Its error stops the
            // build anyway; an empty vector tells later checks to skip lane lookups.
            out.clear();
        }
        out
    }

    /// The nodes lane `l` (at `p`) runs from and to, where they resolve; an error when it
    /// departs from a customer zone, which holds no stock, or runs to the node it leaves.
    fn lane_ends(
        &mut self,
        p: &str,
        l: &LaneDoc,
        nodes: &[Node],
        index: &Index,
    ) -> (Option<NodeIx>, Option<NodeIx>) {
        let from = self.node_ref(index, &format_args!("{p}.from"), &l.from);
        let to = self.node_ref(index, &format_args!("{p}.to"), &l.to);
        if let Some(f) = from {
            if !nodes[f.ix()].holds_stock() {
                self.err(
                    "lane_from_customer",
                    format!("{p}.from"),
                    format!(
                        "lane \"{}\" departs from customer zone \"{}\", which holds no stock",
                        l.id, l.from
                    ),
                    "lanes start at a plant, dc or store; reverse the lane or fix `from`",
                );
            }
        }
        if from.is_some() && from == to {
            self.err(
                "self_loop_lane",
                format!("{p}.to"),
                format!("lane \"{}\" runs from \"{}\" to itself", l.id, l.from),
                "a node fulfils its own orders locally with `lane: null`; remove this lane",
            );
        }
        (from, to)
    }

    /// Lane `l`'s (at `p`) lead time in range, its costs and capacity not negative, and a
    /// warning for each weekday its departure days list twice.
    fn lane_numbers(&mut self, p: &str, l: &LaneDoc) {
        if l.lead_time_days < 0 || l.lead_time_days > MAX_LEAD_DAYS {
            self.err(
                "bad_lead_time",
                format!("{p}.lead_time_days"),
                format!(
                    "lead_time_days is {}, outside 0..={MAX_LEAD_DAYS}",
                    l.lead_time_days
                ),
                "give the transit time in days, 0 for same-day delivery",
            );
        }
        self.amount(
            &format_args!("{p}.cost_per_unit"),
            l.cost_per_unit,
            "cost_per_unit",
        );
        if let Some(f) = l.fixed_cost_per_day {
            self.amount(
                &format_args!("{p}.fixed_cost_per_day"),
                f,
                "fixed_cost_per_day",
            );
        }
        if let Some(c) = l.capacity_per_day {
            self.amount(&format_args!("{p}.capacity_per_day"), c, "capacity_per_day");
        }
        if let Some(days) = &l.departure_days {
            let mut seen = HashSet::new();
            for (k, d) in days.iter().enumerate() {
                if !seen.insert(*d) {
                    self.warn(
                        "duplicate_weekday",
                        format!("{p}.departure_days[{k}]"),
                        "weekday listed twice",
                    );
                }
            }
        }
    }

    pub(super) fn stock(
        &mut self,
        docs: &[StockDoc],
        nodes: &[Node],
        index: &Index,
    ) -> HashMap<(NodeIx, SkuIx), StockRecord> {
        let mut out = HashMap::new();
        let mut first: HashMap<(NodeIx, SkuIx), usize> = HashMap::new();
        for (i, s) in docs.iter().enumerate() {
            let p = format!("stock[{i}]");
            let node = self.stock_node(
                nodes,
                index,
                &format_args!("{p}.node"),
                &s.node,
                "given stock",
            );
            let sku = self.sku_ref(index, &format_args!("{p}.sku"), &s.sku);
            let ok_on_hand = self.units(&format_args!("{p}.on_hand"), s.on_hand, "on_hand");
            let reserved = s.reserved.unwrap_or(0.0);
            let ok_reserved = self.amount(&format_args!("{p}.reserved"), reserved, "reserved");
            if ok_on_hand && ok_reserved && reserved > s.on_hand {
                self.err(
                    "reserved_above_on_hand",
                    format!("{p}.reserved"),
                    format!("reserved ({reserved}) is more than on_hand ({})", s.on_hand),
                    "reserved is part of on_hand: lower it to at most on_hand",
                );
            }
            let (Some(node), Some(sku)) = (node, sku) else {
                continue;
            };
            if let Some(prev) = first.insert((node, sku), i) {
                self.err(
                    "duplicate_stock",
                    p.clone(),
                    format!("second stock record for node \"{}\" and sku \"{}\" (first at stock[{prev}])", s.node, s.sku),
                    "merge the two records into one",
                );
                continue;
            }
            out.insert(
                (node, sku),
                StockRecord {
                    on_hand: s.on_hand,
                    reserved,
                    losses: Vec::new(),
                },
            );
        }
        out
    }

    pub(super) fn inbound(
        &mut self,
        docs: &[InboundDoc],
        nodes: &[Node],
        index: &mut Index,
    ) -> Vec<Inbound> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("inbound[{i}].id"), r.id.as_str()))
            .collect();
        index.inbound = self.index_ids(&ids, "inbound", |s| InboundId(s.to_owned()));
        let mut out = Vec::with_capacity(docs.len());
        for (i, r) in docs.iter().enumerate() {
            let p = format!("inbound[{i}]");
            let node = self.stock_node(
                nodes,
                index,
                &format_args!("{p}.node"),
                &r.node,
                "receiving goods",
            );
            let sku = self.sku_ref(index, &format_args!("{p}.sku"), &r.sku);
            self.units(&format_args!("{p}.quantity"), r.quantity, "quantity");
            let eta = self.eta(&format_args!("{p}.eta"), &r.eta);
            let expedite = r.expedite.as_ref().and_then(|x| {
                let xp = format!("{p}.expedite");
                self.amount(&format_args!("{xp}.cost"), x.cost, "expedite cost");
                let (xdate, _, xday) = self.eta(&format_args!("{xp}.eta"), &x.eta)?;
                if let Some((rdate, _, _)) = eta {
                    if xdate >= rdate {
                        self.err(
                            "expedite_not_earlier",
                            format!("{xp}.eta"),
                            format!("expedite eta {} is not earlier than the eta {}", x.eta, r.eta),
                            "an expedite pulls a receipt in: give an earlier date, or drop the option",
                        );
                    }
                }
                Some(Expedite { eta: xday, cost: x.cost })
            });
            let (Some(node), Some(sku), Some((_, planned, eta))) = (node, sku, eta) else {
                continue;
            };
            out.push(Inbound {
                id: InboundId(r.id.clone()),
                node,
                sku,
                quantity: r.quantity,
                planned_eta: planned,
                eta,
                disrupted_by: Vec::new(),
                cancelled: false,
                expedite,
            });
        }
        out
    }

    /// Departures per day: a weekday the lane runs on, no lane outage. (A node outage at
    /// the lane's origin closes the lane too, but that is the node's rule: see `Node::open`.)
    pub(super) fn finish_lanes(&mut self, lanes: &mut [Lane]) {
        let (Some(as_of), Some(h)) = (self.as_of, self.horizon) else {
            return;
        };
        for lane in lanes {
            lane.departs = (0..i64::from(h))
                .map(|d| {
                    let wd = (as_of + chrono::Duration::days(d))
                        .weekday()
                        .num_days_from_monday();
                    let weekday_ok = lane
                        .departure_days
                        .as_ref()
                        .is_none_or(|days| days.iter().any(|w| w.index() == wd));
                    weekday_ok && !lane.outages.iter().any(|o| o.covers(d))
                })
                .collect();
        }
    }
}

/// The domain lane of `l`, from `from` to `to`: its lead time clamped to the range its
/// check reported, no disruption applied yet, and whether it carries transfers (it ends
/// at a node that holds stock).
fn lane(l: &LaneDoc, from: NodeIx, to: NodeIx, nodes: &[Node]) -> Lane {
    let lead = l.lead_time_days.clamp(0, MAX_LEAD_DAYS) as u32;
    Lane {
        id: LaneId(l.id.clone()),
        from,
        to,
        mode: l.mode.clone(),
        base_lead_time: lead,
        lead_time: lead,
        delays: Vec::new(),
        cost_per_unit: l.cost_per_unit,
        fixed_cost_per_day: l.fixed_cost_per_day.unwrap_or(0.0),
        capacity_per_day: l.capacity_per_day,
        departure_days: l.departure_days.clone(),
        outages: Vec::new(),
        departs: Vec::new(),
        carries_transfers: nodes[to.ix()].holds_stock(),
    }
}
