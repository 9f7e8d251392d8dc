//! The proposals document (`../shared/SCENARIO.md` section 5) that `recourse solve` writes:
//! the solve report, the KPIs before and after, the at-risk orders, the ranked responses
//! with their deltas, the at-risk orders left unresolved, and both plans. These types are
//! the wire format; `recourse apply` reads them back.

use crate::base::diagnostics::{Diagnostic, Diagnostics};
use crate::base::layout::parallel::in_parallel;
use crate::optimize::{Outcome, SolverStats};
use crate::plan::{PlanDoc, PlanView};
use crate::respond::{response_id, Action, Owner, Response, Responses};
use crate::risk::kpi::{kpis, Kpis};
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::OrderIx;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::plan::other_format;
pub use crate::plan::PROPOSALS_FORMAT;

/// `P` is how its two plans are held: [`PlanDoc`] as read and kept, or
/// [`crate::plan::PlanView`] as built for writing (the same JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposalsDoc<P = PlanDoc> {
    pub format: String,
    pub scenario: String,
    pub solve: SolveDoc,
    pub kpis: KpisDoc,
    // The long arrays are laid out on every core (`in_parallel`).
    #[serde(serialize_with = "in_parallel")]
    pub at_risk: Vec<AtRiskEntry>,
    #[serde(default, serialize_with = "in_parallel")]
    pub responses: Vec<ResponseDoc>,
    #[serde(default, serialize_with = "in_parallel")]
    pub unresolved: Vec<UnresolvedDoc>,
    /// How many prefixes of `responses` the independent checker evaluated before the
    /// document was written: all of them, except on very large plans (see
    /// models/responses.md), where evenly spaced ones and the last.
    #[serde(default)]
    pub checked_prefixes: usize,
    /// Frozen orders, when the scenario is infeasible (only they can make it so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infeasible_frozen_orders: Vec<String>,
    pub baseline_plan: P,
    /// Absent when no plan is in hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<P>,
}

