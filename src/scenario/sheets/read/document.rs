//! The document's own fields, the network's tables and the policy's, from their rows.

use super::cells::Builder;
use super::parse::{suggest, Row};
use crate::base::diagnostics::Diagnostic;
use crate::scenario::sheets::tables::*;
use crate::scenario::wire::*;
use std::collections::HashMap;

impl Builder {
    /// Long because each table of the format is read here in turn, in the document's order.
    pub(super) fn document(&mut self) -> ScenarioDoc {
        let mut doc = ScenarioDoc {
            format: SCENARIO_FORMAT.to_owned(),
            id: String::new(),
            as_of: String::new(),
            horizon_days: 0,
            currency: None,
            skus: Vec::new(),
            nodes: Vec::new(),
            lanes: Vec::new(),
            stock: Vec::new(),
            inbound: Vec::new(),
            orders: Vec::new(),
            disruptions: Vec::new(),
            policy: PolicyDoc::default(),
        };
        self.scenario_fields(&mut doc);
        self.policy(&mut doc.policy);
        for r in self.rows(&SKUS) {
            self.origins
                .note(format!("skus[{}]", doc.skus.len()), r.file, r.line);
            doc.skus.push(SkuDoc {
                id: self.str(&r, "id"),
                name: self.opt_str(&r, "name"),
            });
        }
        for r in self.rows(&NODES) {
            self.origins
                .note(format!("nodes[{}]", doc.nodes.len()), r.file, r.line);
            let kind = self.str(&r, "kind");
            let found = NodeKind::ALL
                .into_iter()
                .find(|k| k.name().eq_ignore_ascii_case(&kind));
            if found.is_none() && !kind.is_empty() {
                self.error(
                    &r,
                    "kind",
                    "unknown_kind",
                    format!("\"{kind}\" is not a node kind (plant, dc, store or customer)"),
                );
            }
            // The kind validation accepts the most of (stock, lanes from it), so the
            // placeholder adds no findings of its own.
            let kind = found.unwrap_or(NodeKind::Dc);
            let location = match (self.opt_f64(&r, "lat"), self.opt_f64(&r, "lon")) {
                (Some(lat), Some(lon)) => Some(Location { lat, lon }),
                (None, None) => None,
                (lat, _) => {
                    let (given, missing) = if lat.is_some() {
                        ("lat", "lon")
                    } else {
                        ("lon", "lat")
                    };
                    // A cell that is there but unreadable is said already, by opt_f64.
                    if !r.cells.contains_key(missing) {
                        self.error(
                            &r,
                            missing,
                            "half_location",
                            format!("{given} is given without {missing}; give both, or neither"),
                        );
                    }
                    None
                }
            };
            doc.nodes.push(NodeDoc {
                id: self.str(&r, "id"),
                kind,
                ship_capacity_per_day: self.opt_f64(&r, "ship_capacity_per_day"),
                name: self.opt_str(&r, "name"),
                location,
            });
        }
        for r in self.rows(&LANES) {
            self.origins
                .note(format!("lanes[{}]", doc.lanes.len()), r.file, r.line);
            let departure_days = self.departure_days(&r);
            doc.lanes.push(LaneDoc {
                id: self.str(&r, "id"),
                from: self.str(&r, "from"),
                to: self.str(&r, "to"),
                mode: self.str(&r, "mode"),
                lead_time_days: self.i64(&r, "lead_time_days"),
                cost_per_unit: self.f64(&r, "cost_per_unit"),
                fixed_cost_per_day: self.opt_f64(&r, "fixed_cost_per_day"),
                capacity_per_day: self.opt_f64(&r, "capacity_per_day"),
                departure_days,
            });
        }
        for r in self.rows(&STOCK) {
            self.origins
                .note(format!("stock[{}]", doc.stock.len()), r.file, r.line);
            doc.stock.push(StockDoc {
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                on_hand: self.f64(&r, "on_hand"),
                reserved: self.opt_f64(&r, "reserved"),
            });
        }
        for r in self.rows(&INBOUND) {
            self.origins
                .note(format!("inbound[{}]", doc.inbound.len()), r.file, r.line);
            let expedite = match (
                self.opt_str(&r, "expedite_eta"),
                self.opt_f64(&r, "expedite_cost"),
            ) {
                (Some(eta), Some(cost)) => Some(ExpediteDoc { eta, cost }),
                (None, None) => None,
                (Some(_), None) => {
                    // An unreadable cost is said already, by opt_f64.
                    if !r.cells.contains_key("expedite_cost") {
                        self.error(
                            &r,
                            "expedite_cost",
                            "missing_value",
                            "an expedite needs both expedite_eta and expedite_cost".into(),
                        );
                    }
                    None
                }
                (None, Some(_)) => {
                    self.error(
                        &r,
                        "expedite_eta",
                        "missing_value",
                        "an expedite needs both expedite_eta and expedite_cost".into(),
                    );
                    None
                }
            };
            doc.inbound.push(InboundDoc {
                id: self.str(&r, "id"),
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                quantity: self.f64(&r, "quantity"),
                eta: self.str(&r, "eta"),
                expedite,
            });
        }
        self.orders_and_disruptions(&mut doc);
        doc
    }

