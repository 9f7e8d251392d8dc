//! Orders, their lines and plans, and the disruptions (a demand surge's orders among them),
//! from their rows.

use super::cells::Builder;
use super::parse::{suggest, Row};
use crate::scenario::sheets::tables::*;
use crate::scenario::wire::*;
use std::collections::HashMap;

impl Builder {
    pub(super) fn order(&mut self, r: &Row) -> OrderDoc {
        OrderDoc {
            id: self.str(r, "id"),
            customer: self.opt_str(r, "customer"),
            destination: self.str(r, "destination"),
            due: self.str(r, "due"),
            priority: self.i64(r, "priority"),
            lines: Vec::new(),
            plan: Vec::new(),
            allow_partial: self.opt_bool(r, "allow_partial"),
            max_sources: self.opt_i64(r, "max_sources"),
            frozen: self.opt_bool(r, "frozen"),
            late_penalty_per_unit_day: self.opt_f64(r, "late_penalty_per_unit_day"),
            short_penalty_per_unit: self.opt_f64(r, "short_penalty_per_unit"),
        }
    }

    /// Reads the disruptions, orders (a demand surge's among them), their lines and their
    /// planned shipments into `doc`, joining them by id.
    pub(super) fn orders_and_disruptions(&mut self, doc: &mut ScenarioDoc) {
        let by_id = self.disruptions(doc);
        let orders = self.orders(doc, &by_id);
        self.order_lines(doc, &orders);
        self.planned_shipments(doc, &orders);
    }

    /// Reads disruptions.csv into `doc.disruptions`; returns each id's first row index.
    fn disruptions(&mut self, doc: &mut ScenarioDoc) -> HashMap<String, usize> {
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for r in self.rows(&DISRUPTIONS) {
            let i = doc.disruptions.len();
            self.origins
                .note(format!("disruptions[{i}]"), r.file, r.line);
            let id = self.str(&r, "id");
            if let Some(&first) = by_id.get(&id) {
                self.error(
                    &r,
                    "id",
                    "duplicate_id",
                    format!(
                        "disruption id \"{id}\" is used twice (first for disruptions row {})",
                        first + 1
                    ),
                );
            }
            by_id.entry(id).or_insert(i);
            let kind = self.str(&r, "kind");
            let d = self.disruption(&r, &kind);
            doc.disruptions.push(d);
        }
        by_id
    }

    /// The disruption of kind `kind` on row `r`, its other cells read as that kind needs; a
    /// placeholder that refers to nothing when the kind is unknown.
    fn disruption(&mut self, r: &Row, kind: &str) -> DisruptionDoc {
        match kind {
            "inbound_delay" => {
                self.unused(r, &["id", "kind", "inbound", "eta"], kind);
                DisruptionDoc::InboundDelay {
                    inbound: self.str(r, "inbound"),
                    eta: self.str(r, "eta"),
                }
            }
            "inbound_cancel" => {
                self.unused(r, &["id", "kind", "inbound"], kind);
                DisruptionDoc::InboundCancel {
                    inbound: self.str(r, "inbound"),
                }
            }
            "stock_loss" => {
                self.unused(r, &["id", "kind", "node", "sku", "quantity"], kind);
                DisruptionDoc::StockLoss {
                    node: self.str(r, "node"),
                    sku: self.str(r, "sku"),
                    quantity: self.f64(r, "quantity"),
                }
            }
            "node_outage" => {
                self.unused(r, &["id", "kind", "node", "from", "until"], kind);
                DisruptionDoc::NodeOutage {
                    node: self.str(r, "node"),
                    from: self.str(r, "from"),
                    until: self.str(r, "until"),
                }
            }
            "lane_outage" => {
                self.unused(r, &["id", "kind", "lane", "from", "until"], kind);
                DisruptionDoc::LaneOutage {
                    lane: self.str(r, "lane"),
                    from: self.str(r, "from"),
                    until: self.str(r, "until"),
                }
            }
            "lane_delay" => {
                self.unused(r, &["id", "kind", "lane", "extra_days"], kind);
                DisruptionDoc::LaneDelay {
                    lane: self.str(r, "lane"),
                    extra_days: self.i64(r, "extra_days"),
                }
            }
            "demand_surge" => {
                self.unused(r, &["id", "kind"], kind);
                DisruptionDoc::DemandSurge { orders: Vec::new() }
            }
            other => {
                if !other.is_empty() {
                    let hint = suggest(other, &DISRUPTION_KINDS);
                    self.error(
                        r,
                        "kind",
                        "unknown_kind",
                        format!("\"{other}\" is not a disruption kind; {hint}"),
                    );
                }
                // A placeholder that refers to nothing, so validation adds nothing.
                DisruptionDoc::DemandSurge { orders: Vec::new() }
            }
        }
    }