impl ProposalsDoc<PlanView<'_>> {
    /// The document with owned plans, as a reader holds it.
    pub fn owned(&self) -> ProposalsDoc {
        ProposalsDoc {
            format: self.format.clone(),
            scenario: self.scenario.clone(),
            solve: self.solve.clone(),
            kpis: self.kpis.clone(),
            at_risk: self.at_risk.clone(),
            responses: self.responses.clone(),
            unresolved: self.unresolved.clone(),
            checked_prefixes: self.checked_prefixes,
            infeasible_frozen_orders: self.infeasible_frozen_orders.clone(),
            baseline_plan: self.baseline_plan.to_doc(),
            plan: self.plan.as_ref().map(PlanView::to_doc),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SolveDoc {
    /// `optimal`, `feasible`, `no_solution` or `infeasible`.
    pub status: String,
    /// The limit that stopped the solver (`time`, ...), for `feasible` and `no_solution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub seconds: f64,
    pub build_seconds: f64,
    /// 1, or 2 when the quantities of the first (continuous) pass were fractional and an
    /// integer model made them whole (`models/time-expanded.md`, "Solving").
    pub passes: u32,
    pub formulation: String,
    pub solver: String,
    pub model: ModelSize,
    /// When the solver stopped at a limit with nothing better than a plan it fell back on,
    /// that plan's name: `baseline` (doing nothing) or `priority-rules`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// When the whole model was too big to build in the limit (or to get far into its LP)
    /// and the plan is the one named here improved one neighbourhood at a time
    /// (`models/neighbourhoods.md`): its name (`priority-rules`) and cost. `model` is then
    /// the last neighbourhood's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improved_from: Option<ImprovedFrom>,
    /// The transportation relaxation, computed beside the search, when it gives `bound`
    /// (`models/relaxation.md`): always when the plan was improved one neighbourhood at a
    /// time (`improved_from`), otherwise where the model's own bound was weaker or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relaxation: Option<RelaxationDoc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RelaxationDoc {
    /// No plan costs less.
    pub bound: f64,
    /// SKUs with order lines, and those whose relaxation was solved before the deadline
    /// (the others count less, so the bound holds but is weaker).
    pub skus: usize,
    pub solved_skus: usize,
    /// Arcs from stock or receipts to order lines that could lower the cost.
    pub arcs: usize,
    pub seconds: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImprovedFrom {
    /// `priority-rules`, or `last-plan` in the worker after events: its last plan without
    /// the orders the events touched.
    pub plan: String,
    pub cost: f64,
    /// Neighbourhoods solved, and those that lowered the cost.
    pub neighbourhoods: usize,
    pub improved: usize,
    /// Rounds in which short lines were served from stock the plan left unused (over
    /// chains of transfers) or from orders cheaper to leave short, lowering the cost
    /// (`models/neighbourhoods.md`, "Stranded stock").
    #[serde(default)]
    pub routed: usize,
    /// Times charged lane-days were closed (those only transfers used, at the start of a
    /// round; any, on the final plan) or expedites nobody needed dropped, lowering the cost
    /// (`models/neighbourhoods.md`, "Lane-days only transfers use").
    #[serde(default)]
    pub closed: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ModelSize {
    pub rows: usize,
    pub columns: usize,
    pub nonzeros: usize,
    pub integer_columns: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KpisDoc {
    pub baseline: Kpis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Kpis>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AtRiskEntry {
    pub order: String,
    pub priority: u32,
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResponseDoc {
    pub rank: usize,
    pub id: String,
    pub requires: Vec<String>,
    pub net_benefit: f64,
    pub cost: f64,
    pub protects: Vec<String>,
    /// At-risk orders it leaves at risk, but with a smaller penalty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub helps: Vec<String>,
    pub donors: Vec<String>,
    pub approvals: Vec<String>,
    pub explanation: String,
    pub delta: DeltaDoc,
    pub actions: Vec<ActionDoc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeltaDoc {
    pub remove: PlanDoc,
    pub add: PlanDoc,
}

/// One action; fields that do not apply to its kind are left out. A lane of `null` is a
/// local hand-over.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionDoc {
    pub id: String,
    pub kind: String,
    pub owner: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub quantity: f64,
    pub orders: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from_orders: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_orders: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_node: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "some_or_null"
    )]
    #[schemars(with = "Option<String>")]
    pub from_lane: Option<Option<String>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "some_or_null"
    )]
    #[schemars(with = "Option<String>")]
    pub to_lane: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbound: Option<String>,
    pub cost: f64,
    pub text: String,
}

/// A present field, even `null`, is `Some`: `null` means a local hand-over.
fn some_or_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnresolvedDoc {
    pub order: String,
    pub priority: u32,
    pub why: String,
}

/// The ids of `orders`, as written in the scenario.
fn order_ids(s: &Scenario, orders: &[OrderIx]) -> Vec<String> {
    orders.iter().map(|o| s.order(*o).id.0.clone()).collect()
}

fn response_doc(s: &Scenario, k: usize, r: &Response) -> ResponseDoc {
    let ids = |v: &[OrderIx]| order_ids(s, v);
    let mut owners: Vec<Owner> = r.actions.iter().map(|a| a.kind.owner()).collect();
    owners.sort();
    owners.dedup();
    let id = response_id(k);
    ResponseDoc {
        rank: k + 1,
        id: id.clone(),
        requires: r.requires.iter().map(|&j| response_id(j)).collect(),
        net_benefit: r.net_benefit,
        cost: r.cost,
        protects: ids(&r.protects),
        helps: ids(&r.helps),
        donors: ids(&r.donors),
        approvals: owners.iter().map(|o| o.as_str().to_owned()).collect(),
        explanation: r.explanation.clone(),
        delta: DeltaDoc {
            remove: r.remove.to_doc(s),
            add: r.add.to_doc(s),
        },
        actions: r
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| action_doc(s, format!("{id}.{}", i + 1), a))
            .collect(),
    }
}

fn action_doc(s: &Scenario, id: String, a: &Action) -> ActionDoc {
    let ids = |v: &[OrderIx]| order_ids(s, v);
    let node = |n: Option<_>| n.map(|n| s.node(n).id.0.clone());
    let lane = |l: Option<Option<_>>| l.map(|l: Option<_>| l.map(|l| s.lane(l).id.0.clone()));
    ActionDoc {
        id,
        kind: a.kind.as_str().to_owned(),
        owner: a.kind.owner().as_str().to_owned(),
        sku: a.sku.map(|k| s.sku(k).id.0.clone()),
        quantity: a.quantity,
        orders: ids(&a.orders),
        from_orders: ids(&a.from_orders),
        to_orders: ids(&a.to_orders),
        from_node: node(a.from_node),
        to_node: node(a.to_node),
        from_lane: lane(a.from_lane),
        to_lane: lane(a.to_lane),
        from_date: a.from_day.map(|d| s.date_string(d)),
        to_date: a.to_day.map(|d| s.date_string(d)),
        inbound: a.inbound.map(|i| s.inbound(i).id.0.clone()),
        cost: a.cost,
        text: a.text.clone(),
    }
}

/// What a solve answers: the checked outcome, its proposals document, and where the
/// responses' time went (when there were responses to build).
pub struct Proposed<'a> {
    pub outcome: Outcome,
    /// Its plans as views of the scenario: written as they are, `owned()` to keep.
    pub doc: ProposalsDoc<PlanView<'a>>,
    pub respond_steps: Option<crate::respond::RespondSeconds>,
    /// The responses the solver's plan was better without, when some were taken out.
    pub unneeded: Option<Unneeded>,
}

/// Responses that raised the cost on their own and that nothing required, taken out of the
/// plan (`crate::respond::unneeded`), and the plan's cost with them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unneeded {
    pub responses: usize,
    pub from_cost: f64,
    /// Seconds spent finding them and checking the plan without them.
    pub seconds: f64,
}

