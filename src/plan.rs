//! A plan: shipments, transfers and expedited receipts (`../shared/SCENARIO.md` section 3),
//! as a wire type (the `plan` section of the proposals format) and as a domain type.
//!
//! The domain plan may break any rule of section 3: deciding whether it does is the
//! checker's job. Converting from the wire only resolves ids and dates; an id that names
//! nothing is bad input.

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::base::layout::parallel::Parallel;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use crate::scenario::load::join_path;
use rayon::slice::ParallelSliceMut;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanDoc {
    #[serde(default)]
    pub shipments: Vec<ShipmentDoc>,
    #[serde(default)]
    pub transfers: Vec<TransferDoc>,
    #[serde(default)]
    pub expedited_inbound: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShipmentDoc {
    pub order: String,
    pub sku: String,
    pub node: String,
    /// `null` = local fulfilment at the destination; required, as in a scenario's plan.
    #[serde(deserialize_with = "crate::scenario::wire::required_nullable")]
    #[schemars(with = "crate::scenario::wire::RequiredNullableString")]
    pub lane: Option<String>,
    pub ship: String,
    pub quantity: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferDoc {
    pub lane: String,
    pub sku: String,
    pub ship: String,
    pub quantity: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub shipments: Vec<Shipment>,
    pub transfers: Vec<Transfer>,
    pub expedited: Vec<InboundIx>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shipment {
    pub order: OrderIx,
    pub sku: SkuIx,
    pub node: NodeIx,
    /// `None` = local.
    pub lane: Option<LaneIx>,
    /// Any day: the checker reports days outside 0..H-1.
    pub ship: Day,
    pub quantity: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transfer {
    pub lane: LaneIx,
    pub sku: SkuIx,
    pub ship: Day,
    pub quantity: f64,
}

/// The key under which shipments are merged (section 5).
pub type ShipmentKey = (OrderIx, SkuIx, NodeIx, Option<LaneIx>, Day);
/// The key under which transfers are merged.
pub type TransferKey = (LaneIx, SkuIx, Day);

impl Shipment {
    /// (order, sku, node, lane, ship day): what entries are merged by.
    pub fn key(&self) -> ShipmentKey {
        (self.order, self.sku, self.node, self.lane, self.ship)
    }

    /// The shipment of `quantity` on a merge key.
    pub fn at(key: ShipmentKey, quantity: f64) -> Self {
        let (order, sku, node, lane, ship) = key;
        Shipment {
            order,
            sku,
            node,
            lane,
            ship,
            quantity,
        }
    }
}

impl Transfer {
    /// (lane, sku, ship day): what entries are merged by.
    pub fn key(&self) -> TransferKey {
        (self.lane, self.sku, self.ship)
    }

    /// The transfer of `quantity` on a merge key.
    pub fn at(key: TransferKey, quantity: f64) -> Self {
        let (lane, sku, ship) = key;
        Transfer {
            lane,
            sku,
            ship,
            quantity,
        }
    }
}

/// Quantities summed per key, in key order (zero sums kept): what `Plan::merged_shipments`
/// and `Plan::merged_transfers` compute (each key's quantities added from 0 in the order
/// given, so the same bits), by a stable sort instead of a tree, which is several times
/// faster and linear on entries already in key order.
pub fn merge<K: Ord + Copy>(entries: impl Iterator<Item = (K, f64)>) -> Vec<(K, f64)> {
    let mut v: Vec<(K, f64)> = entries.collect();
    v.sort_by_key(|e| e.0);
    let mut out: Vec<(K, f64)> = Vec::with_capacity(v.len());
    for (k, q) in v {
        match out.last_mut() {
            Some((last, total)) if *last == k => *total += q,
            _ => out.push((k, 0.0 + q)),
        }
    }
    out
}

impl Plan {
    /// Every (lane, day) something departs on, once per shipment or transfer: the
    /// lane-days whose charge the plan pays (SCENARIO.md section 3, "fixed").
    pub fn lane_days(&self) -> impl Iterator<Item = (LaneIx, Day)> + '_ {
        self.shipping_lane_days()
            .chain(self.transfers.iter().map(|t| (t.lane, t.ship)))
    }

    /// Every (lane, day) a shipment departs on, once per shipment.
    pub fn shipping_lane_days(&self) -> impl Iterator<Item = (LaneIx, Day)> + '_ {
        self.shipments
            .iter()
            .filter_map(|e| e.lane.map(|l| (l, e.ship)))
    }

    /// Shipments summed per (order, sku, node, lane, day), in key order.
    ///
    /// Built from [`merge`]'s sorted sums (the same sums as adding each key's quantities
    /// from 0 in the plan's order), so the map is filled in one ordered pass rather than by
    /// a search per shipment.
    pub fn merged_shipments(&self) -> BTreeMap<ShipmentKey, f64> {
        merge(self.shipments.iter().map(|s| (s.key(), s.quantity)))
            .into_iter()
            .collect()
    }

    /// Transfers summed per (lane, sku, day), in key order; built as
    /// [`Plan::merged_shipments`] is.
    pub fn merged_transfers(&self) -> BTreeMap<TransferKey, f64> {
        merge(self.transfers.iter().map(|t| (t.key(), t.quantity)))
            .into_iter()
            .collect()
    }

    /// The same plan with merged entries, zero quantities dropped, in a canonical order:
    /// what [`Plan::from_merged`] makes of the merged maps, with the same sums (each key's
    /// quantities added from 0 in the plan's order), by a stable sort rather than a map (a
    /// map of a million shipments took two thirds of writing a plan).
    pub fn normalized(&self) -> Plan {
        let mut expedited = self.expedited.clone();
        expedited.sort();
        expedited.dedup();
        Plan {
            shipments: merge(self.shipments.iter().map(|s| (s.key(), s.quantity)))
                .into_iter()
                .filter(|e| e.1 != 0.0)
                .map(|(key, quantity)| Shipment::at(key, quantity))
                .collect(),
            transfers: merge(self.transfers.iter().map(|t| (t.key(), t.quantity)))
                .into_iter()
                .filter(|e| e.1 != 0.0)
                .map(|(key, quantity)| Transfer::at(key, quantity))
                .collect(),
            expedited,
        }
    }

    /// A plan from merged quantities per key, zero quantities dropped, in key order.
    pub fn from_merged(
        shipments: &BTreeMap<ShipmentKey, f64>,
        transfers: &BTreeMap<TransferKey, f64>,
        expedited: Vec<InboundIx>,
    ) -> Plan {
        Plan {
            shipments: shipments
                .iter()
                .filter(|(_, q)| **q != 0.0)
                .map(|(&key, &quantity)| Shipment::at(key, quantity))
                .collect(),
            transfers: transfers
                .iter()
                .filter(|(_, q)| **q != 0.0)
                .map(|(&key, &quantity)| Transfer::at(key, quantity))
                .collect(),
            expedited,
        }
    }

    /// The wire form: merged, ids and dates written out, sorted by (order id, sku id, ...)
    /// so that documents are stable and diffable.
    pub fn to_doc(&self, s: &Scenario) -> PlanDoc {
        self.view(s).to_doc()
    }

    /// The wire form without owning it: serializes to the same JSON as [`Plan::to_doc`]'s
    /// document, writing ids and dates from the scenario instead of copying a string per
    /// entry (on a million entries, building those copies took longer than writing them).
    pub fn view<'a>(&self, s: &'a Scenario) -> PlanView<'a> {
        let mut p = self.normalized();
        // The document's order: by ids, then by day (a date's text orders as its day does).
        // Sorted on every core (a million shipments compare their id strings), stably as
        // `sort_by` sorts: the same order.
        let order = |o: OrderIx| s.order(o).id.0.as_str();
        let sku = |k: SkuIx| s.sku(k).id.0.as_str();
        let node = |n: NodeIx| s.node(n).id.0.as_str();
        let lane = |l: LaneIx| s.lane(l).id.0.as_str();
        p.shipments.par_sort_by(|a, b| {
            (
                order(a.order),
                sku(a.sku),
                node(a.node),
                a.lane.map(lane),
                a.ship,
            )
                .cmp(&(
                    order(b.order),
                    sku(b.sku),
                    node(b.node),
                    b.lane.map(lane),
                    b.ship,
                ))
        });
        p.transfers.par_sort_by(|a, b| {
            (lane(a.lane), sku(a.sku), a.ship).cmp(&(lane(b.lane), sku(b.sku), b.ship))
        });
        p.expedited
            .sort_by(|a, b| s.inbound(*a).id.0.cmp(&s.inbound(*b).id.0));
        let mut dates = std::collections::HashMap::new();
        for d in p
            .shipments
            .iter()
            .map(|x| x.ship)
            .chain(p.transfers.iter().map(|t| t.ship))
        {
            dates.entry(d).or_insert_with(|| s.date_string(d));
        }
        PlanView { s, plan: p, dates }
    }
}

