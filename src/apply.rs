//! `recourse apply`: folds approved responses into a new scenario and turns rejected ones
//! into `policy.forbid` patterns, so that the next solve starts from what people decided.
//!
//! The approved plan must become the next do-nothing baseline, which executes only planned
//! shipments (SCENARIO.md section 4). So:
//! - an order that an approved response changes gets the approved shipments as its plan;
//! - an approved transfer becomes what the baseline executes for a transfer: a frozen order
//!   `TR-...` at the receiving node that ships the units from the sending node on the
//!   transfer's day and lane (same stock, capacity, transport and fixed charge), and a
//!   receipt with the same id arriving at the receiving node on the arrival day;
//! - an approved expedite moves the receipt's eta to the expedited eta (the option is used:
//!   it and any `inbound_delay` of that receipt are removed; its cost is sunk).
//! - a ship-complete order whose approved shipments leave on several days is frozen with
//!   `allow_partial` dropped: section 2 plans a ship-complete order on one day, and frozen
//!   is how a scenario says "exactly these shipments, every line in full".
//!
//! A feasible plan whose shipments are all on their planned days is executed exactly by the
//! baseline, so the approved orders are no longer at risk.
//!
//! A rejected response forbids what it would have added: its transfers (`{lane, sku}`),
//! its expedites, and its shipments on a (sku, node, lane) outside the order's current plan.
//! Section 2 exempts an order's planned routes from `forbid`, so a rejected change on a
//! route the order already uses (shipping earlier or more on its own lane) cannot be
//! forbidden; the next solve may propose it again.

use crate::base::diagnostics::Diagnostics;
use crate::base::text::cents;
use crate::check::evaluate;
use crate::documents::proposals::{ProposalsDoc, ResponseDoc};
use crate::plan::Plan;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use std::collections::{BTreeMap, BTreeSet, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("unknown response id \"{id}\"; the proposals have {known}")]
    UnknownResponse { id: String, known: String },
    #[error("{response} requires {required}, which is not approved: approve {required} too, or leave {response} out")]
    MissingRequirement { response: String, required: String },
    #[error("{id} is both approved and rejected")]
    ApprovedAndRejected { id: String },
    #[error("the proposals were made for scenario \"{proposals}\", not \"{scenario}\"")]
    OtherScenario { proposals: String, scenario: String },
    #[error("the proposals' baseline_plan differs from this scenario's do-nothing plan: they were made for another version of the scenario; solve it again")]
    StaleBaseline,
    #[error("{what} under this scenario: the proposals were made for another version of it; solve it again")]
    StalePlan { what: String },
    #[error("the proposals cannot be read against the scenario:\n{0}")]
    Unreadable(Diagnostics),
    #[error("internal error: the new scenario does not validate:\n{0}")]
    Invalid(Diagnostics),
    #[error("order \"{0}\" is in the proposals' plan but not in the scenario")]
    MissingOrder(String),
    /// The approved deltas do not give what the document promises: a feasible plan costing
    /// the baseline's cost minus the approved net benefits (`models/responses.md`).
    #[error("approving {approved} does not give what the proposals promise: {what}. Was the proposals document edited after `recourse solve` wrote it? Solve the scenario again (if it was not edited, please report this with both files)")]
    Inconsistent { approved: String, what: String },
    /// The document does not say what its own plans do, whatever is approved.
    #[error("the proposals do not add up: {what}. Was the proposals document edited after `recourse solve` wrote it? Solve the scenario again (if it was not edited, please report this with both files)")]
    Edited { what: String },
}

/// A decisions file: the ids to approve and to reject, as the planner's page offers them
/// ("approvals as JSON") and `apply --decisions` reads them.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    #[serde(default)]
    pub approve: Vec<String>,
    #[serde(default)]
    pub reject: Vec<String>,
    /// The digest of the responses the decisions were made on
    /// ([`crate::documents::proposals::responses_digest`]), when the page wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses_digest: Option<String>,
}

