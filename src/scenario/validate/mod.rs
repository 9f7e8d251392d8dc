//! Wire types to the domain model, reporting every problem at once with its JSON path.
//!
//! Validation goes section by section and keeps going after a problem, so that a planner
//! fixes a file in one pass. References that fail to resolve are skipped downstream rather
//! than reported again.
//!
//! [`validate`] walks the document's sections in its order (`Validator::scenario`, below),
//! and [`extend`] appends disruptions; each section's checks are a file of their own
//! (`network.rs`, `orders.rs`, `disruptions.rs`, `policy.rs`), beside the ids and references
//! every section resolves (`refs.rs`), numbers and dates (`values.rs`) and the JSON paths
//! diagnostics name (`paths.rs`). `validator.rs` holds the diagnostics they collect.
//! `chunks.rs` validates the orders in chunks on rayon's threads, with the diagnostics
//! the same, in the same order, as one after the other.

mod chunks;
mod disruptions;
mod network;
mod orders;
mod paths;
mod policy;
mod refs;
mod validator;
mod values;

use crate::base::diagnostics::Diagnostics;
use crate::base::limits::{MAX_HORIZON, MAX_ID_CHARS};
use crate::base::text::clip;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::load::parse_scenario;
use crate::scenario::wire::*;
use disruptions::Targets;
use ndarray::Array2;
use orders::{orders_by_surge, Network};
use paths::{Field, OrderAt};
use std::collections::HashMap;
use std::sync::Arc;
use validator::Validator;
use values::last_as_of;

pub(crate) use refs::FIRST_AT;

/// Reads, parses and validates a scenario. `Ok` carries the warnings.
pub fn load_scenario(bytes: &[u8]) -> Result<(Scenario, Diagnostics), Diagnostics> {
    load_scenario_doc(bytes).map(|(_, s, diags)| (s, diags))
}

/// [`load_scenario`] that also returns the parsed document, for commands that write a
/// changed copy of it (`apply`).
pub fn load_scenario_doc(
    bytes: &[u8],
) -> Result<(ScenarioDoc, Scenario, Diagnostics), Diagnostics> {
    let (doc, mut diags) = parse_scenario(bytes)?;
    match validate(&doc) {
        Ok((s, more)) => {
            diags.extend(more);
            Ok((doc, s, diags))
        }
        Err(more) => {
            diags.extend(more);
            Err(diags)
        }
    }
}

/// Validates a parsed scenario and builds the domain model. `Ok` carries the warnings;
/// `Err` carries every error found (and the warnings).
pub fn validate(doc: &ScenarioDoc) -> Result<(Scenario, Diagnostics), Diagnostics> {
    let mut v = Validator::default();
    let scenario = v.scenario(doc);
    match scenario {
        Some(s) if !v.diags.has_errors() => Ok((s, v.diags)),
        _ => {
            debug_assert!(v.diags.has_errors(), "validation failed without an error");
            Err(v.diags)
        }
    }
}

