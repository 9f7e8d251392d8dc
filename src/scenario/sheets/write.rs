//! A scenario document as CSV files (`recourse export csv`). Numbers are written in their
//! shortest form that reads back to the same value, and text that a spreadsheet would run
//! as a formula after a `'` ([`escape_formula`]), so [`super::read`] gives back an equal
//! document.

use super::tables::*;
use crate::scenario::wire::*;

/// The files of `doc`: (file name, contents), every table of [`TABLES`] with its header,
/// except `priority_penalties.csv`, written only when the policy replaces the default list
/// (its presence is what replaces it). `export csv` writes each after a [`BOM`].
pub fn write_files(doc: &ScenarioDoc) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut put = |t: &Table, rows: Vec<Vec<String>>| out.push((t.file, render(t, &rows)));
    scenario_and_policy(doc, &mut put);
    network(doc, &mut put);
    orders_and_disruptions(doc, &mut put);
    out
}

/// A table and its rows, to be rendered.
type Put<'a> = dyn FnMut(&Table, Vec<Vec<String>>) + 'a;

/// scenario.csv, policy.csv, priority_penalties.csv (when given) and forbid.csv.
fn scenario_and_policy(doc: &ScenarioDoc, put: &mut Put) {
    let mut fields = vec![
        row(["format", &doc.format]),
        row(["id", &doc.id]),
        row(["as_of", &doc.as_of]),
        row(["horizon_days", &doc.horizon_days.to_string()]),
    ];
    if let Some(c) = &doc.currency {
        fields.push(row(["currency", c]));
    }
    put(&SCENARIO, fields);

    let p = &doc.policy;
    let mut policy = Vec::new();
    let mut field = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            policy.push(row([name, &v]));
        }
    };
    field(
        "change_penalty_per_unit",
        p.change_penalty_per_unit.map(num),
    );
    field(
        "integer_quantities",
        p.integer_quantities.map(|b| b.to_string()),
    );
    field("time_limit_s", p.time_limit_s.map(num));
    field("mip_gap", p.mip_gap.map(num));
    field("threads", p.threads.map(|t| t.to_string()));
    put(&POLICY, policy);
    if let Some(pp) = &p.priority_penalties {
        put(
            &PRIORITY_PENALTIES,
            pp.iter()
                .map(|x| {
                    row([
                        &x.priority.to_string(),
                        &num(x.late_per_unit_day),
                        &num(x.short_per_unit),
                    ])
                })
                .collect(),
        );
    }
    put(&FORBID, p.forbid.iter().map(forbid_row).collect());
}

/// skus, nodes, lanes, stock and inbound receipts.
fn network(doc: &ScenarioDoc, put: &mut Put) {
    put(
        &SKUS,
        doc.skus
            .iter()
            .map(|k| row([&k.id, &opt_str(&k.name)]))
            .collect(),
    );
    put(
        &NODES,
        doc.nodes
            .iter()
            .map(|n| {
                row([
                    &n.id,
                    n.kind.name(),
                    &opt_num(n.ship_capacity_per_day),
                    &opt_str(&n.name),
                    &opt_num(n.location.map(|at| at.lat)),
                    &opt_num(n.location.map(|at| at.lon)),
                ])
            })
            .collect(),
    );
    put(&LANES, doc.lanes.iter().map(lane_row).collect());
    put(
        &STOCK,
        doc.stock
            .iter()
            .map(|x| row([&x.node, &x.sku, &num(x.on_hand), &opt_num(x.reserved)]))
            .collect(),
    );
    put(
        &INBOUND,
        doc.inbound
            .iter()
            .map(|r| {
                let (eta, cost) = r
                    .expedite
                    .as_ref()
                    .map_or((String::new(), String::new()), |x| {
                        (x.eta.clone(), num(x.cost))
                    });
                row([
                    &r.id,
                    &r.node,
                    &r.sku,
                    &num(r.quantity),
                    &r.eta,
                    &eta,
                    &cost,
                ])
            })
            .collect(),
    );
}

/// orders.csv (the scenario's orders, then each demand surge's, naming its disruption),
/// their lines and planned shipments, and disruptions.csv.
fn orders_and_disruptions(doc: &ScenarioDoc, put: &mut Put) {
    let mut orders: Vec<(&OrderDoc, String)> =
        doc.orders.iter().map(|o| (o, String::new())).collect();
    let mut disruptions = Vec::new();
    for (i, d) in doc.disruptions.iter().enumerate() {
        let id = format!("D{}", i + 1);
        if let DisruptionDoc::DemandSurge { orders: surge } = d {
            orders.extend(surge.iter().map(|o| (o, id.clone())));
        }
        disruptions.push(disruption_row(&id, d));
    }
    put(
        &ORDERS,
        orders
            .iter()
            .map(|(o, surge)| order_row(o, surge))
            .collect(),
    );
    put(
        &ORDER_LINES,
        orders
            .iter()
            .flat_map(|(o, _)| {
                o.lines
                    .iter()
                    .map(|l| row([&o.id, &l.sku, &num(l.quantity)]))
            })
            .collect(),
    );
    put(
        &PLANNED_SHIPMENTS,
        orders
            .iter()
            .flat_map(|(o, _)| {
                o.plan.iter().map(|e| {
                    row([
                        &o.id,
                        &e.sku,
                        &e.node,
                        &opt_str(&e.lane),
                        &e.ship,
                        &num(e.quantity),
                    ])
                })
            })
            .collect(),
    );
    put(&DISRUPTIONS, disruptions);
}