/// Reads a decisions file, every problem a diagnostic naming its JSON path.
pub fn parse_decisions(bytes: &[u8]) -> Result<Decisions, crate::base::diagnostics::Diagnostics> {
    let mut diags = crate::base::diagnostics::Diagnostics::default();
    let value =
        crate::scenario::load::parse_json(bytes, "decisions file", &mut diags).ok_or(diags)?;
    crate::scenario::load::typed_in::<Decisions>(&value, "", None)
        .map_err(|d| crate::base::diagnostics::Diagnostics { items: vec![d] })
}

/// The ids in `list` split on commas, trimmed, empty pieces dropped.
pub fn parse_ids(list: &[String]) -> Vec<String> {
    list.iter()
        .flat_map(|x| x.split(','))
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Checks the approval set against the document: every id exists, every requirement of an
/// approved response is approved, nothing is both approved and rejected. `all` expands to
/// every response.
pub fn check_sets(
    doc: &ProposalsDoc,
    approve: &[String],
    reject: &[String],
) -> Result<(Vec<usize>, Vec<usize>), ApplyError> {
    let index: BTreeMap<&str, usize> = doc
        .responses
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let known = if doc.responses.is_empty() {
        "no responses".to_owned()
    } else {
        format!(
            "{}..{}",
            doc.responses[0].id,
            doc.responses[doc.responses.len() - 1].id
        )
    };
    let resolve = |ids: &[String]| -> Result<BTreeSet<usize>, ApplyError> {
        let mut out = BTreeSet::new();
        for id in ids {
            if id == "all" {
                out.extend(0..doc.responses.len());
                continue;
            }
            match index.get(id.as_str()) {
                Some(i) => {
                    out.insert(*i);
                }
                None => {
                    return Err(ApplyError::UnknownResponse {
                        id: id.clone(),
                        known: known.clone(),
                    })
                }
            }
        }
        Ok(out)
    };
    let a = resolve(approve)?;
    let r = resolve(reject)?;
    if let Some(i) = a.intersection(&r).next() {
        return Err(ApplyError::ApprovedAndRejected {
            id: doc.responses[*i].id.clone(),
        });
    }
    for &i in &a {
        for req in &doc.responses[i].requires {
            let j = index.get(req.as_str()).copied();
            if !j.is_some_and(|j| a.contains(&j)) {
                return Err(ApplyError::MissingRequirement {
                    response: doc.responses[i].id.clone(),
                    required: req.clone(),
                });
            }
        }
    }
    Ok((a.into_iter().collect(), r.into_iter().collect()))
}

/// The plan after applying the deltas of responses `approved` (indices, any order) to the
/// document's `baseline_plan`, in rank order, as section 5 says.
pub fn approved_plan(
    s: &Scenario,
    doc: &ProposalsDoc,
    approved: &[usize],
) -> Result<Plan, ApplyError> {
    let base = doc
        .baseline_plan
        .to_domain(s, "baseline_plan")
        .map_err(ApplyError::Unreadable)?;
    let mut sorted = approved.to_vec();
    sorted.sort_unstable();
    let mut deltas = Vec::new();
    for i in sorted {
        let r = &doc.responses[i];
        let p = format!("responses[{i}].delta");
        let remove = r
            .delta
            .remove
            .to_domain(s, &format!("{p}.remove"))
            .map_err(ApplyError::Unreadable)?;
        let add = r
            .delta
            .add
            .to_domain(s, &format!("{p}.add"))
            .map_err(ApplyError::Unreadable)?;
        deltas.push((remove, add));
    }
    Ok(crate::respond::apply_deltas(&base, &deltas))
}

/// Checks, with the independent checker, that the approved plan is what the document
/// promises for any approval set closed under `requires`: feasible, and costing the
/// baseline's cost minus the approved responses' net benefits (within 1e-6 relative). A
/// document `solve` wrote always passes; an edited one is refused here rather than turned
/// into a scenario that breaks the rules or no longer matches its proposals.
fn promise_kept(
    s: &Scenario,
    base: f64,
    plan: &Plan,
    doc: &ProposalsDoc,
    approved: &[usize],
) -> Result<(), ApplyError> {
    if approved.is_empty() {
        // The plan is the baseline itself, which the document promises nothing about (it
        // may break a frozen commitment that only a response restores).
        return Ok(());
    }
    // Named only when refused: a few ids say which set (`--approve all` on a large
    // scenario would name thousands).
    let inconsistent = |what: String| {
        let ids: Vec<&str> = approved
            .iter()
            .map(|&i| doc.responses[i].id.as_str())
            .collect();
        let approved = match ids.len() {
            1 => format!("response {}", ids[0]),
            n if n == doc.responses.len() => format!("all {n} responses"),
            n if n <= 5 => format!("responses {}", ids.join(", ")),
            n => format!(
                "{} responses ({}, ... {})",
                n,
                ids[..3].join(", "),
                ids[n - 1]
            ),
        };
        ApplyError::Inconsistent { approved, what }
    };
    let eval = evaluate(s, plan);
    if let Some(v) = eval.violations.first() {
        return Err(inconsistent(format!(
            "the plan breaks rule {} ({}{})",
            v.rule,
            v.message,
            match eval.violations.len() - 1 {
                0 => String::new(),
                n => format!(", and {n} more"),
            }
        )));
    }
    let benefit: f64 = approved.iter().map(|&i| doc.responses[i].net_benefit).sum();
    let promised = base - benefit;
    let scale = base.abs().max(promised.abs()).max(1.0);
    // Written so that a net benefit of NaN or one that overflows is refused too.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if !((eval.cost.total - promised).abs() <= 1e-6 * scale) {
        return Err(inconsistent(format!(
            "the plan costs {}, not the baseline's {} minus the net benefits {} = {}",
            cents(eval.cost.total),
            cents(base),
            cents(benefit),
            cents(promised)
        )));
    }
    Ok(())
}