    fn scenario_fields(&mut self, doc: &mut ScenarioDoc) {
        // A missing or unreadable file is reported already; its rows are not worth listing.
        let read = self.tables.contains_key(SCENARIO.file);
        let rows = self.rows(&SCENARIO);
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            // Labels read as column headers are: in any case (`As_Of`).
            let field = self.str(r, "field").to_ascii_lowercase();
            if let Some(first) = seen.insert(field.clone(), r.line) {
                self.error(
                    r,
                    "field",
                    "duplicate_field",
                    format!("{field} is given twice (first on line {first})"),
                );
                continue;
            }
            self.origins.note(field.clone(), r.file, r.line);
            match field.as_str() {
                "format" => doc.format = self.str(r, "value"),
                "id" => doc.id = self.str(r, "value"),
                "as_of" => doc.as_of = self.str(r, "value"),
                "horizon_days" => doc.horizon_days = self.i64(r, "value"),
                "currency" => doc.currency = self.opt_str(r, "value"),
                "" => {}
                other => {
                    let hint = suggest(
                        other,
                        &["format", "id", "as_of", "horizon_days", "currency"],
                    );
                    self.error(
                        r,
                        "field",
                        "unknown_field",
                        format!("unknown field \"{other}\"; {hint}"),
                    );
                }
            }
        }
        for f in ["id", "as_of", "horizon_days"] {
            if !seen.contains_key(f) && read && !self.said_already(&SCENARIO, f) {
                // Validation's finding on the empty value read in its place (`horizon_days
                // is 0`) is then at scenario.csv too, and left out as said there.
                self.origins.note_missing(f.to_owned(), SCENARIO.file);
                self.diags.push(
                    Diagnostic::error("missing_field", SCENARIO.file, format!("no row for {f}"))
                        .hint(format!("add a line {f},<value>")),
                );
            }
        }
    }

    pub(super) fn policy(&mut self, p: &mut PolicyDoc) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for r in self.rows(&POLICY) {
            let field = self.str(&r, "field").to_ascii_lowercase();
            if let Some(first) = seen.insert(field.clone(), r.line) {
                self.error(
                    &r,
                    "field",
                    "duplicate_field",
                    format!("{field} is given twice (first on line {first})"),
                );
                continue;
            }
            self.origins.note(format!("policy.{field}"), r.file, r.line);
            match field.as_str() {
                "change_penalty_per_unit" => p.change_penalty_per_unit = self.opt_f64(&r, "value"),
                "integer_quantities" => p.integer_quantities = self.opt_bool(&r, "value"),
                "time_limit_s" => p.time_limit_s = self.opt_f64(&r, "value"),
                "mip_gap" => p.mip_gap = self.opt_f64(&r, "value"),
                "threads" => p.threads = self.opt_i64(&r, "value"),
                "" => {}
                other => {
                    let known = [
                        "change_penalty_per_unit",
                        "integer_quantities",
                        "time_limit_s",
                        "mip_gap",
                        "threads",
                    ];
                    let hint = suggest(other, &known);
                    self.error(&r, "field", "unknown_field", format!("unknown field \"{other}\"; {hint} (priority penalties and forbid have their own files)"));
                }
            }
        }
        self.priority_penalties(p);
        self.forbid(p);
    }

    fn priority_penalties(&mut self, p: &mut PolicyDoc) {
        if self.tables.contains_key(PRIORITY_PENALTIES.file) {
            let mut list = Vec::new();
            for r in self.rows(&PRIORITY_PENALTIES) {
                self.origins.note(
                    format!("policy.priority_penalties[{}]", list.len()),
                    r.file,
                    r.line,
                );
                list.push(PriorityPenaltyDoc {
                    priority: self.i64(&r, "priority"),
                    late_per_unit_day: self.f64(&r, "late_per_unit_day"),
                    short_per_unit: self.f64(&r, "short_per_unit"),
                });
            }
            p.priority_penalties = Some(list);
        }
    }

    pub(super) fn forbid(&mut self, p: &mut PolicyDoc) {
        for r in self.rows(&FORBID) {
            let kind = self.str(&r, "kind");
            let f = match kind.as_str() {
                "shipment" => {
                    self.unused(&r, &["kind", "order", "sku", "node", "lane"], "shipment");
                    let lane = self
                        .opt_str(&r, "lane")
                        .map(|l| (l != LOCAL_ONLY).then_some(l));
                    ForbidDoc::Shipment(ForbidShipmentDoc {
                        order: self.str(&r, "order"),
                        sku: self.opt_str(&r, "sku"),
                        node: self.opt_str(&r, "node"),
                        lane,
                    })
                }
                "transfer" => {
                    self.unused(&r, &["kind", "lane", "sku"], "transfer");
                    ForbidDoc::Transfer(ForbidTransferDoc {
                        lane: self.str(&r, "lane"),
                        sku: self.opt_str(&r, "sku"),
                    })
                }
                "expedite_inbound" => {
                    self.unused(&r, &["kind", "inbound"], "expedite_inbound");
                    ForbidDoc::ExpediteInbound(self.str(&r, "inbound"))
                }
                "" => continue,
                other => {
                    let hint = suggest(other, &["shipment", "transfer", "expedite_inbound"]);
                    self.error(
                        &r,
                        "kind",
                        "unknown_kind",
                        format!("\"{other}\" is not a forbid kind; {hint}"),
                    );
                    continue;
                }
            };
            self.origins
                .note(format!("policy.forbid[{}]", p.forbid.len()), r.file, r.line);
            p.forbid.push(f);
        }
    }

    fn departure_days(&mut self, r: &Row) -> Option<Vec<Weekday>> {
        let v = r.cells.get("departure_days")?.clone();
        if v == NEVER {
            return Some(Vec::new());
        }
        let mut days = Vec::new();
        for w in v
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .filter(|w| !w.is_empty())
        {
            // `mon` or `monday`, in any case (chrono reads both).
            let day = w
                .parse::<chrono::Weekday>()
                .ok()
                .map(|d| Weekday::ALL[d.num_days_from_monday() as usize]);
            match day {
                Some(d) => days.push(d),
                None => self.error(
                    r,
                    "departure_days",
                    "not_a_weekday",
                    format!("\"{w}\" is not a weekday (mon tue wed thu fri sat sun, or {NEVER} for a lane that never departs)"),
                ),
            }
        }
        Some(days)
    }
}