    /// Reads orders.csv into `doc`, each order into the scenario's list or its surge's;
    /// returns where each order went, by id.
    fn orders(
        &mut self,
        doc: &mut ScenarioDoc,
        by_id: &HashMap<String, usize>,
    ) -> HashMap<String, (Option<usize>, usize)> {
        // Where each order went: the scenario's list, or a surge's, and its index there.
        let mut orders: HashMap<String, (Option<usize>, usize)> = HashMap::new();
        for r in self.rows(&ORDERS) {
            let o = self.order(&r);
            if let Some((id, place)) = self.place_order(&r, o, doc, by_id) {
                orders.entry(id).or_insert(place);
            }
        }
        orders
    }

    /// Puts the order `o` of row `r` into the scenario's list, or into the demand surge its
    /// `surge` cell names; returns its id and where it went, or `None` when it is refused.
    fn place_order(
        &mut self,
        r: &Row,
        o: OrderDoc,
        doc: &mut ScenarioDoc,
        by_id: &HashMap<String, usize>,
    ) -> Option<(String, (Option<usize>, usize))> {
        let surge = self.opt_str(r, "surge");
        let place = match surge {
            None => {
                self.origins
                    .note(format!("orders[{}]", doc.orders.len()), r.file, r.line);
                doc.orders.push(o.clone());
                (None, doc.orders.len() - 1)
            }
            Some(s) => match by_id.get(&s).copied() {
                Some(d) => match &mut doc.disruptions[d] {
                    DisruptionDoc::DemandSurge { orders } => {
                        self.origins.note(
                            format!("disruptions[{d}].orders[{}]", orders.len()),
                            r.file,
                            r.line,
                        );
                        orders.push(o.clone());
                        (Some(d), orders.len() - 1)
                    }
                    _ => {
                        self.error(
                            r,
                            "surge",
                            "not_a_surge",
                            format!("disruption \"{s}\" is not a demand_surge"),
                        );
                        self.refuse(&ORDERS, o.id);
                        return None;
                    }
                },
                None => {
                    if !self.said_already(&DISRUPTIONS, &s) {
                        self.error(
                            r,
                            "surge",
                            "unknown_reference",
                            format!("no disruption \"{s}\" in disruptions.csv"),
                        );
                    }
                    self.refuse(&ORDERS, o.id);
                    return None;
                }
            },
        };
        Some((o.id, place))
    }

    /// Reads order_lines.csv into the lines of the orders they name.
    fn order_lines(
        &mut self,
        doc: &mut ScenarioDoc,
        orders: &HashMap<String, (Option<usize>, usize)>,
    ) {
        for r in self.rows(&ORDER_LINES) {
            let Some(place) = self.order_of(&r, orders) else {
                continue;
            };
            let line = LineDoc {
                sku: self.str(&r, "sku"),
                quantity: self.f64(&r, "quantity"),
            };
            let (path, o) = order_at(doc, place);
            self.origins
                .note(format!("{path}.lines[{}]", o.lines.len()), r.file, r.line);
            o.lines.push(line);
        }
    }

    /// Reads planned_shipments.csv into the plans of the orders they name.
    fn planned_shipments(
        &mut self,
        doc: &mut ScenarioDoc,
        orders: &HashMap<String, (Option<usize>, usize)>,
    ) {
        for r in self.rows(&PLANNED_SHIPMENTS) {
            let Some(place) = self.order_of(&r, orders) else {
                continue;
            };
            let entry = PlanEntryDoc {
                sku: self.str(&r, "sku"),
                node: self.str(&r, "node"),
                lane: self.opt_str(&r, "lane"),
                ship: self.str(&r, "ship"),
                quantity: self.f64(&r, "quantity"),
            };
            let (path, o) = order_at(doc, place);
            self.origins
                .note(format!("{path}.plan[{}]", o.plan.len()), r.file, r.line);
            o.plan.push(entry);
        }
    }

    /// Where the order a line or planned-shipment row names went; `None` when orders.csv
    /// has no such order (said, unless the cell is empty, which `str` said already, or the
    /// order's row was refused or orders.csv not read, which is said too).
    fn order_of(
        &mut self,
        r: &Row,
        orders: &HashMap<String, (Option<usize>, usize)>,
    ) -> Option<(Option<usize>, usize)> {
        let id = self.str(r, "order");
        let place = orders.get(&id).copied();
        if place.is_none() && !id.is_empty() && !self.said_already(&ORDERS, &id) {
            self.error(
                r,
                "order",
                "unknown_reference",
                format!("no order \"{id}\" in orders.csv"),
            );
        }
        place
    }
}

/// The order at `place` (the scenario's list, or a surge's) and its JSON path.
fn order_at(doc: &mut ScenarioDoc, place: (Option<usize>, usize)) -> (String, &mut OrderDoc) {
    match place {
        (None, i) => (format!("orders[{i}]"), &mut doc.orders[i]),
        (Some(d), i) => match &mut doc.disruptions[d] {
            DisruptionDoc::DemandSurge { orders } => {
                (format!("disruptions[{d}].orders[{i}]"), &mut orders[i])
            }
            _ => unreachable!("only demand surges hold orders"),
        },
    }
}