/// A solve or its responses failed: a broken invariant, never bad input.
#[derive(Debug, thiserror::Error)]
pub enum ProposeError {
    #[error(transparent)]
    Optimize(#[from] crate::optimize::OptimizeError),
    #[error(transparent)]
    Respond(#[from] crate::respond::RespondError),
}

/// What the work after the solver is expected to take, in seconds: building the responses
/// and explaining them (`respond`), and writing the document. Measured on the generated
/// presets (release, 2 cores; `benches/RESULTS.md`, "The time limit bounds the whole command"): the
/// construction and explanations grow with the at-risk orders (0.3-0.6 ms each on medium,
/// 0.2 ms on large's 10,230), the document with the plans (large: 262,000 entries,
/// 1.1-1.4 s to write). The checker's prefixes fill what is left.
pub fn after_solver_seconds(s: &Scenario, a: &Analysis) -> AfterSolver {
    let entries =
        a.baseline.plan.shipments.len() + a.baseline.plan.transfers.len() + s.orders.len();
    AfterSolver {
        respond: 0.05 + 0.4e-3 * a.at_risk.len() as f64,
        write: 0.05 + 6e-6 * entries as f64,
    }
}

/// See [`after_solver_seconds`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AfterSolver {
    pub respond: f64,
    pub write: f64,
}

/// When a command that started at `clock` with a limit of `limit_s` seconds must be done
/// (limits are validated to at most [`crate::base::limits::MAX_TIME_LIMIT_S`]; anything
/// else, infinity included, is taken as no deadline within this process's life).
pub fn deadline(clock: std::time::Instant, limit_s: f64) -> std::time::Instant {
    let far = std::time::Duration::from_secs(u64::from(u32::MAX));
    let d = std::time::Duration::try_from_secs_f64(limit_s).map_or(far, |d| d.min(far));
    clock.checked_add(d).unwrap_or(clock)
}

/// The time limit the strategy gets so that the whole command ends by `deadline`: what is
/// left of it after the reserve for the responses and the document, and never more than
/// the limit asked for. At least 0.01 s: when reading the input took the whole limit, the
/// solver stops at once and the plan is the better of doing nothing and the rules.
pub fn solver_limit(asked_s: f64, left_s: f64, reserve: AfterSolver) -> f64 {
    (left_s - reserve.respond - reserve.write)
        .min(asked_s)
        .max(0.01)
}

/// Runs `strategy` on the scenario and writes the proposals document, as `recourse solve`
/// and the worker's `solve` both do; `started` is when the command's work began (the
/// document's `solve.seconds`). Everything, the document's writing included, is planned to
/// end by `deadline`: the solver's time limit is cut to leave room for the rest
/// ([`solver_limit`]), and the checker evaluates the responses' prefixes while there is
/// time (always the last one).
pub fn propose<'a>(
    s: &'a Scenario,
    a: &Analysis,
    strategy: &crate::optimize::strategy::Strategy,
    opts: &crate::optimize::highs::SolveOptions,
    started: std::time::Instant,
    deadline: std::time::Instant,
) -> Result<Proposed<'a>, ProposeError> {
    let reserve = after_solver_seconds(s, a);
    let left = deadline
        .saturating_duration_since(std::time::Instant::now())
        .as_secs_f64();
    let opts = crate::optimize::highs::SolveOptions {
        time_limit_s: solver_limit(opts.time_limit_s, left, reserve),
        ..opts.clone()
    };
    let mut outcome = strategy.run(s, a, &opts)?;
    let check_until = deadline
        .checked_sub(std::time::Duration::from_secs_f64(reserve.write))
        .unwrap_or(deadline);
    let (responses, unneeded) = without_unneeded(s, a, &mut outcome, Some(check_until))?;
    let doc = proposals_doc(
        s,
        a,
        &outcome,
        responses.as_ref(),
        started.elapsed().as_secs_f64(),
    );
    Ok(Proposed {
        outcome,
        doc,
        respond_steps: responses.as_ref().map(|r| r.seconds),
        unneeded,
    })
}

