//! Wire types to the domain model, reporting every problem at once with its JSON path.
//!
//! Validation goes section by section and keeps going after a problem, so that a planner
//! fixes a file in one pass. References that fail to resolve are skipped downstream rather
//! than reported again.

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::base::limits::{gap_ok, time_limit_ok, ABSURD, MAX_HORIZON, MAX_ID_CHARS, MAX_THREADS};
use crate::base::text::{clip, number, plural};
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::load::parse_scenario;
use crate::scenario::wire::*;
use chrono::{Datelike, NaiveDate};
use ndarray::Array2;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::sync::Arc;

const DATE_HINT: &str = "write dates as YYYY-MM-DD, e.g. 2026-11-27";

/// The latest `as_of` accepted: every date a plan can name (the horizon, and arrivals up to
/// a horizon's length after it) must still have a four-digit year.
fn last_as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("a calendar date")
        - chrono::Duration::days(2 * MAX_HORIZON + 1)
}

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
            let mut one = v.index_ids(&id, "order", |x| OrderId(x.to_owned()), |_| ix);
            let (key, _) = one.drain().next()?;
            if s.index.orders.contains_key(&key) {
                return None;
            }
            let order = v.order(
                &at,
                o,
                Some(DisruptionIx::new(d)),
                &s.index,
                &s.nodes,
                &s.lanes,
                &s.policy.priority_penalties,
            )?;
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
        &mut s.lanes,
        &mut s.stock,
        &mut s.inbound,
        &mut surges,
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

/// An order's plan entries as read, the units planned per SKU, and the ship days used.
struct Planned {
    plan: Vec<PlanEntry>,
    planned: HashMap<SkuIx, f64>,
    plan_days: HashSet<u32>,
}

#[derive(Default)]
struct Validator {
    diags: Diagnostics,
    as_of: Option<NaiveDate>,
    horizon: Option<u32>,
    integer: bool,
}