/// A plan in its document's order, serialized as its [`PlanDoc`] is: see [`Plan::view`].
pub struct PlanView<'a> {
    s: &'a Scenario,
    plan: Plan,
    dates: std::collections::HashMap<Day, String>,
}

/// A [`ShipmentDoc`] of borrowed text: the same fields, in the same order.
#[derive(Serialize)]
struct ShipmentText<'a> {
    order: &'a str,
    sku: &'a str,
    node: &'a str,
    lane: Option<&'a str>,
    ship: &'a str,
    quantity: f64,
}

/// A [`TransferDoc`] of borrowed text.
#[derive(Serialize)]
struct TransferText<'a> {
    lane: &'a str,
    sku: &'a str,
    ship: &'a str,
    quantity: f64,
}

impl<'a> PlanView<'a> {
    fn shipments(&self) -> impl Iterator<Item = ShipmentText<'_>> {
        (0..self.plan.shipments.len()).map(|i| self.shipment(i))
    }

    /// The `i`th shipment in the document's order.
    fn shipment(&self, i: usize) -> ShipmentText<'_> {
        let (s, x) = (self.s, &self.plan.shipments[i]);
        ShipmentText {
            order: &s.order(x.order).id.0,
            sku: &s.sku(x.sku).id.0,
            node: &s.node(x.node).id.0,
            lane: x.lane.map(|l| s.lane(l).id.0.as_str()),
            ship: &self.dates[&x.ship],
            quantity: x.quantity,
        }
    }

    fn transfers(&self) -> impl Iterator<Item = TransferText<'_>> {
        (0..self.plan.transfers.len()).map(|i| self.transfer(i))
    }

    /// The `i`th transfer in the document's order.
    fn transfer(&self, i: usize) -> TransferText<'_> {
        let (s, t) = (self.s, &self.plan.transfers[i]);
        TransferText {
            lane: &s.lane(t.lane).id.0,
            sku: &s.sku(t.sku).id.0,
            ship: &self.dates[&t.ship],
            quantity: t.quantity,
        }
    }

    fn expedited(&self) -> impl Iterator<Item = &str> {
        self.plan
            .expedited
            .iter()
            .map(|i| self.s.inbound(*i).id.0.as_str())
    }

    /// The owned document.
    pub fn to_doc(&self) -> PlanDoc {
        PlanDoc {
            shipments: self
                .shipments()
                .map(|x| ShipmentDoc {
                    order: x.order.to_owned(),
                    sku: x.sku.to_owned(),
                    node: x.node.to_owned(),
                    lane: x.lane.map(str::to_owned),
                    ship: x.ship.to_owned(),
                    quantity: x.quantity,
                })
                .collect(),
            transfers: self
                .transfers()
                .map(|t| TransferDoc {
                    lane: t.lane.to_owned(),
                    sku: t.sku.to_owned(),
                    ship: t.ship.to_owned(),
                    quantity: t.quantity,
                })
                .collect(),
            expedited_inbound: self.expedited().map(str::to_owned).collect(),
        }
    }
}