/// The responses for the outcome's plan ([`responses_for`]), after taking out of a solver's
/// plan the responses that the construction predicts to raise the cost on their own and
/// that nothing requires ([`crate::respond::Built::unneeded`]), when the checker finds the
/// plan without them feasible and cheaper ([`crate::optimize::keep_cheaper_plan`]). The
/// others are the responses of that plan as they were built; the checker and the texts
/// then run once, for the plan written.
pub fn without_unneeded(
    s: &Scenario,
    a: &Analysis,
    outcome: &mut Outcome,
    check_until: Option<std::time::Instant>,
) -> Result<(Option<Responses>, Option<Unneeded>), crate::respond::RespondError> {
    let reasons = reasons(a);
    let budget = crate::respond::Budget::default();
    let Some(x) = inputs(a, outcome, &reasons, check_until) else {
        return Ok((None, None));
    };
    let mut built = crate::respond::build(s, &x, budget);
    // Only a solver's plan of the whole model is replaced (not a fallback the document
    // names, nor a restricted model's): the others are not even looked at.
    let out = if crate::optimize::replaceable_plan(outcome) {
        built.unneeded()
    } else {
        Vec::new()
    };
    let mut unneeded = None;
    if let (false, Some(from_cost)) = (out.is_empty(), outcome.objective()) {
        let clock = std::time::Instant::now();
        let plan = built.plan_without(&a.baseline.plan, &out);
        if crate::optimize::keep_cheaper_plan(s, outcome, plan) {
            built.leave_out(&out);
            unneeded = Some(Unneeded {
                responses: out.len(),
                from_cost,
                seconds: clock.elapsed().as_secs_f64(),
            });
        }
    }
    let x = inputs(a, outcome, &reasons, check_until).expect("the outcome still has a plan");
    let responses = crate::respond::finish(s, built, &x, budget)?;
    Ok((Some(responses), unneeded))
}

/// A digest of a document's responses (their ids, what each requires and changes, and
/// their texts), 16 hex digits: the planner's page writes it into its `recourse apply`
/// command, and `apply` refuses proposals whose responses differ. A document solved again
/// under the same file name can rank the responses differently, and its R-ids then name
/// other responses than the ones the planner ticked.
pub fn responses_digest(responses: &[ResponseDoc]) -> String {
    use std::hash::Hasher;
    /// Hashes what `serde_json` writes, without building the text.
    struct Digest(fnv::FnvHasher);
    impl std::io::Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut d = Digest(fnv::FnvHasher::default());
    serde_json::to_writer(&mut d, responses).expect("responses serialize to JSON");
    format!("{:016x}", d.0.finish())
}