/// What `apply` did, for the message `main` prints.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub orders_replanned: Vec<String>,
    pub transfers: usize,
    pub expedited: Vec<String>,
    pub forbidden: usize,
    /// Ship-complete orders whose approved plan leaves on several days: frozen, because a
    /// scenario's plan for a ship-complete order leaves on one day.
    pub frozen_ship_complete: Vec<String>,
    /// Every order's plan had to become its approved shipments (see `apply`).
    pub all_orders_folded: bool,
    /// Rejected responses whose changes all lie on their orders' planned routes, which
    /// `forbid` cannot name (SCENARIO.md section 2): the next solve may propose them again.
    pub unforbiddable: Vec<String>,
}

/// An order's shipments in `merged` as plan entries, in key order.
fn entries(
    s: &Scenario,
    merged: &BTreeMap<crate::plan::ShipmentKey, f64>,
    o: OrderIx,
) -> Vec<PlanEntryDoc> {
    merged
        .range((o, SkuIx(0), NodeIx(0), None, Day::MIN)..)
        .take_while(|(k, _)| k.0 == o)
        .filter(|(_, q)| **q > 1e-9)
        .map(|(&(_, sku, node, lane, day), &q)| PlanEntryDoc {
            sku: s.sku(sku).id.0.clone(),
            node: s.node(node).id.0.clone(),
            lane: lane.map(|l| s.lane(l).id.0.clone()),
            ship: s.date_string(day),
            quantity: q,
        })
        .collect()
}

fn same_entries(a: &[PlanEntryDoc], b: &[PlanEntryDoc]) -> bool {
    let key = |v: &[PlanEntryDoc]| {
        let mut k: Vec<(String, String, Option<String>, String, i64)> = v
            .iter()
            .map(|e| {
                (
                    e.sku.clone(),
                    e.node.clone(),
                    e.lane.clone(),
                    e.ship.clone(),
                    (e.quantity * 1e6).round() as i64,
                )
            })
            .collect();
        k.sort();
        k
    };
    key(a) == key(b)
}