/// `prev`, a scenario [`validate`] accepted, with the disruptions `more` appended: the same
/// scenario `validate` gives for the document with them appended, without validating again
/// what they cannot change (the entities, the policy and the orders before them).
/// `None` when any of them is refused; `validate` on the whole document then names every
/// problem in document order.
///
/// What holds it: disruptions apply in document order to the lanes, stock and receipts,
/// and each reads only what the earlier ones left, which is `prev`'s; orders, the policy
/// and the entities are validated before any disruption applies and never read one, except
/// that a `demand_surge`'s orders take the next order indices and must not repeat an id;
/// the departures per day and the stock available at day 0 are computed from the
/// disruptions' result, and are recomputed here.
pub fn extend(prev: &Scenario, more: &[DisruptionDoc]) -> Option<Scenario> {
    let mut v = Validator {
        diags: Diagnostics::default(),
        as_of: Some(prev.as_of),
        horizon: Some(prev.horizon),
        integer: prev.policy.integer_quantities,
        ..Validator::default()
    };
    let mut s = prev.clone();
    let first = prev.disruptions.len();
    let mut surges: HashMap<usize, Vec<OrderIx>> = HashMap::new();
    for (d, dis) in (first..).zip(more) {
        let DisruptionDoc::DemandSurge { orders } = dis else {
            continue;
        };
        for (j, o) in orders.iter().enumerate() {
            let at = OrderAt::Surge(d, j);
            let ix = OrderIx::new(s.orders.len());
            let id = [(Field(&at, "id"), o.id.as_str())];
            // One id: its value in the map (its position, 0) is not the one used.
            let mut one: HashMap<_, OrderIx> = v.index_ids(&id, "order", |x| OrderId(x.to_owned()));
            let (key, _) = one.drain().next()?;
            if s.index.orders.contains_key(&key) {
                return None;
            }
            let net = Network {
                index: &s.index,
                nodes: &s.nodes,
                lanes: &s.lanes,
            };
            let surge = Some(DisruptionIx::new(d));
            let order = v.order(&at, o, surge, &net, &s.policy.priority_penalties)?;
            Arc::make_mut(&mut s.index.orders).insert(key, ix);
            Arc::make_mut(&mut s.orders).push(order);
            surges.entry(d).or_default().push(ix);
        }
    }
    let added = v.disruptions(
        more,
        first,
        &s.index,
        &s.nodes,
        Targets {
            lanes: &mut s.lanes,
            stock: &mut s.stock,
            inbound: &mut s.inbound,
            surge_orders: &mut surges,
        },
    );
    if v.diags.has_errors() || added.len() != more.len() {
        return None;
    }
    v.apply_node_outages(&added, first, &mut s.nodes);
    s.disruptions.extend(added);
    v.finish_lanes(&mut s.lanes);
    for (&(n, k), rec) in &s.stock {
        s.available[[n.ix(), k.ix()]] = (rec.on_hand - rec.reserved).max(0.0);
    }
    Some(s)
}

impl Validator {
    /// The scenario `doc` describes, its sections validated in document order (the order of
    /// the diagnostics users see); `None` when any of them has an error.
    fn scenario(&mut self, doc: &ScenarioDoc) -> Option<Scenario> {
        self.scenario_id(&doc.id);
        if let Some(c) = &doc.currency {
            self.currency(c);
        }
        self.as_of_and_horizon(doc);
        self.integer = doc.policy.integer_quantities.unwrap_or(true);

        let mut index = Index::default();
        let skus = self.skus(&doc.skus, &mut index);
        let nodes = self.nodes(&doc.nodes, &mut index);
        let mut lanes = self.lanes(&doc.lanes, &nodes, &mut index);
        let mut stock = self.stock(&doc.stock, &nodes, &index);
        let mut inbound = self.inbound(&doc.inbound, &nodes, &mut index);

        // Orders from demand surges share the id space of the scenario's own orders.
        let order_docs = order_docs(doc);
        let ids: Vec<(Field, &str)> = order_docs
            .iter()
            .map(|(p, o, _)| (Field(p, "id"), o.id.as_str()))
            .collect();
        index.orders = Arc::new(self.index_ids(&ids, "order", |s| OrderId(s.to_owned())));

        let policy_defaults = self.policy_penalties(&doc.policy);
        let net = Network {
            index: &index,
            nodes: &nodes,
            lanes: &lanes,
        };
        let orders = self.orders(&order_docs, &net, &policy_defaults);

        let disruptions = self.disruptions(
            &doc.disruptions,
            0,
            &index,
            &nodes,
            Targets {
                lanes: &mut lanes,
                stock: &mut stock,
                inbound: &mut inbound,
                surge_orders: &mut orders_by_surge(&order_docs),
            },
        );
        let mut nodes = nodes;
        self.apply_node_outages(&disruptions, 0, &mut nodes);
        self.finish_lanes(&mut lanes);
        let policy = self.policy(&doc.policy, policy_defaults, &index, &inbound);

        let (Some(as_of), Some(horizon)) = (self.as_of, self.horizon) else {
            return None;
        };
        if self.diags.has_errors() || orders.len() != order_docs.len() {
            return None;
        }
        let available = available(&stock, nodes.len(), skus.len());
        Some(Scenario {
            id: doc.id.clone(),
            as_of,
            horizon,
            currency: doc.currency.clone(),
            skus,
            nodes,
            lanes,
            inbound,
            orders: Arc::new(orders),
            disruptions,
            policy,
            stock,
            available,
            index,
        })
    }