/// Reads a proposals document (`recourse solve -o`), with every problem as a diagnostic
/// naming its JSON path.
pub fn parse_proposals(bytes: &[u8]) -> Result<ProposalsDoc, Diagnostics> {
    let doc = match well_formed(bytes) {
        Some(doc) => match other_format(&doc.format) {
            Some(d) => return Err(Diagnostics { items: vec![d] }),
            None => doc,
        },
        None => {
            let mut diags = Diagnostics::default();
            let value = crate::scenario::load::parse_json(bytes, "proposals document", &mut diags)
                .ok_or(diags)?;
            // Another version's document, or another of recourse's documents, is told so
            // before its fields are read as this version's.
            if let Some(d) = value
                .get("format")
                .and_then(serde_json::Value::as_str)
                .and_then(other_format)
            {
                return Err(Diagnostics { items: vec![d] });
            }
            crate::scenario::load::typed_in::<ProposalsDoc>(&value, "", Some("proposals"))
                .map_err(|d| Diagnostics { items: vec![d] })?
        }
    };
    let diags = response_ids(&doc);
    if diags.items.is_empty() {
        Ok(doc)
    } else {
        Err(diags)
    }
}

/// The plan of a document `recourse check` is given, and its path in the document, as
/// [`parse_plan_document`](crate::plan::parse_plan_document) reads it: a proposals document
/// its types accept, for `scenario` when one is named, is read straight into them (on
/// large, 102 MB of which the plan is a tenth); anything else goes that way.
pub fn parse_plan_of(
    bytes: &[u8],
    scenario: Option<&str>,
) -> Result<(PlanDoc, &'static str), Diagnostics> {
    if let Some(doc) = well_formed(bytes) {
        if doc.format == PROPOSALS_FORMAT && scenario.is_none_or(|id| id == doc.scenario) {
            if let Some(plan) = doc.plan {
                return Ok((plan, "plan"));
            }
        }
    }
    crate::plan::parse_plan_document(bytes, scenario)
}

/// The document read straight into its types, when they accept it. Its types are structs
/// and arrays all the way down (no map, no free JSON value), and serde's derived readers
/// refuse a field named twice, so what they accept the way through a [`serde_json::Value`]
/// tree (which names every problem's place) accepts the same. On large (a 102 MB document)
/// the tree took most of `apply`'s time and memory.
fn well_formed(bytes: &[u8]) -> Option<ProposalsDoc> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    crate::base::by_name::from_slice(bytes).ok()
}

/// Why `recourse apply --approve` (ids split on commas and trimmed, `all` for every
/// response) cannot name the response `id`, or it cannot be pasted into a terminal safely
/// (a control character), if so.
fn unnameable(id: &str) -> Option<&'static str> {
    if id.trim().is_empty() {
        Some("is blank")
    } else if id == "all" {
        Some("is `all`, which approves every response")
    } else if id.contains(',') {
        Some("has a comma, which separates ids")
    } else if id.trim() != id {
        Some("begins or ends with a space")
    } else if id.chars().any(char::is_control) {
        Some("has a control character")
    } else {
        None
    }
}

/// What `solve` writes and approvals rely on: each response's id is its own, one that
/// `apply --approve` names ([`unnameable`]), and every id it `requires` is an earlier
/// response's (a duplicate would make an approval mean two responses; a later or missing
/// one, a set no order of application can honour).
fn response_ids<P>(doc: &ProposalsDoc<P>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let mut earlier: HashMap<&str, usize> = HashMap::new();
    for (k, r) in doc.responses.iter().enumerate() {
        if let Some(why) = unnameable(&r.id) {
            diags.push(
                Diagnostic::error(
                    "bad_id",
                    format!("responses[{k}].id"),
                    format!("response id {:?} {why}", r.id),
                )
                .hint("`recourse apply --approve` names responses by id; keep the ids solve writes (R1, R2, ...)"),
            );
        }
        if let Some(first) = earlier.get(r.id.as_str()) {
            diags.push(
                Diagnostic::error(
                    "duplicate_id",
                    format!("responses[{k}].id"),
                    format!("response id {:?} is also responses[{first}]'s", r.id),
                )
                .hint("give each response its own id, as solve writes them (R1, R2, ...)"),
            );
        }
        for (j, req) in r.requires.iter().enumerate() {
            if !earlier.contains_key(req.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "unknown_reference",
                        format!("responses[{k}].requires[{j}]"),
                        format!(
                            "{} requires {req:?}, which is not an earlier response",
                            r.id
                        ),
                    )
                    .hint("a response requires only responses listed before it; pass the document solve wrote"),
                );
            }
        }
        earlier.entry(r.id.as_str()).or_insert(k);
    }
    diags
}