impl Validator {
    fn err(
        &mut self,
        code: &str,
        path: impl Into<String>,
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error(code, path, msg).hint(hint));
    }

    fn warn(&mut self, code: &str, path: impl Into<String>, msg: impl Into<String>) {
        self.diags.push(Diagnostic::warning(code, path, msg));
    }

    /// Long because it validates the document's sections in document order, which is the order
    /// of the diagnostics users see.
    fn scenario(&mut self, doc: &ScenarioDoc) -> Option<Scenario> {
        if doc.id.trim().is_empty() {
            self.err(
                "empty_id",
                "id",
                "the scenario id is empty",
                "give the scenario a name, e.g. \"demo-eu-1\"",
            );
        } else if doc.id.chars().count() > MAX_ID_CHARS {
            self.err(
                "id_too_long",
                "id",
                format!(
                    "the scenario id \"{}\" is {} characters long, more than {MAX_ID_CHARS}",
                    clip(&doc.id, 24),
                    doc.id.chars().count()
                ),
                "give the scenario a short name, e.g. \"demo-eu-1\"",
            );
        }
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
        self.integer = doc.policy.integer_quantities.unwrap_or(true);

        let mut index = Index::default();
        let skus = self.skus(&doc.skus, &mut index);
        let nodes = self.nodes(&doc.nodes, &mut index);
        let mut lanes = self.lanes(&doc.lanes, &nodes, &mut index);
        let mut stock = self.stock(&doc.stock, &nodes, &index);
        let mut inbound = self.inbound(&doc.inbound, &nodes, &mut index);

        // Orders from demand surges share the id space of the scenario's own orders.
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
        let ids: Vec<(Field, &str)> = order_docs
            .iter()
            .map(|(p, o, _)| (Field(p, "id"), o.id.as_str()))
            .collect();
        index.orders =
            Arc::new(self.index_ids(&ids, "order", |s| OrderId(s.to_owned()), OrderIx::new));

        let policy_defaults = self.policy_penalties(&doc.policy);
        let mut orders = Vec::with_capacity(order_docs.len());
        for (path, o, surge) in &order_docs {
            if let Some(order) =
                self.order(path, o, *surge, &index, &nodes, &lanes, &policy_defaults)
            {
                orders.push(order);
            }
        }

        let disruptions = self.disruptions(
            &doc.disruptions,
            0,
            &index,
            &nodes,
            &mut lanes,
            &mut stock,
            &mut inbound,
            &mut orders_by_surge(&order_docs),
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
        let mut available = Array2::zeros((nodes.len(), skus.len()));
        for (&(n, s), rec) in &stock {
            available[[n.ix(), s.ix()]] = (rec.on_hand - rec.reserved).max(0.0);
        }
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

    // ---- ids and references -------------------------------------------------------------

    fn index_ids<K: Eq + Hash, I: Copy>(
        &mut self,
        ids: &[(impl fmt::Display, &str)],
        what: &str,
        key: impl Fn(&str) -> K,
        ix: impl Fn(usize) -> I,
    ) -> HashMap<K, I> {
        let mut map = HashMap::with_capacity(ids.len());
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, (path, id)) in ids.iter().enumerate() {
            if id.trim().is_empty() {
                self.err(
                    "empty_id",
                    path.to_string(),
                    format!("empty {what} id"),
                    format!("give every {what} a non-empty id"),
                );
                continue;
            }
            if id.chars().count() > MAX_ID_CHARS {
                self.err(
                    "id_too_long",
                    path.to_string(),
                    format!(
                        "{what} id \"{}\" is {} characters long, more than {MAX_ID_CHARS}",
                        clip(id, 24),
                        id.chars().count()
                    ),
                    "ids are codes from the planning system; shorten it",
                );
                continue;
            }
            if let Some(&prev) = first.get(id) {
                let prev = ids[prev].0.to_string();
                self.err(
                    "duplicate_id",
                    path.to_string(),
                    format!(
                        "duplicate {what} id \"{id}\" (first at {})",
                        prev.trim_end_matches(".id")
                    ),
                    format!("{what} ids must be unique; rename or merge one of them"),
                );
                continue;
            }
            first.insert(id, i);
            map.insert(key(id), ix(i));
        }
        map
    }

    fn resolve<K: Eq + Hash + AsRef<str> + std::borrow::Borrow<str>, I: Copy>(
        &mut self,
        map: &HashMap<K, I>,
        path: &dyn fmt::Display,
        id: &str,
        what: &str,
    ) -> Option<I> {
        if let Some(&i) = map.get(id) {
            return Some(i);
        }
        if id.chars().count() > MAX_ID_CHARS {
            // No declared id is this long, and comparing it with every one would take time
            // in proportion to its length times their number.
            self.err(
                "unknown_reference",
                path.to_string(),
                format!(
                    "unknown {what} \"{}\" ({} characters; no id is longer than {MAX_ID_CHARS})",
                    clip(id, 24),
                    id.chars().count()
                ),
                format!("use the id of a declared {what}"),
            );
            return None;
        }
        let best = map
            .keys()
            .map(|k| {
                (
                    k.as_ref(),
                    strsim::normalized_damerau_levenshtein(id, k.as_ref()),
                )
            })
            .filter(|(_, s)| *s >= 0.6)
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, _)| k.to_owned());
        let hint = match best {
            Some(b) => format!("did you mean \"{b}\"?"),
            None => format!("declare the {what} \"{id}\" or fix the reference"),
        };
        self.err(
            "unknown_reference",
            path.to_string(),
            format!("unknown {what} \"{id}\""),
            hint,
        );
        None
    }

    fn sku_ref(&mut self, index: &Index, path: &dyn fmt::Display, id: &str) -> Option<SkuIx> {
        self.resolve(&index.skus, path, id, "sku")
    }
    fn node_ref(&mut self, index: &Index, path: &dyn fmt::Display, id: &str) -> Option<NodeIx> {
        self.resolve(&index.nodes, path, id, "node")
    }
    fn lane_ref(&mut self, index: &Index, path: &dyn fmt::Display, id: &str) -> Option<LaneIx> {
        self.resolve(&index.lanes, path, id, "lane")
    }
    fn inbound_ref(
        &mut self,
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
    ) -> Option<InboundIx> {
        self.resolve(&index.inbound, path, id, "inbound")
    }
    fn order_ref(&mut self, index: &Index, path: &dyn fmt::Display, id: &str) -> Option<OrderIx> {
        self.resolve(&index.orders, path, id, "order")
    }

    /// A node that must hold stock (a source, a stock record, a receipt).
    fn stock_node(
        &mut self,
        nodes: &[Node],
        index: &Index,
        path: &dyn fmt::Display,
        id: &str,
        role: &str,
    ) -> Option<NodeIx> {
        let n = self.node_ref(index, path, id)?;
        if !nodes[n.ix()].holds_stock() {
            self.err(
                "customer_holds_no_stock",
                path.to_string(),
                format!(
                    "node \"{id}\" is a customer zone and holds no stock, so it cannot be {role}"
                ),
                "use a plant, dc or store here, or change the node's kind",
            );
            return None;
        }
        Some(n)
    }

    // ---- numbers and dates --------------------------------------------------------------

    fn amount(&mut self, path: &dyn fmt::Display, v: f64, what: &str) -> bool {
        if v < 0.0 {
            self.err(
                "negative",
                path.to_string(),
                format!("{what} is {}, below 0", number(v)),
                format!("{what} must be 0 or more"),
            );
            false
        } else if v > ABSURD {
            self.err(
                "absurd_value",
                path.to_string(),
                format!("{what} is {v:e}, above the {ABSURD:e} this program accepts"),
                "check the units and the export that produced this number",
            );
            false
        } else {
            true
        }
    }

    /// A node's location: degrees within the earth's ranges.
    fn location(&mut self, i: usize, at: &Location) -> bool {
        let mut ok = true;
        for (name, v, limit) in [("lat", at.lat, 90.0), ("lon", at.lon, 180.0)] {
            if !(-limit..=limit).contains(&v) {
                self.err(
                    "bad_location",
                    format!("nodes[{i}].location.{name}"),
                    format!("{name} is {}, outside -{limit}..{limit} degrees", number(v)),
                    "give latitude and longitude in decimal degrees, e.g. {\"lat\": 48.85, \"lon\": 2.35}",
                );
                ok = false;
            }
        }
        ok
    }

    /// A quantity of units of a product; whole when the policy asks for whole units.
    fn units(&mut self, path: &dyn fmt::Display, v: f64, what: &str) -> bool {
        if !self.amount(path, v, what) {
            return false;
        }
        if self.integer && v.fract() != 0.0 {
            self.err(
                "fractional_units",
                path.to_string(),
                format!("{what} is {}, not a whole number of units", number(v)),
                "round it, or set policy.integer_quantities to false for divisible goods",
            );
            return false;
        }
        true
    }

    fn date(&mut self, path: &dyn fmt::Display, s: &str) -> Option<NaiveDate> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            self.err(
                "bad_date",
                path.to_string(),
                format!("\"{}\" is not an ISO date", clip(s, 40)),
                DATE_HINT,
            );
            return None;
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        match NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10)) {
            Some(d) => Some(d),
            None => {
                self.err(
                    "bad_date",
                    path.to_string(),
                    format!("\"{s}\" is not a calendar date"),
                    "check the month and the day of the month",
                );
                None
            }
        }
    }

    /// A date as a day offset from `as_of` (`None` when either date is bad).
    fn day(&mut self, path: &dyn fmt::Display, s: &str) -> Option<Day> {
        let d = self.date(path, s)?;
        Some((d - self.as_of?).num_days())
    }

    /// An arrival date (an eta): the date itself, and the day it is usable: before `as_of`
    /// means day 0 (with a warning), at or after H means never inside the horizon.
    fn eta(&mut self, path: &dyn fmt::Display, s: &str) -> Option<(NaiveDate, Day, Option<u32>)> {
        let date = self.date(path, s)?;
        let d = (date - self.as_of?).num_days();
        let h = i64::from(self.horizon?);
        if d < 0 {
            self.warn(
                "eta_in_past",
                path.to_string(),
                format!("eta {s} is before as_of; taken as day 0 (already arrived)"),
            );
        }
        let clamped = d.max(0);
        Some((date, clamped, (clamped < h).then_some(clamped as u32)))
    }

    // ---- sections -----------------------------------------------------------------------

    fn skus(&mut self, docs: &[SkuDoc], index: &mut Index) -> Vec<Sku> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("skus[{i}].id"), s.id.as_str()))
            .collect();
        index.skus = self.index_ids(&ids, "sku", |s| SkuId(s.to_owned()), SkuIx::new);
        docs.iter()
            .map(|s| Sku {
                id: SkuId(s.id.clone()),
                name: s.name.clone(),
            })
            .collect()
    }

    fn nodes(&mut self, docs: &[NodeDoc], index: &mut Index) -> Vec<Node> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("nodes[{i}].id"), n.id.as_str()))
            .collect();
        index.nodes = self.index_ids(&ids, "node", |s| NodeId(s.to_owned()), NodeIx::new);
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

    /// Long because each lane field is its own check, in document order (the order of the
    /// diagnostics).
    fn lanes(&mut self, docs: &[LaneDoc], nodes: &[Node], index: &mut Index) -> Vec<Lane> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lanes[{i}].id"), l.id.as_str()))
            .collect();
        index.lanes = self.index_ids(&ids, "lane", |s| LaneId(s.to_owned()), LaneIx::new);
        let mut out = Vec::with_capacity(docs.len());
        for (i, l) in docs.iter().enumerate() {
            let p = format!("lanes[{i}]");
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
            if l.lead_time_days < 0 || l.lead_time_days > MAX_HORIZON * 4 {
                self.err(
                    "bad_lead_time",
                    format!("{p}.lead_time_days"),
                    format!(
                        "lead_time_days is {}, expected a whole number of days from 0",
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
            let (Some(from), Some(to)) = (from, to) else {
                continue;
            };
            let lead = l.lead_time_days.clamp(0, MAX_HORIZON * 4) as u32;
            out.push(Lane {
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
            });
        }
        if out.len() != docs.len() {
            // A lane that did not resolve would shift every later index. Its error stops the
            // build anyway; an empty vector tells later checks to skip lane lookups.
            out.clear();
        }
        out
    }

    fn stock(
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

    fn inbound(&mut self, docs: &[InboundDoc], nodes: &[Node], index: &mut Index) -> Vec<Inbound> {
        let ids: Vec<_> = docs
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("inbound[{i}].id"), r.id.as_str()))
            .collect();
        index.inbound =
            self.index_ids(&ids, "inbound", |s| InboundId(s.to_owned()), InboundIx::new);
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

    fn policy_penalties(&mut self, doc: &PolicyDoc) -> Vec<PriorityPenalty> {
        let Some(list) = &doc.priority_penalties else {
            return Policy::default_priority_penalties();
        };
        if list.is_empty() {
            self.err(
                "empty_penalties",
                "policy.priority_penalties",
                "priority_penalties is empty",
                "leave the field out for the defaults, or give at least one entry",
            );
            return Policy::default_priority_penalties();
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, e) in list.iter().enumerate() {
            let p = format!("policy.priority_penalties[{i}]");
            if e.priority < 1 {
                self.err(
                    "bad_priority",
                    format!("{p}.priority"),
                    format!("priority is {}, below 1", e.priority),
                    "priorities start at 1 (most important)",
                );
                continue;
            }
            if !seen.insert(e.priority) {
                self.err(
                    "duplicate_priority",
                    format!("{p}.priority"),
                    format!("priority {} listed twice", e.priority),
                    "keep one entry per priority",
                );
                continue;
            }
            self.amount(
                &format_args!("{p}.late_per_unit_day"),
                e.late_per_unit_day,
                "late_per_unit_day",
            );
            self.amount(
                &format_args!("{p}.short_per_unit"),
                e.short_per_unit,
                "short_per_unit",
            );
            out.push(PriorityPenalty {
                priority: e.priority.min(i64::from(u32::MAX)) as u32,
                late_per_unit_day: e.late_per_unit_day,
                short_per_unit: e.short_per_unit,
            });
        }
        out.sort_by_key(|p| p.priority);
        if out.is_empty() {
            return Policy::default_priority_penalties();
        }
        out
    }

    /// Order `o` at path `p`, read in parts: its scalar fields, its lines, its plan
    /// entries, and the plan's totals against the lines. `None` when a part it needs is
    /// broken (the diagnostics say why).
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        surge: Option<DisruptionIx>,
        index: &Index,
        nodes: &[Node],
        lanes: &[Lane],
        penalties: &[PriorityPenalty],
    ) -> Option<Order> {
        let dest = self.node_ref(index, &format_args!("{p}.destination"), &o.destination);
        let due = self.day(&format_args!("{p}.due"), &o.due);
        self.order_fields(p, o);
        let (lines, line_of) = self.order_lines(p, o, index);
        let planned = self.order_plan(p, o, dest, &line_of, index, nodes, lanes);
        let allow_partial = o.allow_partial.unwrap_or(true);
        self.plan_totals(p, o, index, &planned, allow_partial);
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
        Some(Order {
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
        })
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
    #[allow(clippy::too_many_arguments)]
    fn order_plan(
        &mut self,
        p: &dyn fmt::Display,
        o: &OrderDoc,
        dest: Option<NodeIx>,
        line_of: &HashMap<SkuIx, usize>,
        index: &Index,
        nodes: &[Node],
        lanes: &[Lane],
    ) -> Planned {
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
                self.plan_route(&ep, node, lane, dest, lanes, nodes, e, &o.destination);
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
        if !allow_partial && !o.plan.is_empty() && !self.diags.has_errors() {
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

    #[allow(clippy::too_many_arguments)]
    fn plan_route(
        &mut self,
        ep: &dyn fmt::Display,
        node: NodeIx,
        lane: Option<LaneIx>,
        dest: NodeIx,
        lanes: &[Lane],
        nodes: &[Node],
        e: &PlanEntryDoc,
        dest_id: &str,
    ) {
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

    /// The disruptions `docs`, the first of which is the scenario's `first`-th, applied in
    /// order to the lanes, stock and receipts.
    ///
    /// Long because each disruption kind's fields are checked in one match, in document order
    /// (the order of the diagnostics).
    #[allow(clippy::too_many_arguments)]
    fn disruptions(
        &mut self,
        docs: &[DisruptionDoc],
        first: usize,
        index: &Index,
        nodes: &[Node],
        lanes: &mut [Lane],
        stock: &mut HashMap<(NodeIx, SkuIx), StockRecord>,
        inbound: &mut [Inbound],
        surge_orders: &mut HashMap<usize, Vec<OrderIx>>,
    ) -> Vec<Disruption> {
        let mut out = Vec::with_capacity(docs.len());
        let inbound_ok = inbound.len() == index.inbound.len();
        let lanes_ok = lanes.len() == index.lanes.len();
        for (i, d) in (first..).zip(docs) {
            let p = format!("disruptions[{i}]");
            let di = DisruptionIx::new(i);
            let kind = match d {
                DisruptionDoc::InboundDelay { inbound: id, eta } => {
                    let r = self.inbound_ref(index, &format_args!("{p}.inbound"), id);
                    let e = self.eta(&format_args!("{p}.eta"), eta);
                    let (Some(r), Some((_, day, arrival))) = (r, e) else {
                        continue;
                    };
                    if inbound_ok {
                        let rec = &mut inbound[r.ix()];
                        if rec.cancelled {
                            self.warn("delay_after_cancel", p.clone(), format!("inbound \"{id}\" was cancelled earlier; this delay changes nothing"));
                        } else {
                            rec.eta = arrival;
                            rec.disrupted_by.push(di);
                        }
                    }
                    (
                        DisruptionKind::InboundDelay {
                            inbound: r,
                            eta: day,
                        },
                        format!("inbound_delay of {id} to {eta}"),
                    )
                }
                DisruptionDoc::InboundCancel { inbound: id } => {
                    let Some(r) = self.inbound_ref(index, &format_args!("{p}.inbound"), id) else {
                        continue;
                    };
                    if inbound_ok {
                        let rec = &mut inbound[r.ix()];
                        rec.cancelled = true;
                        rec.eta = None;
                        rec.expedite = None;
                        rec.disrupted_by.push(di);
                    }
                    (
                        DisruptionKind::InboundCancel { inbound: r },
                        format!("inbound_cancel of {id}"),
                    )
                }
                DisruptionDoc::StockLoss {
                    node,
                    sku,
                    quantity,
                } => {
                    let n = self.stock_node(
                        nodes,
                        index,
                        &format_args!("{p}.node"),
                        node,
                        "losing stock",
                    );
                    let s = self.sku_ref(index, &format_args!("{p}.sku"), sku);
                    let ok = self.amount(&format_args!("{p}.quantity"), *quantity, "quantity");
                    let (Some(n), Some(s), true) = (n, s, ok) else {
                        continue;
                    };
                    match stock.get_mut(&(n, s)) {
                        Some(rec) => {
                            let took = quantity.min(rec.on_hand);
                            rec.on_hand -= took;
                            rec.losses.push((di, took));
                        }
                        None => self.warn(
                            "loss_without_stock",
                            p.clone(),
                            format!("node \"{node}\" has no stock of sku \"{sku}\"; the loss changes nothing"),
                        ),
                    }
                    (
                        DisruptionKind::StockLoss {
                            node: n,
                            sku: s,
                            quantity: *quantity,
                        },
                        format!("stock_loss of {quantity} {sku} at {node}"),
                    )
                }
                DisruptionDoc::NodeOutage { node, from, until } => {
                    let n = self.node_ref(index, &format_args!("{p}.node"), node);
                    let Some((f, u)) = self.period(&p, from, until) else {
                        continue;
                    };
                    let Some(n) = n else { continue };
                    (
                        DisruptionKind::NodeOutage {
                            node: n,
                            from: f,
                            until: u,
                        },
                        format!("node_outage at {node} from {from} until {until}"),
                    )
                }
                DisruptionDoc::LaneOutage { lane, from, until } => {
                    let l = self.lane_ref(index, &format_args!("{p}.lane"), lane);
                    let Some((f, u)) = self.period(&p, from, until) else {
                        continue;
                    };
                    let Some(l) = l else { continue };
                    if lanes_ok {
                        lanes[l.ix()].outages.push(Outage {
                            from: f,
                            until: u,
                            disruption: di,
                        });
                    }
                    (
                        DisruptionKind::LaneOutage {
                            lane: l,
                            from: f,
                            until: u,
                        },
                        format!("lane_outage of {lane} from {from} until {until}"),
                    )
                }
                DisruptionDoc::LaneDelay { lane, extra_days } => {
                    let l = self.lane_ref(index, &format_args!("{p}.lane"), lane);
                    if *extra_days < 0 || *extra_days > MAX_HORIZON * 4 {
                        self.err(
                            "bad_extra_days",
                            format!("{p}.extra_days"),
                            format!("extra_days is {extra_days}, expected a whole number of days from 0"),
                            "a lane_delay adds days to the lead time; to shorten it, change the lane itself",
                        );
                        continue;
                    }
                    let Some(l) = l else { continue };
                    let extra = *extra_days as u32;
                    if lanes_ok {
                        let lane = &mut lanes[l.ix()];
                        lane.lead_time += extra;
                        lane.delays.push((di, extra));
                    }
                    (
                        DisruptionKind::LaneDelay {
                            lane: l,
                            extra_days: extra,
                        },
                        format!(
                            "lane_delay of {lane} by {}",
                            plural(*extra_days as f64, "day")
                        ),
                    )
                }
                DisruptionDoc::DemandSurge { orders } => {
                    let ixs = surge_orders.remove(&i).unwrap_or_default();
                    let label = format!("demand_surge of {}", plural(orders.len() as f64, "order"));
                    (DisruptionKind::DemandSurge { orders: ixs }, label)
                }
            };
            out.push(Disruption {
                kind: kind.0,
                label: format!("disruptions[{i}] {}", kind.1),
            });
        }
        if out.len() != docs.len() {
            out.clear();
        }
        out
    }

    /// An outage period as day offsets; checks the order of the two dates.
    fn period(&mut self, p: &str, from: &str, until: &str) -> Option<(Day, Day)> {
        let f = self.day(&format_args!("{p}.from"), from);
        let u = self.day(&format_args!("{p}.until"), until);
        let (f, u) = (f?, u?);
        if u < f {
            self.err(
                "period_reversed",
                format!("{p}.until"),
                format!("until ({until}) is before from ({from})"),
                "give the first and the last day of the outage, in that order",
            );
            return None;
        }
        Some((f, u))
    }

    /// The node outages among `disruptions`, the first of which is the scenario's
    /// `first`-th.
    fn apply_node_outages(&mut self, disruptions: &[Disruption], first: usize, nodes: &mut [Node]) {
        for (i, d) in (first..).zip(disruptions) {
            if let DisruptionKind::NodeOutage { node, from, until } = d.kind {
                let n = &mut nodes[node.ix()];
                n.outages.push(Outage {
                    from,
                    until,
                    disruption: DisruptionIx::new(i),
                });
                for day in from.max(0)..=until.min(n.open.len() as i64 - 1) {
                    n.open[day as usize] = false;
                }
            }
        }
    }

    /// Departures per day: a weekday the lane runs on, no lane outage. (A node outage at
    /// the lane's origin closes the lane too, but that is the node's rule: see `Node::open`.)
    fn finish_lanes(&mut self, lanes: &mut [Lane]) {
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

    /// Long because each policy field is its own check, in document order (the order of the
    /// diagnostics).
    fn policy(
        &mut self,
        doc: &PolicyDoc,
        penalties: Vec<PriorityPenalty>,
        index: &Index,
        inbound: &[Inbound],
    ) -> Policy {
        if let Some(c) = doc.change_penalty_per_unit {
            self.amount(
                &"policy.change_penalty_per_unit",
                c,
                "change_penalty_per_unit",
            );
        }
        if let Some(t) = doc.time_limit_s {
            if !time_limit_ok(t) {
                self.err(
                    "bad_time_limit",
                    "policy.time_limit_s",
                    format!("time_limit_s is {t}"),
                    "give a positive number of seconds, e.g. 30",
                );
            }
        }
        if let Some(g) = doc.mip_gap {
            if !gap_ok(g) {
                self.err(
                    "bad_mip_gap",
                    "policy.mip_gap",
                    format!("mip_gap is {g}, outside 0..=1"),
                    "a relative gap such as 0.0001 (0.01 %)",
                );
            }
        }
        if let Some(t) = doc.threads {
            if !(0..=MAX_THREADS).contains(&t) {
                self.err(
                    "bad_threads",
                    "policy.threads",
                    format!("threads is {t}, outside 0..={MAX_THREADS}"),
                    "0 means all cores; otherwise a count from 1",
                );
            }
        }
        let mut forbid = Vec::new();
        for (i, f) in doc.forbid.iter().enumerate() {
            let p = format!("policy.forbid[{i}]");
            match f {
                ForbidDoc::Shipment(s) => {
                    let sp = format!("{p}.shipment");
                    let order = self.order_ref(index, &format_args!("{sp}.order"), &s.order);
                    let sku = s
                        .sku
                        .as_ref()
                        .map(|x| self.sku_ref(index, &format_args!("{sp}.sku"), x));
                    let node = s
                        .node
                        .as_ref()
                        .map(|x| self.node_ref(index, &format_args!("{sp}.node"), x));
                    let lane = s.lane.as_ref().map(|l| {
                        l.as_ref()
                            .map(|x| self.lane_ref(index, &format_args!("{sp}.lane"), x))
                    });
                    let (Some(order), Some(sku), Some(node), Some(lane)) = (
                        order,
                        sku.map_or(Some(None), |x| x.map(Some)),
                        node.map_or(Some(None), |x| x.map(Some)),
                        lane.map_or(Some(None), |x| {
                            x.map_or(Some(Some(None)), |y| y.map(|z| Some(Some(z))))
                        }),
                    ) else {
                        continue;
                    };
                    forbid.push(Forbid::Shipment {
                        order,
                        sku,
                        node,
                        lane,
                    });
                }
                ForbidDoc::Transfer(t) => {
                    let tp = format!("{p}.transfer");
                    let lane = self.lane_ref(index, &format_args!("{tp}.lane"), &t.lane);
                    let sku = t
                        .sku
                        .as_ref()
                        .map(|x| self.sku_ref(index, &format_args!("{tp}.sku"), x));
                    let (Some(lane), Some(sku)) = (lane, sku.map_or(Some(None), |x| x.map(Some)))
                    else {
                        continue;
                    };
                    forbid.push(Forbid::Transfer { lane, sku });
                }
                ForbidDoc::ExpediteInbound(id) => {
                    let Some(r) =
                        self.inbound_ref(index, &format_args!("{p}.expedite_inbound"), id)
                    else {
                        continue;
                    };
                    if inbound
                        .get(r.ix())
                        .is_some_and(|x| x.expedite.is_none() && !x.cancelled)
                    {
                        self.warn(
                            "forbid_without_option",
                            p.clone(),
                            format!("inbound \"{id}\" has no expedite option; nothing to forbid"),
                        );
                    }
                    forbid.push(Forbid::ExpediteInbound(r));
                }
            }
        }
        Policy {
            priority_penalties: penalties,
            change_penalty_per_unit: doc.change_penalty_per_unit.unwrap_or(0.5),
            integer_quantities: doc.integer_quantities.unwrap_or(true),
            forbid,
            time_limit_s: doc.time_limit_s.unwrap_or(30.0),
            mip_gap: doc.mip_gap.unwrap_or(1e-4),
            threads: doc.threads.unwrap_or(0).clamp(0, MAX_THREADS) as u32,
        }
    }
}

/// Which order indices each `demand_surge` adds: surge orders come after the scenario's own,
/// in the order they appear.
fn orders_by_surge(
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

/// Where an order sits in the document, written out only when a message needs it:
/// `orders[i]`, or `disruptions[d].orders[j]` for a demand surge's.
#[derive(Clone, Copy)]
enum OrderAt {
    Listed(usize),
    Surge(usize, usize),
}

impl fmt::Display for OrderAt {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            OrderAt::Listed(i) => write!(f, "orders[{i}]"),
            OrderAt::Surge(d, j) => write!(f, "disruptions[{d}].orders[{j}]"),
        }
    }
}

/// `parent.field`, written out only when a message needs it.
struct Field<'a>(&'a dyn fmt::Display, &'static str);

impl fmt::Display for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}", self.0, self.1)
    }
}

/// `parent.field[index]`, written out only when a message needs it (a path formatted for
/// every line and plan entry took a fifth of validating medium).
struct Elem<'a>(&'a dyn fmt::Display, &'static str, usize);

impl fmt::Display for Elem<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}.{}[{}]", self.0, self.1, self.2)
    }
}
