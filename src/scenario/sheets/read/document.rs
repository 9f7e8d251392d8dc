//! The document's own fields, the network's tables and the policy's, from their rows.

use super::cells::Builder;
use super::parse::{suggest, Row};
use crate::base::diagnostics::Diagnostic;
use crate::scenario::sheets::tables::*;
use crate::scenario::wire::*;
use std::collections::HashMap;

impl Builder {
    /// The scenario the tables describe, each table read in turn, in the document's order.
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
        self.skus(&mut doc.skus);
        self.nodes(&mut doc.nodes);
        self.lanes(&mut doc.lanes);
        self.stock(&mut doc.stock);
        self.inbound(&mut doc.inbound);
        self.orders_and_disruptions(&mut doc);
        doc
    }

    /// Reads skus.csv into `skus`.
    fn skus(&mut self, skus: &mut Vec<SkuDoc>) {
        for r in self.rows(&SKUS) {
            self.origins
                .note(format!("skus[{}]", skus.len()), r.file, r.line);
            skus.push(SkuDoc {
                id: self.str(&r, "id"),
                name: self.opt_str(&r, "name"),
            });
        }
    }

    /// Reads nodes.csv into `nodes`.
    fn nodes(&mut self, nodes: &mut Vec<NodeDoc>) {
        for r in self.rows(&NODES) {
            self.origins
                .note(format!("nodes[{}]", nodes.len()), r.file, r.line);
            let kind = self.node_kind(&r);
            let location = self.location(&r);
            nodes.push(NodeDoc {
                id: self.str(&r, "id"),
                kind,
                ship_capacity_per_day: self.opt_f64(&r, "ship_capacity_per_day"),
                name: self.opt_str(&r, "name"),
                location,
            });
        }
    }

    /// The node kind of row `r`; a placeholder (`dc`) when it is unknown or empty.
    fn node_kind(&mut self, r: &Row) -> NodeKind {
        let kind = self.str(r, "kind");
        let found = NodeKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(&kind));
        if found.is_none() && !kind.is_empty() {
            self.error(
                r,
                "kind",
                "unknown_kind",
                format!("\"{kind}\" is not a node kind (plant, dc, store or customer)"),
            );
        }
        // The kind validation accepts the most of (stock, lanes from it), so the
        // placeholder adds no findings of its own.
        found.unwrap_or(NodeKind::Dc)
    }

    /// The location of row `r`; `None` when it has neither lat nor lon, or only one of them
    /// (an error).
    fn location(&mut self, r: &Row) -> Option<Location> {
        match (self.opt_f64(r, "lat"), self.opt_f64(r, "lon")) {
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
                        r,
                        missing,
                        "half_location",
                        format!("{given} is given without {missing}; give both, or neither"),
                    );
                }
                None
            }
        }
    }

    /// Reads lanes.csv into `lanes`.
    fn lanes(&mut self, lanes: &mut Vec<LaneDoc>) {
        for r in self.rows(&LANES) {
            self.origins
                .note(format!("lanes[{}]", lanes.len()), r.file, r.line);
            let departure_days = self.departure_days(&r);
            lanes.push(LaneDoc {
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
    }

    /// Reads stock.csv into `stock`.
    fn stock(&mut self, stock: &mut Vec<StockDoc>) {
        for r in self.rows(&STOCK) {
            self.origins
                .note(format!("stock[{}]", stock.len()), r.file, r.line);
            stock.push(StockDoc {
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                on_hand: self.f64(&r, "on_hand"),
                reserved: self.opt_f64(&r, "reserved"),
            });
        }
    }

    /// Reads inbound.csv into `inbound`.
    fn inbound(&mut self, inbound: &mut Vec<InboundDoc>) {
        for r in self.rows(&INBOUND) {
            self.origins
                .note(format!("inbound[{}]", inbound.len()), r.file, r.line);
            let expedite = self.expedite(&r);
            inbound.push(InboundDoc {
                id: self.str(&r, "id"),
                node: self.str(&r, "node"),
                sku: self.str(&r, "sku"),
                quantity: self.f64(&r, "quantity"),
                eta: self.str(&r, "eta"),
                expedite,
            });
        }
    }

    /// The expedite option of row `r`; `None` when it has neither expedite_eta nor
    /// expedite_cost, or only one of them (an error).
    fn expedite(&mut self, r: &Row) -> Option<ExpediteDoc> {
        match (
            self.opt_str(r, "expedite_eta"),
            self.opt_f64(r, "expedite_cost"),
        ) {
            (Some(eta), Some(cost)) => Some(ExpediteDoc { eta, cost }),
            (None, None) => None,
            (Some(_), None) => {
                // An unreadable cost is said already, by opt_f64.
                if !r.cells.contains_key("expedite_cost") {
                    self.error(
                        r,
                        "expedite_cost",
                        "missing_value",
                        "an expedite needs both expedite_eta and expedite_cost".into(),
                    );
                }
                None
            }
            (None, Some(_)) => {
                self.error(
                    r,
                    "expedite_eta",
                    "missing_value",
                    "an expedite needs both expedite_eta and expedite_cost".into(),
                );
                None
            }
        }
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