/// A sequence serialized from the items its function yields.
struct Seq<F>(F);

impl<F: Fn() -> I, I: IntoIterator<Item = T>, T: Serialize> Serialize for Seq<F> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq((self.0)())
    }
}

impl Serialize for PlanView<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = ser.serialize_struct("PlanDoc", 3)?;
        // A million shipments are laid out on every core (`Parallel`).
        let shipments = Parallel::new(self.plan.shipments.len(), |i| self.shipment(i));
        let transfers = Parallel::new(self.plan.transfers.len(), |i| self.transfer(i));
        st.serialize_field("shipments", &shipments)?;
        st.serialize_field("transfers", &transfers)?;
        st.serialize_field("expedited_inbound", &Seq(|| self.expedited()))?;
        st.end()
    }
}

impl PlanDoc {
    /// Resolves ids and dates against the scenario. `prefix` is the JSON path of the plan in
    /// its document (e.g. `plan`; empty for a bare plan), used in diagnostics. Every problem
    /// is reported.
    pub fn to_domain(&self, s: &Scenario, prefix: &str) -> Result<Plan, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut plan = Plan::default();
        let mut r = Resolver {
            s,
            diags: &mut diags,
        };
        for (i, x) in self.shipments.iter().enumerate() {
            let p = join_path(prefix, &format!("shipments[{i}]"));
            let order = r.id(
                &s.index.orders,
                &format!("{p}.order"),
                &x.order,
                "order",
                |v| OrderId(v.to_owned()),
            );
            let sku = r.id(&s.index.skus, &format!("{p}.sku"), &x.sku, "sku", |v| {
                SkuId(v.to_owned())
            });
            let node = r.id(&s.index.nodes, &format!("{p}.node"), &x.node, "node", |v| {
                NodeId(v.to_owned())
            });
            let lane = match &x.lane {
                None => Some(None),
                Some(l) => r
                    .id(&s.index.lanes, &format!("{p}.lane"), l, "lane", |v| {
                        LaneId(v.to_owned())
                    })
                    .map(Some),
            };
            let ship = r.day(&format!("{p}.ship"), &x.ship);
            let q = r.quantity(&format!("{p}.quantity"), x.quantity);
            if let (Some(order), Some(sku), Some(node), Some(lane), Some(ship), Some(quantity)) =
                (order, sku, node, lane, ship, q)
            {
                plan.shipments.push(Shipment {
                    order,
                    sku,
                    node,
                    lane,
                    ship,
                    quantity,
                });
            }
        }
        for (i, x) in self.transfers.iter().enumerate() {
            let p = join_path(prefix, &format!("transfers[{i}]"));
            let lane = r.id(&s.index.lanes, &format!("{p}.lane"), &x.lane, "lane", |v| {
                LaneId(v.to_owned())
            });
            let sku = r.id(&s.index.skus, &format!("{p}.sku"), &x.sku, "sku", |v| {
                SkuId(v.to_owned())
            });
            let ship = r.day(&format!("{p}.ship"), &x.ship);
            let q = r.quantity(&format!("{p}.quantity"), x.quantity);
            if let (Some(lane), Some(sku), Some(ship), Some(quantity)) = (lane, sku, ship, q) {
                plan.transfers.push(Transfer {
                    lane,
                    sku,
                    ship,
                    quantity,
                });
            }
        }
        for (i, x) in self.expedited_inbound.iter().enumerate() {
            let p = join_path(prefix, &format!("expedited_inbound[{i}]"));
            if let Some(ix) = r.id(&s.index.inbound, &p, x, "inbound", |v| {
                InboundId(v.to_owned())
            }) {
                plan.expedited.push(ix);
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(plan)
        }
    }
}

