//! `recourse serve`'s worker: the scenario kept parsed, validated and analysed between
//! requests, and the methods of the protocol (README, "A persistent worker") as functions
//! from parameters to a result. Framing, the journal file and stdout are the CLI's
//! (`src/cli/serve.rs`); this module decides what each request does.
//!
//! A state-changing request is prepared first ([`Worker::prepare`]) and committed only after
//! the caller has journaled its [`Change`] ([`Worker::commit`]), so that a reply is never
//! written for a change the journal does not hold, and a failed request leaves the state
//! as it was.

pub mod journal;
pub mod rpc;

use crate::apply::{apply, ApplyError};
use crate::base::diagnostics::{Diagnostics, DiagnosticsDoc};
use crate::base::limits::{gap_ok, time_limit_ok};
use crate::documents::proposals::{propose, ProposalsDoc, Proposed, PROPOSALS_FORMAT};
use crate::documents::report::{risk_doc, RISK_FORMAT};
use crate::optimize::changes::{changes, Start};
use crate::optimize::highs::{Scope, SolveOptions, Watcher};
use crate::optimize::{Outcome, Source};
use crate::plan::Plan;
use crate::risk::kpi::{kpis, Kpis};
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;
use crate::scenario::load::{join_path, parse_json, parse_scenario, typed_in, typed_text_in};
use crate::scenario::validate::{extend, validate};
use crate::scenario::wire::{DisruptionDoc, ScenarioDoc, SCENARIO_FORMAT};
use rpc::{raw, RpcError};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::sync::Arc;

/// The methods, in the order the README documents them.
pub const METHODS: [&str; 8] = [
    "initialize",
    "load",
    "event",
    "risk",
    "solve",
    "decide",
    "state",
    "shutdown",
];

/// What the worker holds: the scenario as sent and as every stage reads it, its analysis.
pub struct State {
    /// The scenario as loaded or decided; the events since are in `appended`. Shared
    /// between the states an event leads from and to, so that an event copies neither.
    base: Arc<ScenarioDoc>,
    /// The disruptions each event since `base` appended, in order; each event's shared
    /// between the states after it, so that an event copies none of the earlier ones.
    appended: Vec<Arc<[DisruptionDoc]>>,
    /// Shared with the last solve's start (`Solved`), which events leave in place.
    pub s: Arc<Scenario>,
    pub analysis: Analysis,
}

impl State {
    /// Validates and analyses `doc`; `Err` carries every problem.
    pub fn new(doc: ScenarioDoc) -> Result<State, Diagnostics> {
        let (s, _warnings) = validate(&doc)?;
        Ok(State::of(Arc::new(doc), Vec::new(), s))
    }

    fn of(base: Arc<ScenarioDoc>, appended: Vec<Arc<[DisruptionDoc]>>, s: Scenario) -> State {
        let analysis = crate::risk::analyze(&s);
        State {
            base,
            appended,
            s: Arc::new(s),
            analysis,
        }
    }

    /// This state with `more` disruptions appended: validated incrementally
    /// ([`extend`]), or as a whole document when they are refused, to name every problem.
    fn with_disruptions(&self, more: &[DisruptionDoc]) -> Result<State, Diagnostics> {
        let mut appended = Vec::with_capacity(self.appended.len() + 1);
        appended.extend_from_slice(&self.appended);
        appended.push(Arc::from(more));
        let s = match extend(&self.s, more) {
            Some(s) => s,
            None => {
                let mut doc = self.doc();
                doc.disruptions.extend_from_slice(more);
                validate(&doc)?.0
            }
        };
        Ok(State::of(self.base.clone(), appended, s))
    }

    /// The scenario document of this state: what `recourse apply -o` would have written.
    pub fn doc(&self) -> ScenarioDoc {
        let mut doc = (*self.base).clone();
        doc.disruptions
            .extend(self.appended.iter().flat_map(|e| e.iter().cloned()));
        doc
    }

    fn kpis(&self) -> Kpis {
        kpis(&self.s, &self.analysis.eval, &self.analysis.flags)
    }

    /// `{orders, at_risk, kpis}`: what `load` and `decide` answer.
    fn summary(&self) -> Value {
        json!({
            "orders": self.s.orders.len(),
            "at_risk": self.analysis.at_risk.len(),
            "kpis": self.kpis(),
        })
    }