/// The proposals document for outcome `o` of analysis `a`, with its responses when there
/// are any, written after `seconds`: its fields in the order the format lists them.
pub fn proposals_doc<'a>(
    s: &'a Scenario,
    a: &Analysis,
    o: &Outcome,
    responses: Option<&Responses>,
    seconds: f64,
) -> ProposalsDoc<PlanView<'a>> {
    let proposed = o.eval().map(|e| {
        let flags: Vec<bool> = e.orders.iter().map(|x| x.at_risk()).collect();
        kpis(s, e, &flags)
    });
    let ((baseline_plan, plan), responses_docs) = bulk(s, a, o, responses);
    ProposalsDoc {
        format: PROPOSALS_FORMAT.to_owned(),
        scenario: s.id.clone(),
        solve: solve_doc(o, seconds),
        kpis: KpisDoc {
            baseline: kpis(s, &a.eval, &a.flags),
            proposed,
        },
        at_risk: at_risk_entries(s, a),
        responses: responses_docs,
        unresolved: responses.map(|r| unresolved_docs(s, r)).unwrap_or_default(),
        checked_prefixes: responses.map_or(0, |r| r.checked_prefixes),
        infeasible_frozen_orders: o
            .termination
            .frozen_orders
            .iter()
            .map(|x| s.order(*x).id.0.clone())
            .collect(),
        baseline_plan,
        plan,
    }
}

/// The document's two plans and its responses, the bulk of a large document (on
/// 1,000,000 orders, a million entries each): written side by side.
type Bulk<'a> = ((PlanView<'a>, Option<PlanView<'a>>), Vec<ResponseDoc>);

/// The baseline's plan, the outcome's plan when it has one, and the responses as the
/// document writes them, built side by side.
fn bulk<'a>(s: &'a Scenario, a: &Analysis, o: &Outcome, responses: Option<&Responses>) -> Bulk<'a> {
    rayon::join(
        || rayon::join(|| a.baseline.plan.view(s), || o.plan().map(|p| p.view(s))),
        || {
            responses
                .map(|r| {
                    r.responses
                        .par_iter()
                        .enumerate()
                        .map(|(k, x)| response_doc(s, k, x))
                        .collect()
                })
                .unwrap_or_default()
        },
    )
}

/// How the outcome was reached: status, objective, bound and gap, `seconds` in all, the
/// model and the solver, and what a fallback or neighbourhoods or a relaxation did.
fn solve_doc(o: &Outcome, seconds: f64) -> SolveDoc {
    // The rules run no solver: the document's solver fields say so, as they always have.
    let stats = o.stats.clone().unwrap_or_else(|| SolverStats {
        solver: "none (priority rules)".to_owned(),
        ..SolverStats::default()
    });
    SolveDoc {
        status: o.status().as_str().to_owned(),
        limit: o.status().limit().map(|l| l.as_str().to_owned()),
        objective: o.objective(),
        bound: o.bound(),
        gap: o.gap(),
        seconds,
        build_seconds: stats.build_seconds,
        passes: stats.passes,
        formulation: o.formulation.to_owned(),
        solver: stats.solver,
        model: ModelSize {
            rows: stats.rows,
            columns: stats.cols,
            nonzeros: stats.nonzeros,
            integer_columns: stats.integer_cols,
        },
        fallback: o.fallback().map(str::to_owned),
        improved_from: stats.neighbourhoods.as_ref().map(|n| ImprovedFrom {
            plan: n.from.as_str().to_owned(),
            cost: n.from_cost,
            neighbourhoods: n.solved,
            routed: n.routed,
            closed: n.closed,
            improved: n.improved,
        }),
        relaxation: stats.relaxation.as_ref().map(|r| RelaxationDoc {
            bound: r.bound,
            skus: r.skus,
            solved_skus: r.solved,
            arcs: r.arcs,
            seconds: r.seconds,
        }),
    }
}