struct Resolver<'a> {
    s: &'a Scenario,
    diags: &'a mut Diagnostics,
}

impl Resolver<'_> {
    fn id<K: std::hash::Hash + Eq, I: Copy>(
        &mut self,
        map: &std::collections::HashMap<K, I>,
        path: &str,
        id: &str,
        what: &str,
        key: impl Fn(&str) -> K,
    ) -> Option<I> {
        let found = map.get(&key(id)).copied();
        if found.is_none() {
            self.diags.push(
                Diagnostic::error(
                    "unknown_reference",
                    path,
                    format!("unknown {what} \"{id}\""),
                )
                .hint(format!(
                    "the plan must name {} of scenario \"{}\"; is it the right scenario?",
                    crate::base::text::a(what),
                    self.s.id
                )),
            );
        }
        found
    }

    fn day(&mut self, path: &str, text: &str) -> Option<Day> {
        match crate::base::dates::iso_date(text) {
            Ok(d) => Some((d - self.s.as_of).num_days()),
            Err((message, hint)) => {
                self.diags
                    .push(Diagnostic::error("bad_date", path, message).hint(hint));
                None
            }
        }
    }

    /// Negative quantities are a rule-1 violation for the checker to report, not bad input;
    /// only numbers no plan could mean are refused here.
    fn quantity(&mut self, path: &str, q: f64) -> Option<f64> {
        if q.abs() > crate::base::limits::ABSURD {
            self.diags.push(
                Diagnostic::error(
                    "absurd_value",
                    path,
                    format!("quantity {q:e} is beyond any plan"),
                )
                .hint("check the units of the plan"),
            );
            return None;
        }
        Some(q)
    }
}