    /// `{at_risk, kpis}`: what `event` answers.
    fn risk_summary(&self) -> Value {
        json!({
            "at_risk": self.analysis.at_risk.len(),
            "kpis": self.kpis(),
        })
    }
}

/// A state change as the journal records it. `decide` is recorded by the scenario it
/// produced: replaying it needs no solve (solves are not repeatable under a time limit).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    Load(Box<ScenarioDoc>),
    Event(Vec<DisruptionDoc>),
    Decide(Box<ScenarioDoc>),
}

impl Change {
    /// The scenario after this change, from the one before (`None` before any `load`).
    pub fn apply_to(self, before: Option<ScenarioDoc>) -> Option<ScenarioDoc> {
        match self {
            Change::Load(doc) | Change::Decide(doc) => Some(*doc),
            Change::Event(more) => before.map(|mut doc| {
                doc.disruptions.extend(more);
                doc
            }),
        }
    }
}

/// A request's answer, and the change to journal and commit before it is sent.
pub struct Prepared {
    /// The answer, as JSON text.
    pub result: Box<RawValue>,
    pub change: Option<(Change, State)>,
}

impl Prepared {
    fn answer(result: &impl Serialize) -> Result<Prepared, RpcError> {
        Ok(Prepared {
            result: raw(result)?,
            change: None,
        })
    }
}

#[derive(Default)]
pub struct Worker {
    state: Option<State>,
    /// The last `solve`'s document, what `decide` approves from, and its request's id (as
    /// JSON reads it; `None` for a solve sent as a notification). Cleared by every change.
    last: Option<(ProposalsDoc, Option<Value>)>,
    /// The last `solve`'s scenario, plan and bound: what the next `solve` starts from when
    /// only events came since (`crate::optimize::warm`). Cleared by `load` and `decide`.
    solved: Option<Solved>,
}

struct Solved {
    s: Arc<Scenario>,
    plan: Plan,
    cost: f64,
    bound: Option<f64>,
}