/// Each at-risk order of the analysis with its priority and the reasons it is at risk.
fn at_risk_entries(s: &Scenario, a: &Analysis) -> Vec<AtRiskEntry> {
    a.at_risk
        .iter()
        .map(|r| AtRiskEntry {
            order: s.order(r.order).id.0.clone(),
            priority: s.order(r.order).priority,
            reasons: r.reasons.iter().map(|x| x.message.clone()).collect(),
        })
        .collect()
}

/// Each at-risk order the responses leave late or short, with its priority and why.
fn unresolved_docs(s: &Scenario, r: &Responses) -> Vec<UnresolvedDoc> {
    r.unresolved
        .iter()
        .map(|u| UnresolvedDoc {
            order: s.order(u.order).id.0.clone(),
            priority: s.order(u.order).priority,
            why: u.why.clone(),
        })
        .collect()
}

/// The ranked responses that turn the baseline into the outcome's plan, when it has one.
pub fn responses_for(
    s: &Scenario,
    a: &Analysis,
    o: &Outcome,
    check_until: Option<std::time::Instant>,
) -> Result<Option<Responses>, crate::respond::RespondError> {
    let reasons = reasons(a);
    inputs(a, o, &reasons, check_until)
        .map(|x| crate::respond::respond(s, &x))
        .transpose()
}

/// Each at-risk order's first reason, for the explanations.
fn reasons(a: &Analysis) -> std::collections::HashMap<OrderIx, String> {
    a.at_risk
        .iter()
        .filter_map(|r| r.reasons.first().map(|x| (r.order, x.message.clone())))
        .collect()
}

/// What `respond` reads besides the scenario, for the outcome's plan when it has one.
fn inputs<'a>(
    a: &'a Analysis,
    o: &'a Outcome,
    reasons: &'a std::collections::HashMap<OrderIx, String>,
    check_until: Option<std::time::Instant>,
) -> Option<crate::respond::Inputs<'a>> {
    let crate::optimize::Solution { plan, eval, .. } = o.solution.as_ref()?;
    Some(crate::respond::Inputs {
        baseline: &a.baseline.plan,
        baseline_eval: &a.eval,
        at_risk: &a.flags,
        reasons,
        plan,
        plan_eval: eval,
        check_until,
    })
}

#[cfg(test)]
mod tests {
    use super::{deadline, solver_limit, AfterSolver};
    use std::time::{Duration, Instant};

    const RESERVE: AfterSolver = AfterSolver {
        respond: 1.5,
        write: 0.5,
    };

    #[test]
    fn the_solver_gets_what_is_left_after_the_reserve_and_never_more_than_asked() {
        // 30 s asked, 28 s left after reading: 2 s are kept for the responses and writing.
        assert_eq!(solver_limit(30.0, 28.0, RESERVE), 26.0);
        // A limit smaller than what is left stays as asked.
        assert_eq!(solver_limit(5.0, 28.0, RESERVE), 5.0);
        // Reading took (nearly) everything: the solver stops at once.
        assert_eq!(solver_limit(30.0, 1.0, RESERVE), 0.01);
        assert_eq!(solver_limit(30.0, 0.0, RESERVE), 0.01);
    }

    #[test]
    fn a_deadline_is_the_start_plus_the_limit_and_infinity_is_far_away() {
        let t = Instant::now();
        assert_eq!(deadline(t, 2.5), t + Duration::from_millis(2500));
        let far = t + Duration::from_secs(u64::from(u32::MAX));
        assert_eq!(deadline(t, f64::INFINITY), far);
        assert_eq!(deadline(t, 1e300), far);
    }
}