/// What the checker reads differently from how a plan document writes it, as warnings:
/// a receipt named twice in `expedited_inbound` (a set, SCENARIO.md section 2: expedited
/// and charged once), and plan lists written beside the `plan` the document was read at
/// (`prefix`; only that plan is judged). `bytes` is the document `doc` was read from.
pub fn reading_warnings(bytes: &[u8], doc: &PlanDoc, prefix: &str) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut first = std::collections::HashMap::new();
    for (i, id) in doc.expedited_inbound.iter().enumerate() {
        let j = *first.entry(id.as_str()).or_insert(i);
        if j != i {
            diags.push(
                Diagnostic::warning(
                    "expedited_twice",
                    join_path(prefix, &format!("expedited_inbound[{i}]")),
                    format!(
                        "receipt {:?} is listed at {} too: a receipt is expedited, and charged, once",
                        crate::base::text::clip(id, 80),
                        join_path(prefix, &format!("expedited_inbound[{j}]"))
                    ),
                )
                .hint("list each expedited receipt once"),
            );
        }
    }
    if !prefix.is_empty() {
        for name in lists_beside(bytes) {
            diags.push(
                Diagnostic::warning(
                    "not_read",
                    name,
                    format!(
                        "`{name}` beside `{prefix}` is not read: the plan judged is `{prefix}`"
                    ),
                )
                .hint(format!("move its entries into `{prefix}`, or remove it")),
            );
        }
    }
    diags
}