/// Replaces the plan of `target` (order `o`) by its shipments in `merged`; true when it
/// had to be frozen (see below).
fn fold_into(
    s: &Scenario,
    target: &mut OrderDoc,
    merged: &BTreeMap<crate::plan::ShipmentKey, f64>,
    o: OrderIx,
) -> bool {
    let e = entries(s, merged, o);
    let days: BTreeSet<&str> = e.iter().map(|x| x.ship.as_str()).collect();
    // Section 2 plans a ship-complete order on one day; the approved plan ships it in full
    // on several. Freezing it keeps exactly that (every line in full) without the one-day
    // rule, which is the only way a scenario can say it.
    let split = !s.order(o).allow_partial && days.len() > 1;
    target.plan = e;
    if split {
        target.allow_partial = None;
        target.frozen = Some(true);
    }
    split
}

/// Whether the new scenario's baseline ships every approved order exactly as approved.
fn executes_as_approved(
    out: &ScenarioDoc,
    touched: &BTreeSet<String>,
    merged: &BTreeMap<crate::plan::ShipmentKey, f64>,
    s: &Scenario,
) -> Result<bool, ApplyError> {
    let (n, _) = crate::scenario::validate::validate(out).map_err(ApplyError::Invalid)?;
    let b = crate::risk::baseline::simulate(&n);
    let nm = b.plan.merged_shipments();
    for id in touched {
        let (Some(old), Some(new)) = (
            s.index.orders.get(&OrderId(id.clone())),
            n.index.orders.get(&OrderId(id.clone())),
        ) else {
            return Ok(false);
        };
        if !same_entries(&entries(s, merged, *old), &entries(&n, &nm, *new)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether `doc` was made for this version of `s`: the same scenario id and the same
/// do-nothing plan (an `apply` since changes it), that plan's cost and the proposed plan's
/// as the document says, and its plan keeping every rule. The do-nothing plan's cost, when
/// it was.
pub fn made_for(s: &Scenario, doc: &ProposalsDoc) -> Result<f64, ApplyError> {
    if doc.scenario != s.id {
        return Err(ApplyError::OtherScenario {
            proposals: doc.scenario.clone(),
            scenario: s.id.clone(),
        });
    }
    let baseline = crate::risk::baseline::simulate(s);
    if baseline.plan.to_doc(s) != doc.baseline_plan {
        return Err(ApplyError::StaleBaseline);
    }
    // A change the do-nothing plan does not show (less stock where it does not ship from,
    // another penalty or lane cost) still shows in what the document says both plans cost,
    // or in its plan, which no longer keeps every rule.
    let stale = |what: String| Err(ApplyError::StalePlan { what });
    let differs = |a: f64, b: f64| (a - b).abs() > 1e-6 * a.abs().max(b.abs()).max(1.0);
    let base = evaluate(s, &baseline.plan).cost.total;
    if differs(base, doc.kpis.baseline.cost.total) {
        return stale(format!(
            "the do-nothing plan costs {}, not the {} the proposals say,",
            cents(base),
            cents(doc.kpis.baseline.cost.total)
        ));
    }
    if let (Some(plan), Some(k)) = (&doc.plan, &doc.kpis.proposed) {
        let plan = plan.to_domain(s, "plan").map_err(ApplyError::Unreadable)?;
        let eval = evaluate(s, &plan);
        if let Some(v) = eval.violations.first() {
            return stale(format!(
                "the proposals' plan breaks rule {} ({})",
                v.rule, v.message
            ));
        }
        if differs(eval.cost.total, k.cost.total) {
            return stale(format!(
                "the proposals' plan costs {}, not the {} they say,",
                cents(eval.cost.total),
                cents(k.cost.total)
            ));
        }
        // Approving every response gives the plan: their net benefits are what it saves.
        let benefits: f64 = doc.responses.iter().map(|r| r.net_benefit).sum();
        if !doc.responses.is_empty() && differs(benefits, base - eval.cost.total) {
            return Err(ApplyError::Edited {
                what: format!(
                    "their net benefits add up to {}, not the {} the plan saves",
                    cents(benefits),
                    cents(base - eval.cost.total)
                ),
            });
        }
    }
    // The orders a response names are the scenario's.
    for r in &doc.responses {
        let named = r.protects.iter().chain(&r.donors);
        if let Some(o) = named
            .into_iter()
            .find(|o| !s.index.orders.contains_key(&OrderId((*o).clone())))
        {
            return Err(ApplyError::Edited {
                what: format!("{} names order \"{o}\", which is not in the scenario", r.id),
            });
        }
    }
    Ok(base)
}

/// The new scenario: `wire` (the document `s` was validated from) with the approved
/// responses folded in and the rejected ones forbidden.
pub fn apply(
    s: &Scenario,
    wire: &ScenarioDoc,
    doc: &ProposalsDoc,
    approve: &[String],
    reject: &[String],
) -> Result<(ScenarioDoc, Summary), ApplyError> {
    let base = made_for(s, doc)?;
    let (approved, rejected) = check_sets(doc, approve, reject)?;
    let plan = approved_plan(s, doc, &approved)?;
    promise_kept(s, base, &plan, doc, &approved)?;
    let mut out = wire.clone();
    let mut summary = Summary::default();

    // Orders the approved responses change take the approved shipments as their plan.
    let touched = touched_orders(doc, &approved);
    let merged = plan.merged_shipments();
    replan_touched(s, &touched, &merged, &mut out, &mut summary)?;
    // Transfers become a frozen shipment out and a receipt in.
    add_transfers(s, &plan, &mut out, &mut summary);
    // Expedites: the receipt arrives on the expedited eta from now on.
    expedite_receipts(s, &plan, &mut out, &mut summary);

    // The baseline serves orders greedily, so an untouched order that the old baseline
    // shipped late may now leave earlier and take stock an approved order counts on. When
    // that happens, every order's plan becomes its shipments in the approved plan, which
    // the baseline then executes exactly (a feasible plan, everything on its day).
    if !executes_as_approved(&out, &touched, &merged, s)? {
        fold_every_order(s, &touched, &merged, &mut out, &mut summary);
    }

    // Rejections: forbid what they would have added.
    let rejected = rejected.iter().map(|&i| &doc.responses[i]);
    forbid_rejected(s, rejected, &mut out, &mut summary);
    Ok((out, summary))
}

/// The ids of the orders whose shipments the `approved` responses remove or add.
fn touched_orders(doc: &ProposalsDoc, approved: &[usize]) -> BTreeSet<String> {
    let mut touched: BTreeSet<String> = BTreeSet::new();
    for &i in approved {
        let d = &doc.responses[i].delta;
        for sh in d.remove.shipments.iter().chain(&d.add.shipments) {
            touched.insert(sh.order.clone());
        }
    }
    touched
}

/// Gives each `touched` order of `out` its approved shipments (`merged`) as its plan; an
/// error when one is not in the scenario.
fn replan_touched(
    s: &Scenario,
    touched: &BTreeSet<String>,
    merged: &BTreeMap<crate::plan::ShipmentKey, f64>,
    out: &mut ScenarioDoc,
    summary: &mut Summary,
) -> Result<(), ApplyError> {
    // One walk over the document's orders: looking each touched id up would be quadratic.
    for w in orders_mut(out) {
        if !touched.contains(&w.id) {
            continue;
        }
        let o = *s
            .index
            .orders
            .get(&OrderId(w.id.clone()))
            .ok_or_else(|| ApplyError::MissingOrder(w.id.clone()))?;
        if fold_into(s, w, merged, o) {
            summary.frozen_ship_complete.push(w.id.clone());
        }
        summary.orders_replanned.push(w.id.clone());
    }
    // Reported in id order, as the touched set is.
    summary.orders_replanned.sort();
    summary.frozen_ship_complete.sort();
    if let Some(id) = touched
        .iter()
        .find(|id| summary.orders_replanned.binary_search(id).is_err())
    {
        return Err(ApplyError::MissingOrder(id.clone()));
    }
    Ok(())
}

/// Adds each of `plan`'s transfers to `out` as a frozen `TR-...` order shipping it and a
/// receipt of the same id arriving with it.
fn add_transfers(s: &Scenario, plan: &Plan, out: &mut ScenarioDoc, summary: &mut Summary) {
    let mut taken = taken_ids(out);
    for t in plan.normalized().transfers {
        let l = s.lane(t.lane);
        let mut id = format!("TR-{}-{}-{}", l.id, s.sku(t.sku).id, s.date_string(t.ship));
        let stem = id.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{stem}-{n}");
            n += 1;
        }
        taken.insert(id.clone());
        let arrival = s.date_string(t.ship + Day::from(l.lead_time));
        out.inbound.push(InboundDoc {
            id: id.clone(),
            node: s.node(l.to).id.0.clone(),
            sku: s.sku(t.sku).id.0.clone(),
            quantity: t.quantity,
            eta: arrival.clone(),
            expedite: None,
        });
        out.orders.push(OrderDoc {
            id,
            customer: None,
            destination: s.node(l.to).id.0.clone(),
            due: arrival,
            priority: 1,
            lines: vec![LineDoc {
                sku: s.sku(t.sku).id.0.clone(),
                quantity: t.quantity,
            }],
            plan: vec![PlanEntryDoc {
                sku: s.sku(t.sku).id.0.clone(),
                node: s.node(l.from).id.0.clone(),
                lane: Some(l.id.0.clone()),
                ship: s.date_string(t.ship),
                quantity: t.quantity,
            }],
            allow_partial: None,
            max_sources: None,
            frozen: Some(true),
            late_penalty_per_unit_day: None,
            short_penalty_per_unit: None,
        });
        summary.transfers += 1;
    }
}

/// The ids `out`'s orders, receipts and demand surges' orders already use.
fn taken_ids(out: &ScenarioDoc) -> BTreeSet<String> {
    out.orders
        .iter()
        .map(|o| o.id.clone())
        .chain(out.inbound.iter().map(|i| i.id.clone()))
        .chain(out.disruptions.iter().flat_map(|d| match d {
            DisruptionDoc::DemandSurge { orders } => orders.iter().map(|o| o.id.clone()).collect(),
            _ => Vec::new(),
        }))
        .collect()
}

/// Moves the eta of each receipt `plan` expedites to its expedited eta in `out`, and drops
/// the receipt's expedite option and its `inbound_delay`s.
fn expedite_receipts(s: &Scenario, plan: &Plan, out: &mut ScenarioDoc, summary: &mut Summary) {
    // The expedited ids in a set, then one walk over the receipts and one over the
    // disruptions: searching both per expedite would take time in their product. Receipt
    // ids are unique (validation refuses a repeated one; `TR-...` ids avoid every taken id).
    let ids: HashSet<&str> = plan
        .expedited
        .iter()
        .map(|&i| s.inbound(i).id.0.as_str())
        .collect();
    for w in out
        .inbound
        .iter_mut()
        .filter(|w| ids.contains(w.id.as_str()))
    {
        if let Some(x) = w.expedite.take() {
            w.eta = x.eta;
        }
    }
    out.disruptions.retain(|d| {
        !matches!(d, DisruptionDoc::InboundDelay { inbound, .. } if ids.contains(inbound.as_str()))
    });
    summary
        .expedited
        .extend(plan.expedited.iter().map(|&i| s.inbound(i).id.0.clone()));
}

/// Gives every other order of `out` whose plan differs from its approved shipments
/// (`merged`) those shipments as its plan; frozen and `touched` orders are done already.
fn fold_every_order(
    s: &Scenario,
    touched: &BTreeSet<String>,
    merged: &BTreeMap<crate::plan::ShipmentKey, f64>,
    out: &mut ScenarioDoc,
    summary: &mut Summary,
) {
    // Walk the document's orders in place: looking each up by id would be quadratic.
    for w in orders_mut(out) {
        // `TR-...` orders are new, not in `s`, and already planned as approved.
        let Some(&o) = s.index.orders.get(&OrderId(w.id.clone())) else {
            continue;
        };
        if s.order(o).frozen || touched.contains(&w.id) {
            continue;
        }
        if !same_entries(&entries(s, merged, o), &w.plan) {
            if fold_into(s, w, merged, o) {
                summary.frozen_ship_complete.push(w.id.clone());
            }
            summary.orders_replanned.push(w.id.clone());
        }
    }
    summary.all_orders_folded = true;
}

/// Adds to `out`'s `policy.forbid` what each of the `rejected` responses would have added
/// (see [`forbids`]), each pattern once.
fn forbid_rejected<'a>(
    s: &Scenario,
    rejected: impl IntoIterator<Item = &'a ResponseDoc>,
    out: &mut ScenarioDoc,
    summary: &mut Summary,
) {
    // The patterns in a set: searching the list per new pattern would take time in the
    // square of the patterns (19,387 when every response of the large preset is rejected).
    let mut said: HashSet<ForbidDoc> = out.policy.forbid.iter().cloned().collect();
    for r in rejected {
        let new = forbids(s, r);
        if new.is_empty() {
            summary.unforbiddable.push(r.id.clone());
        }
        for f in new {
            if said.insert(f.clone()) {
                out.policy.forbid.push(f);
                summary.forbidden += 1;
            }
        }
    }
}

/// What the response `r` would have added, as `forbid` patterns: its shipments off the
/// orders' planned routes, its transfers and its expedites.
fn forbids(s: &Scenario, r: &ResponseDoc) -> Vec<ForbidDoc> {
    let add = &r.delta.add;
    let mut new: Vec<ForbidDoc> = Vec::new();
    for sh in &add.shipments {
        let planned = s
            .index
            .orders
            .get(&OrderId(sh.order.clone()))
            .map(|o| s.order(*o))
            .is_some_and(|o| {
                o.plan.iter().any(|p| {
                    s.sku(p.sku).id.0 == sh.sku
                        && s.node(p.node).id.0 == sh.node
                        && p.lane.map(|l| s.lane(l).id.0.as_str()) == sh.lane.as_deref()
                })
            });
        if !planned {
            new.push(ForbidDoc::Shipment(ForbidShipmentDoc {
                order: sh.order.clone(),
                sku: Some(sh.sku.clone()),
                node: Some(sh.node.clone()),
                lane: Some(sh.lane.clone()),
            }));
        }
    }
    for t in &add.transfers {
        new.push(ForbidDoc::Transfer(ForbidTransferDoc {
            lane: t.lane.clone(),
            sku: Some(t.sku.clone()),
        }));
    }
    for e in &add.expedited_inbound {
        new.push(ForbidDoc::ExpediteInbound(e.clone()));
    }
    new
}

/// The document's orders, the scenario's first, then those of demand surges.
fn orders_mut(doc: &mut ScenarioDoc) -> impl Iterator<Item = &mut OrderDoc> {
    doc.orders
        .iter_mut()
        .chain(doc.disruptions.iter_mut().flat_map(|d| match d {
            DisruptionDoc::DemandSurge { orders } => orders.iter_mut(),
            _ => [].iter_mut(),
        }))
}