fn render(t: &Table, rows: &[Vec<String>]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail; a record of the wrong width would be a bug here.
    w.write_record(t.columns).expect("in memory");
    for r in rows {
        debug_assert_eq!(r.len(), t.columns.len(), "{}", t.file);
        // Text that would open as a formula is written after a `'` (read back without it).
        let cells = r.iter().map(|c| escape_formula(c).into_owned());
        w.write_record(cells).expect("in memory");
    }
    String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
}

fn row<const N: usize>(cells: [&str; N]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

/// The shortest decimal that reads back as the same `f64` (Rust's `Display`).
fn num(x: f64) -> String {
    x.to_string()
}

fn opt_num(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

fn opt_str(x: &Option<String>) -> String {
    x.clone().unwrap_or_default()
}

fn opt_bool(x: Option<bool>) -> String {
    x.map(|b| b.to_string()).unwrap_or_default()
}

fn lane_row(l: &LaneDoc) -> Vec<String> {
    let days = match &l.departure_days {
        None => String::new(),
        Some(d) if d.is_empty() => NEVER.to_owned(),
        Some(d) => d.iter().map(|x| x.name()).collect::<Vec<_>>().join(" "),
    };
    row([
        &l.id,
        &l.from,
        &l.to,
        &l.mode,
        &l.lead_time_days.to_string(),
        &num(l.cost_per_unit),
        &opt_num(l.fixed_cost_per_day),
        &opt_num(l.capacity_per_day),
        &days,
    ])
}

fn order_row(o: &OrderDoc, surge: &str) -> Vec<String> {
    row([
        &o.id,
        &opt_str(&o.customer),
        &o.destination,
        &o.due,
        &o.priority.to_string(),
        &opt_bool(o.allow_partial),
        &o.max_sources.map(|m| m.to_string()).unwrap_or_default(),
        &opt_bool(o.frozen),
        &opt_num(o.late_penalty_per_unit_day),
        &opt_num(o.short_penalty_per_unit),
        surge,
    ])
}

fn forbid_row(f: &ForbidDoc) -> Vec<String> {
    match f {
        ForbidDoc::Shipment(s) => {
            let lane = match &s.lane {
                None => String::new(),
                Some(None) => LOCAL_ONLY.to_owned(),
                Some(Some(l)) => l.clone(),
            };
            row([
                "shipment",
                &s.order,
                &opt_str(&s.sku),
                &opt_str(&s.node),
                &lane,
                "",
            ])
        }
        ForbidDoc::Transfer(t) => row(["transfer", "", &opt_str(&t.sku), "", &t.lane, ""]),
        ForbidDoc::ExpediteInbound(r) => row(["expedite_inbound", "", "", "", "", r]),
    }
}

fn disruption_row(id: &str, d: &DisruptionDoc) -> Vec<String> {
    let mut cells = vec![("id", id.to_owned()), ("kind", d.kind().to_owned())];
    match d {
        DisruptionDoc::InboundDelay { inbound, eta } => {
            cells.extend([("inbound", inbound.clone()), ("eta", eta.clone())])
        }
        DisruptionDoc::InboundCancel { inbound } => cells.push(("inbound", inbound.clone())),
        DisruptionDoc::StockLoss {
            node,
            sku,
            quantity,
        } => cells.extend([
            ("node", node.clone()),
            ("sku", sku.clone()),
            ("quantity", num(*quantity)),
        ]),
        DisruptionDoc::NodeOutage { node, from, until } => cells.extend([
            ("node", node.clone()),
            ("from", from.clone()),
            ("until", until.clone()),
        ]),
        DisruptionDoc::LaneOutage { lane, from, until } => cells.extend([
            ("lane", lane.clone()),
            ("from", from.clone()),
            ("until", until.clone()),
        ]),
        DisruptionDoc::LaneDelay { lane, extra_days } => cells.extend([
            ("lane", lane.clone()),
            ("extra_days", extra_days.to_string()),
        ]),
        DisruptionDoc::DemandSurge { .. } => {}
    }
    by_column(&DISRUPTIONS, &cells)
}

/// A row of `t` with the named cells filled and the others empty.
fn by_column(t: &Table, cells: &[(&str, String)]) -> Vec<String> {
    t.columns
        .iter()
        .map(|c| {
            cells
                .iter()
                .find(|x| x.0 == *c)
                .map(|x| x.1.clone())
                .unwrap_or_default()
        })
        .collect()
}