/// The plan lists a document has at its top level, skipped over without being kept.
fn lists_beside(bytes: &[u8]) -> Vec<&'static str> {
    use serde::de::IgnoredAny;
    #[derive(Deserialize)]
    struct Top {
        shipments: Option<IgnoredAny>,
        transfers: Option<IgnoredAny>,
        expedited_inbound: Option<IgnoredAny>,
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(top) = serde_json::from_slice::<Top>(bytes) else {
        return Vec::new();
    };
    [
        ("shipments", top.shipments.is_some()),
        ("transfers", top.transfers.is_some()),
        ("expedited_inbound", top.expedited_inbound.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect()
}

/// The format a proposals document names (what `recourse solve` writes).
pub const PROPOSALS_FORMAT: &str = "recourse.proposals/1";

/// The format a risk document names (`recourse risk --format json`); its `baseline_plan`
/// is the plan `check` reads from it.
pub const RISK_FORMAT: &str = "recourse.risk/1";

/// Reads the plan out of a proposals document, or any JSON object with a `plan`, or a risk
/// document (its `baseline_plan`: the do-nothing plan), or a bare plan object. Returns the
/// plan and its JSON path in the document. With `scenario`, a document that names another
/// scenario (its `scenario`) is refused in one line, before its plan is read against the
/// wrong network.
pub fn parse_plan_document(
    bytes: &[u8],
    scenario: Option<&str>,
) -> Result<(PlanDoc, &'static str), Diagnostics> {
    use crate::scenario::load::{every_wrong_field_in, json_kind, parse_json, typed_in};
    let mut diags = Diagnostics::default();
    let value = parse_json(bytes, "plan document", &mut diags).ok_or_else(|| diags.clone())?;
    let format = value.get("format").and_then(serde_json::Value::as_str);
    let risk = format == Some(RISK_FORMAT);
    if let Some(d) = other_document(format, &value, scenario) {
        diags.push(d);
        return Err(diags);
    }
    let (inner, prefix) = match value.get("plan") {
        Some(p) => (p, "plan"),
        // A risk document (`recourse risk --format json`) holds the do-nothing plan; one
        // without it has no plan, as below.
        None if risk && value.get("baseline_plan").is_some() => {
            (&value["baseline_plan"], "baseline_plan")
        }
        None if value.is_object()
            && ["shipments", "transfers", "expedited_inbound"]
                .iter()
                .any(|k| value.get(k).is_some()) =>
        {
            (&value, "")
        }
        None if format == Some(PROPOSALS_FORMAT) => {
            let status = value
                .pointer("/solve/status")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("unknown");
            diags.push(
                Diagnostic::error(
                    "no_plan",
                    "",
                    format!("the proposals document has no plan: its solve found none (status {status:?})"),
                )
                .hint("check judges a plan; read the document's `solve` section (or `recourse report`) for why none was found"),
            );
            return Err(diags);
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "no_plan",
                    "",
                    match json_kind(&value) {
                        "an object" => "expected a proposals document, a risk document or an object with a `plan`, found an object with neither `plan` nor `shipments`, `transfers` or `expedited_inbound`".to_owned(),
                        kind => format!("expected a proposals document, a risk document or an object with a `plan`, found {kind}"),
                    },
                )
                .hint("pass the output of `recourse solve`, or {\"plan\": {\"shipments\": [...], \"transfers\": [...], \"expedited_inbound\": [...]}}"),
            );
            return Err(diags);
        }
    };
    if let Ok(plan) = typed_in::<PlanDoc>(inner, prefix, Some("proposals")) {
        return Ok((plan, prefix));
    }
    diags.items.extend(every_wrong_field_in::<PlanDoc>(
        inner,
        prefix,
        Some("proposals"),
    ));
    Err(diags)
}

/// The error for a document whose `format` is not [`PROPOSALS_FORMAT`]: its fields may
/// mean something else (another version), or it is another document altogether.
pub fn other_format(format: &str) -> Option<Diagnostic> {
    if format == PROPOSALS_FORMAT {
        return None;
    }
    let hint = if format.starts_with("recourse.") && !format.starts_with("recourse.proposals/") {
        format!("this is a {format} document, not proposals: pass what `recourse solve` writes (\"{PROPOSALS_FORMAT}\")")
    } else {
        format!("this recourse reads \"{PROPOSALS_FORMAT}\"; solve the scenario again with this recourse, or use the release that wrote the document")
    };
    Some(
        Diagnostic::error(
            "unsupported_format",
            "format",
            format!("unsupported format {format:?}; expected \"{PROPOSALS_FORMAT}\""),
        )
        .hint(hint),
    )
}