    /// Checks the scenario's `id`: not empty, not too long, on one line, without
    /// bidirectional controls (only the first of these that fails is reported).
    fn scenario_id(&mut self, id: &str) {
        if id.trim().is_empty() {
            self.err(
                "empty_id",
                "id",
                "the scenario id is empty",
                "give the scenario a name, e.g. \"demo-eu-1\"",
            );
        } else if id.chars().count() > MAX_ID_CHARS {
            self.err(
                "id_too_long",
                "id",
                format!(
                    "the scenario id \"{}\" is {} characters long, more than {MAX_ID_CHARS}",
                    clip(id, 24),
                    id.chars().count()
                ),
                "give the scenario a short name, e.g. \"demo-eu-1\"",
            );
        } else if refs::breaks_line(id) {
            self.err(
            "id_line_break",
            "id",
            format!("the scenario id {:?} has a line break in it", id),
            "ids are written on one line in every table, report and file; remove the line break",
        );
        } else if let Some(c) = refs::reorders(id) {
            self.err(
                "id_bidi_control",
                "id",
                format!(
                    "the scenario id {:?} has the bidirectional control U+{:04X} in it",
                    id, c as u32
                ),
                refs::REORDERS_HINT,
            );
        }
    }

    /// Checks `as_of` and `horizon_days`, and keeps those that are usable in `self.as_of`
    /// and `self.horizon`.
    fn as_of_and_horizon(&mut self, doc: &ScenarioDoc) {
        self.as_of = self.date(&"as_of", &doc.as_of);
        if let Some(d) = self.as_of.filter(|d| *d > last_as_of()) {
            self.err(
            "as_of_too_late",
            "as_of",
            format!(
                "as_of {d} is after {}: dates in the plan would run past the year 9999, which YYYY-MM-DD cannot write",
                last_as_of()
            ),
            "check the year",
        );
            self.as_of = None;
        }
        if (1..=MAX_HORIZON).contains(&doc.horizon_days) {
            self.horizon = Some(doc.horizon_days as u32);
        } else {
            self.err(
                "horizon_out_of_range",
                "horizon_days",
                format!(
                    "horizon_days is {}, outside 1..={MAX_HORIZON}",
                    doc.horizon_days
                ),
                "plan between 1 day and a year; 14 to 28 days is usual for order promising",
            );
        }
    }
}

/// Every order of `doc` with where it sits: the listed ones, then each demand surge's, in
/// document order.
fn order_docs(doc: &ScenarioDoc) -> Vec<(OrderAt, &OrderDoc, Option<DisruptionIx>)> {
    let mut order_docs: Vec<(OrderAt, &OrderDoc, Option<DisruptionIx>)> = doc
        .orders
        .iter()
        .enumerate()
        .map(|(i, o)| (OrderAt::Listed(i), o, None))
        .collect();
    for (d, dis) in doc.disruptions.iter().enumerate() {
        if let DisruptionDoc::DemandSurge { orders } = dis {
            for (j, o) in orders.iter().enumerate() {
                order_docs.push((OrderAt::Surge(d, j), o, Some(DisruptionIx::new(d))));
            }
        }
    }
    order_docs
}

/// The stock available at day 0 per (node, sku): on hand less reserved, never below zero.
fn available(
    stock: &HashMap<(NodeIx, SkuIx), StockRecord>,
    nodes: usize,
    skus: usize,
) -> Array2<f64> {
    let mut available = Array2::zeros((nodes, skus));
    for (&(n, s), rec) in stock {
        available[[n.ix(), s.ix()]] = (rec.on_hand - rec.reserved).max(0.0);
    }
    available
}