impl Solved {
    /// What the next solve may start from after `outcome` on `s`: its plan when the solver
    /// gave it. A fallback's plan (the rules' or the baseline, kept because the solver found
    /// nothing better in time, as after an early `$/cancelRequest`) is no start worth
    /// holding, and the next solve is cold: warm solves from the rules' plan kept medium
    /// seed 4 at the rules' cost event after event (400,276 against 237,864).
    fn of(s: &Arc<Scenario>, outcome: &Outcome) -> Option<Solved> {
        let x = outcome
            .solution
            .as_ref()
            .filter(|x| x.source == Source::Solver)?;
        Some(Solved {
            s: Arc::clone(s),
            plan: x.plan.clone(),
            cost: x.cost(),
            bound: outcome.bound(),
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NoParams {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoadParams {
    scenario: Box<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventParams {
    disruptions: Vec<DisruptionDoc>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SolveParams {
    time_limit: Option<f64>,
    gap: Option<f64>,
    /// `full` (the default) or `touched`, as `recourse solve --scope`.
    scope: Option<ScopeParam>,
    /// Start from the last solve when only events came since (the default); `false`
    /// solves the state cold, as `recourse solve` would.
    warm: Option<bool>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ScopeParam {
    Full,
    Touched,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DecideParams {
    #[serde(default)]
    approve: Vec<String>,
    #[serde(default)]
    reject: Vec<String>,
    /// The id of the `solve` request whose responses these are: refused when another solve
    /// came since, whose responses reuse the ids.
    solve: Option<Value>,
}

/// `params` as `T`, absent params read as `{}`; a mismatch is -32602 naming the path. The
/// text is read as a file is (`parse_json`): a key named twice, a string with a lone
/// surrogate (`"\ud800"`) or nesting past serde_json's limit is refused, never read as
/// something else. It is read straight into `T`; a `Value` tree of it (about 27 times the
/// text) is built only to name what is wrong with the text itself, and never for a member
/// `T` does not have, which is refused by its name first.
fn params<T: for<'de> Deserialize<'de>>(params: &RawValue) -> Result<T, RpcError> {
    if params.get().starts_with('[') {
        return Err(RpcError::invalid_params(
            "params: by position (an array) is not supported; this worker's methods take an object of named params".into(),
            Some(json!({"path": "params"})),
        ));
    }
    let text = match params.get() {
        "null" => "{}",
        text => text,
    };
    let refused = |d: crate::base::diagnostics::Diagnostic| {
        RpcError::invalid_params(
            format!("{}: {}", d.path, d.message),
            Some(json!({"path": d.path})),
        )
    };
    if let Ok(t) = crate::base::by_name::from_str::<T>(text) {
        return Ok(t);
    }
    if let Some(d) = unknown_member::<T>(text) {
        return Err(refused(d));
    }
    match typed_text_in::<T>(text, "params", None) {
        Ok(t) => return Ok(t),
        Err(Some(d)) => return Err(refused(d)),
        Err(None) => {}
    }
    let mut diags = Diagnostics::default();
    let value = match parse_json(params.get().as_bytes(), "params", &mut diags) {
        Some(Value::Null) => json!({}),
        Some(v) => v,
        None => {
            let d = diags.items.first().cloned().unwrap_or_else(|| {
                crate::base::diagnostics::Diagnostic::error("malformed_json", "", "unreadable")
            });
            let path = join_path("params", &d.path);
            return Err(RpcError::invalid_params(
                format!("{path}: {}", d.message),
                Some(json!({
                    "path": path,
                    "diagnostics": DiagnosticsDoc::new("params", &diags),
                })),
            ));
        }
    };
    typed_in::<T>(&value, "params", None).map_err(refused)
}

/// The refusal of the first member of the object `text` that `T` does not have, as
/// [`typed_in`] words it, read without keeping any member's value.
fn unknown_member<T: for<'de> Deserialize<'de>>(
    text: &str,
) -> Option<crate::base::diagnostics::Diagnostic> {
    let rpc::Members::<serde::de::IgnoredAny>(members) = serde_json::from_str(text).ok()?;
    members.into_iter().find_map(|(name, _)| {
        let alone = json!({ name: null });
        let unknown = serde_json::from_value::<T>(alone.clone())
            .err()
            .is_some_and(|e| e.to_string().starts_with("unknown field"));
        unknown
            .then(|| typed_in::<T>(&alone, "params", None).err())
            .flatten()
    })
}

/// A path into the scenario with the event's disruptions appended, as a path into the
/// request when it points at one of them (`disruptions[12].lane` -> `params.disruptions[0].lane`).
fn event_path(path: &str, before: usize) -> String {
    let Some(rest) = path.strip_prefix("disruptions[") else {
        return path.to_owned();
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return path.to_owned();
    };
    match k.parse::<usize>() {
        Ok(k) if k >= before => format!("params.disruptions[{}]{tail}", k - before),
        _ => path.to_owned(),
    }
}

/// How an error's message points at its `data.diagnostics`.
pub const SEE_DIAGNOSTICS: &str = " (see data.diagnostics)";

fn bad_scenario(diags: &Diagnostics, what: &str) -> RpcError {
    RpcError::invalid_params(
        format!(
            "{what}: {} error(s); the state is unchanged{SEE_DIAGNOSTICS}",
            diags.error_count()
        ),
        Some(json!({ "diagnostics": DiagnosticsDoc::new(what, diags) })),
    )
}

/// The error `decide` answers for `e`, naming the id it is about by its place in the params
/// (`params.approve[3]`), as every other -32602 names its path: a client that sent fifty
/// ids learns which one, not only its name. `apply`'s message is kept as `apply` writes it.
fn decide_refusal(e: ApplyError, approve: &[String], reject: &[String]) -> RpcError {
    let at = |list: &[String], name: &str, id: &str| {
        list.iter()
            .position(|x| x == id)
            .map(|i| format!("params.{name}[{i}]"))
    };
    let path = match &e {
        ApplyError::Invalid(_) => return RpcError::internal(e.to_string()),
        // The second mention is the one that contradicts the first.
        ApplyError::ApprovedAndRejected { id } => at(reject, "reject", id),
        ApplyError::UnknownResponse { id, .. } => {
            at(approve, "approve", id).or_else(|| at(reject, "reject", id))
        }
        ApplyError::MissingRequirement { response, .. } => at(approve, "approve", response),
        _ => None,
    };
    RpcError::invalid_params(e.to_string(), path.map(|p| json!({ "path": p })))
}

/// `decide`'s refusal of decisions made on the answer of another `solve` than the last one
/// (`named`, its request's id), whose response ids the last solve has numbered afresh.
fn another_solve(named: &Value, last: Option<&Value>) -> RpcError {
    let last = match last {
        Some(id) => format!("the last `solve` was request {id}"),
        None => "the last `solve` was sent as a notification, without an id".to_owned(),
    };
    RpcError::invalid_params(
        format!(
            "params.solve: these decisions are on the responses of request {named}, but {last}, \
             which numbered its responses afresh (R1, R2, ...): the same ids may name other \
             responses now; decide on the last solve's answer, or solve again"
        ),
        Some(json!({"path": "params.solve"})),
    )
}

impl Worker {
    /// A worker whose state is `state` (a journal replayed), or empty.
    pub fn with_state(state: Option<State>) -> Worker {
        Worker {
            state,
            last: None,
            solved: None,
        }
    }

    pub fn state(&self) -> Option<&State> {
        self.state.as_ref()
    }

    fn loaded(&self) -> Result<&State, RpcError> {
        self.state.as_ref().ok_or_else(|| {
            RpcError::invalid_params(
                "no scenario loaded: send `load` with a recourse.scenario/1 document first".into(),
                None,
            )
        })
    }

    /// What the request does: the answer, and for `load`, `event` and `decide` the change
    /// that [`Worker::commit`] makes once it is journaled. `solve` runs here; `watch` (if
    /// any) hears its progress and may stop it.
    pub fn prepare(
        &mut self,
        id: Option<&rpc::Id>,
        method: &str,
        p: &RawValue,
        watch: Option<Watcher>,
    ) -> Result<Prepared, RpcError> {
        match method {
            "initialize" => {
                params::<NoParams>(p)?;
                Prepared::answer(&json!({
                    "name": "recourse",
                    "version": env!("CARGO_PKG_VERSION"),
                    "formats": {
                        "scenario": SCENARIO_FORMAT,
                        "risk": RISK_FORMAT,
                        "proposals": PROPOSALS_FORMAT,
                    },
                    "methods": METHODS,
                }))
            }
            "load" => Self::load(p),
            "event" => self.event(params(p)?),
            "risk" => {
                params::<NoParams>(p)?;
                let st = self.loaded()?;
                Prepared::answer(&risk_doc(&st.s, &st.analysis))
            }
            "solve" => {
                let sp: SolveParams = params(p)?;
                Ok(Prepared {
                    result: self.solve(id, sp, watch)?,
                    change: None,
                })
            }
            "decide" => self.decide(params(p)?),
            "state" => {
                params::<NoParams>(p)?;
                // Numbers as `apply -o` writes them (`400`, not `400.0`).
                let text = crate::base::json::to_string_compact(&self.loaded()?.doc())
                    .and_then(RawValue::from_string)
                    .map_err(|e| {
                        RpcError::internal(format!("the state could not be written as JSON: {e}"))
                    })?;
                Ok(Prepared {
                    result: text,
                    change: None,
                })
            }
            "shutdown" => {
                params::<NoParams>(p)?;
                Prepared::answer(&())
            }
            other => Err(RpcError::method_not_found(other, &METHODS)),
        }
    }

    /// The scenario is read as a file is (`parse_scenario`): straight into its types, and
    /// through a `Value` tree only when something is wrong with it, to name every problem.
    fn load(p: &RawValue) -> Result<Prepared, RpcError> {
        let LoadParams { scenario } = match crate::base::by_name::from_str::<LoadParams>(p.get()) {
            Ok(lp) => lp,
            // Not `{"scenario": ...}`: the typed reading names what is wrong, with its path.
            Err(_) => params::<LoadParams>(p)?,
        };
        let (doc, _) = parse_scenario(scenario.get().as_bytes())
            .map_err(|d| bad_scenario(&d, "params.scenario"))?;
        let state = State::new(doc.clone()).map_err(|d| bad_scenario(&d, "params.scenario"))?;
        Ok(Prepared {
            result: raw(&state.summary())?,
            change: Some((Change::Load(Box::new(doc)), state)),
        })
    }

    fn event(&self, EventParams { disruptions }: EventParams) -> Result<Prepared, RpcError> {
        let st = self.loaded()?;
        if disruptions.is_empty() {
            // Nothing changes: nothing to journal, and the last solve's responses still
            // stand for `decide`.
            return Ok(Prepared {
                result: raw(&st.risk_summary())?,
                change: None,
            });
        }
        let before = st.s.disruptions.len();
        let state = st.with_disruptions(&disruptions).map_err(|mut d| {
            for x in &mut d.items {
                x.path = event_path(&x.path, before);
            }
            bad_scenario(&d, "params.disruptions")
        })?;
        Ok(Prepared {
            result: raw(&state.risk_summary())?,
            change: Some((Change::Event(disruptions), state)),
        })
    }

    fn decide(&self, params: DecideParams) -> Result<Prepared, RpcError> {
        let DecideParams {
            approve,
            reject,
            solve,
        } = params;
        let st = self.loaded()?;
        let Some((last, last_id)) = &self.last else {
            return Err(RpcError::invalid_params(
                "nothing to decide on: `solve` the current state first (decisions refer to its responses)".into(),
                None,
            ));
        };
        if let Some(named) = solve.filter(|named| Some(named) != last_id.as_ref()) {
            return Err(another_solve(&named, last_id.as_ref()));
        }
        let (doc, _summary) = apply(&st.s, &st.doc(), last, &approve, &reject)
            .map_err(|e| decide_refusal(e, &approve, &reject))?;
        let state = State::new(doc.clone()).map_err(|d| {
            RpcError::internal(format!("the approved scenario does not validate: {d}"))
        })?;
        Ok(Prepared {
            result: raw(&state.summary())?,
            change: Some((Change::Decide(Box::new(doc)), state)),
        })
    }

    /// Makes a prepared change the state (after the journal holds it). Only an event keeps
    /// the last solve as a start: it appends disruptions, which `warm::changes` compares.
    pub fn commit(&mut self, state: State, change: &Change) {
        if let Some(old) = self.state.replace(state) {
            // Freeing a medium scenario and its analysis takes milliseconds (4.7 ms measured,
            // a tenth of an event): done beside the reply, not before it.
            std::thread::spawn(move || drop(old));
        }
        self.last = None;
        if !matches!(change, Change::Event(_)) {
            self.solved = None;
        }
    }

    fn solve(
        &mut self,
        id: Option<&rpc::Id>,
        sp: SolveParams,
        watch: Option<Watcher>,
    ) -> Result<Box<RawValue>, RpcError> {
        let st = self.loaded()?;
        let policy = SolveOptions::from_policy(&st.s.policy);
        let time_limit_s = sp.time_limit.unwrap_or(policy.time_limit_s);
        let mip_gap = sp.gap.unwrap_or(policy.mip_gap);
        if !time_limit_ok(time_limit_s) {
            return Err(RpcError::invalid_params(
                format!(
                    "params.time_limit: {time_limit_s} is not a positive number of seconds up to {:e}",
                    crate::base::limits::MAX_TIME_LIMIT_S
                ),
                Some(json!({"path": "params.time_limit"})),
            ));
        }
        if !gap_ok(mip_gap) {
            return Err(RpcError::invalid_params(
                format!("params.gap: {mip_gap} is not a relative gap between 0 and 1"),
                Some(json!({"path": "params.gap"})),
            ));
        }
        let stop = watch.clone();
        let scope = match sp.scope {
            Some(ScopeParam::Touched) => Scope::Touched,
            Some(ScopeParam::Full) | None => Scope::Full,
        };
        let warm = self
            .solved
            .as_ref()
            .filter(|_| sp.warm != Some(false))
            .and_then(|w| {
                Some(Arc::new(Start {
                    changes: changes(&w.s, &st.s)?,
                    plan: w.plan.clone(),
                    cost: w.cost,
                    bound: w.bound,
                }))
            });
        let opts = SolveOptions {
            time_limit_s,
            mip_gap,
            watch,
            scope,
            warm,
            ..policy
        };
        let start = std::time::Instant::now();
        let strategy = crate::optimize::strategy::by_name(crate::optimize::strategy::DEFAULT)
            .ok_or_else(|| {
                RpcError::internal("the default formulation is not registered".into())
            })?;
        let Proposed { outcome, doc, .. } = propose(
            &st.s,
            &st.analysis,
            &strategy,
            &opts,
            start,
            crate::documents::proposals::deadline(start, time_limit_s),
        )
        .map_err(|e| RpcError::internal(e.to_string()))?;
        if outcome.solution.is_none() && stop.is_some_and(|w| w.stopped()) {
            return Err(RpcError::cancelled());
        }
        let value = raw(&doc)?;
        let last = doc.owned();
        self.solved = Solved::of(&st.s, &outcome);
        let id = id.and_then(|id| serde_json::from_str(&id.to_string()).ok());
        self.last = Some((last, id));
        Ok(value)
    }
}