/// Why a plan document is not read at all: another version of a proposals or risk document
/// (its fields may mean other things), or one made for another scenario than `scenario`
/// (refused in one line, before its plan is read against the wrong network).
fn other_document(
    format: Option<&str>,
    value: &serde_json::Value,
    scenario: Option<&str>,
) -> Option<Diagnostic> {
    if let Some(f) = format.filter(|f| f.starts_with("recourse.proposals/")) {
        if let Some(d) = other_format(f) {
            return Some(d);
        }
    }
    if let Some(f) = format.filter(|f| f.starts_with("recourse.risk/") && *f != RISK_FORMAT) {
        return Some(
            Diagnostic::error(
                "unsupported_format",
                "format",
                format!("unsupported format {f:?}; expected \"{RISK_FORMAT}\""),
            )
            .hint("run `recourse risk --format json` again with this recourse, or use the release that wrote the document"),
        );
    }
    let (id, named) = (scenario?, value.get("scenario")?.as_str()?);
    (id != named).then(|| {
        let made = if format == Some(RISK_FORMAT) {
            "the risk document was made"
        } else {
            "the proposals were made"
        };
        Diagnostic::error(
            "other_scenario",
            "scenario",
            format!("{made} for scenario \"{named}\", not \"{id}\""),
        )
        .hint("pass the scenario the document was made for")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (order, sku, node, lane, day) and a quantity, as small numbers.
    type RawShipment = ((u8, u8, u8, Option<u8>, i8), i8);
    /// (lane, sku, day) and a quantity.
    type RawTransfer = ((u8, u8, i8), i8);

    fn plan(shipments: Vec<RawShipment>, transfers: Vec<RawTransfer>) -> Plan {
        // Few distinct keys and quantities around 0, so that keys repeat and sums cancel.
        Plan {
            shipments: shipments
                .into_iter()
                .map(|((o, k, n, l, d), q)| Shipment {
                    order: OrderIx::new(usize::from(o % 4)),
                    sku: SkuIx::new(usize::from(k % 3)),
                    node: NodeIx::new(usize::from(n % 3)),
                    lane: l.map(|l| LaneIx::new(usize::from(l % 2))),
                    ship: Day::from(d % 3),
                    quantity: f64::from(q % 4) / 3.0,
                })
                .collect(),
            transfers: transfers
                .into_iter()
                .map(|((l, k, d), q)| Transfer {
                    lane: LaneIx::new(usize::from(l % 2)),
                    sku: SkuIx::new(usize::from(k % 2)),
                    ship: Day::from(d % 3),
                    quantity: f64::from(q % 4) / 3.0,
                })
                .collect(),
            expedited: vec![InboundIx::new(1), InboundIx::new(0), InboundIx::new(1)],
        }
    }

    proptest! {
        /// `normalized` gives exactly what merging through the maps gives, sums bit for bit.
        #[test]
        fn normalized_is_the_merged_plan(
            shipments in proptest::collection::vec(any::<RawShipment>(), 0..40),
            transfers in proptest::collection::vec(any::<RawTransfer>(), 0..20),
        ) {
            let p = plan(shipments, transfers);
            let want = Plan::from_merged(
                &p.merged_shipments(),
                &p.merged_transfers(),
                vec![InboundIx::new(0), InboundIx::new(1)],
            );
            let got = p.normalized();
            prop_assert_eq!(got.shipments.len(), want.shipments.len());
            for (a, b) in got.shipments.iter().zip(&want.shipments) {
                prop_assert_eq!((a.order, a.sku, a.node, a.lane, a.ship), (b.order, b.sku, b.node, b.lane, b.ship));
                prop_assert_eq!(a.quantity.to_bits(), b.quantity.to_bits());
            }
            prop_assert_eq!(got.transfers.len(), want.transfers.len());
            for (a, b) in got.transfers.iter().zip(&want.transfers) {
                prop_assert_eq!((a.lane, a.sku, a.ship), (b.lane, b.sku, b.ship));
                prop_assert_eq!(a.quantity.to_bits(), b.quantity.to_bits());
            }
            prop_assert_eq!(got.expedited, want.expedited);
        }
    }
}
