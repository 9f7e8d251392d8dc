//! What `respond` takes and returns: the inputs besides the scenario, the responses and
//! their actions, the at-risk orders left unresolved, and the invariants that can fail.

use crate::check::Evaluation;
use crate::plan::Plan;
use crate::scenario::domain::Day;
use crate::scenario::ids::*;
use std::collections::HashMap;

/// The id a response goes by in documents and texts: its rank, from "R1".
pub fn response_id(k: usize) -> String {
    format!("R{}", k + 1)
}

/// One approvable response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// Indices of earlier responses it depends on (sharing a resource), ascending.
    pub requires: Vec<usize>,
    /// The cost it removes, on top of the responses before it (the checker's numbers).
    pub net_benefit: f64,
    /// What it spends: transport, fixed, expedite and change added, plus the penalties
    /// that its donors take on. `cost + net_benefit` is the penalty it saves.
    pub cost: f64,
    /// Transport, fixed, expedite and change added (negative: saved), without penalties.
    pub running: f64,
    /// At-risk orders before it that are not at risk after it.
    pub protects: Vec<OrderIx>,
    /// At-risk orders it leaves at risk, but with a smaller penalty.
    pub helps: Vec<OrderIx>,
    /// Orders in it that end up worse (they give up stock, a day or a lane).
    pub donors: Vec<OrderIx>,
    pub actions: Vec<Action>,
    pub explanation: String,
    /// Taken off the matching entries of the plan before it.
    pub remove: Plan,
    pub add: Plan,
    /// True for the response that repairs what the baseline breaks: frozen commitments it
    /// cannot keep, orders its plan ships from more nodes than their `max_sources` (always
    /// the first one; every other response requires it).
    pub repairs_baseline: bool,
}

/// An at-risk order that the proposed plan still leaves late or short.
#[derive(Clone, Debug, PartialEq)]
pub struct Unresolved {
    pub order: OrderIx,
    pub why: String,
}

#[derive(Clone, Debug)]
pub struct Responses {
    pub responses: Vec<Response>,
    pub unresolved: Vec<Unresolved>,
    /// How many prefixes the checker evaluated: all of them, unless responses x plan size
    /// exceeds the checking budget (then evenly spaced ones and the last) or the time
    /// ran out (`Inputs::check_until`; then the last and those evaluated before).
    pub checked_prefixes: usize,
    /// Where the time went, in seconds.
    pub seconds: RespondSeconds,
}

/// Wall-clock seconds of each step of `respond`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RespondSeconds {
    /// Cutting the difference into units, building the responses from them and finding
    /// what each requires (`build`).
    pub construct: f64,
    /// The checker's evaluation of the prefixes.
    pub check: f64,
    /// Actions, explanations and the unresolved orders.
    pub explain: f64,
}

impl RespondSeconds {
    pub fn total(&self) -> f64 {
        self.construct + self.check + self.explain
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RespondError {
    #[error("internal error: applying responses 1..={prefix} gives a plan that breaks rule {rule}: {message}")]
    PrefixInfeasible {
        prefix: usize,
        rule: u8,
        message: String,
    },
    #[error("internal error: response {response} was built to save {estimated}, the checker says {checked}")]
    BenefitMismatch {
        response: usize,
        estimated: f64,
        checked: f64,
    },
    #[error(
        "internal error: all responses together give a plan costing {got}, not the proposed {want}"
    )]
    TotalMismatch { got: f64, want: f64 },
}

/// What `respond` needs to know besides the two plans.
pub struct Inputs<'a> {
    pub baseline: &'a Plan,
    pub baseline_eval: &'a Evaluation,
    /// At risk under the baseline (section 4, including orders with an empty plan).
    pub at_risk: &'a [bool],
    /// Each at-risk order's first reason, for explanations.
    pub reasons: &'a HashMap<OrderIx, String>,
    pub plan: &'a Plan,
    pub plan_eval: &'a Evaluation,
    /// When the checker stops evaluating prefixes (it always evaluates the last one);
    /// `None`: it evaluates every prefix the budget allows.
    pub check_until: Option<std::time::Instant>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionKind {
    Reallocate,
    Transfer,
    ExpediteInbound,
    ExpediteShipment,
    Reroute,
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Reallocate => "reallocate",
            ActionKind::Transfer => "transfer",
            ActionKind::ExpediteInbound => "expedite_inbound",
            ActionKind::ExpediteShipment => "expedite_shipment",
            ActionKind::Reroute => "reroute",
        }
    }
    pub fn owner(self) -> Owner {
        match self {
            ActionKind::Reallocate | ActionKind::Transfer => Owner::Inventory,
            ActionKind::ExpediteInbound => Owner::Supply,
            ActionKind::ExpediteShipment | ActionKind::Reroute => Owner::Logistics,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Inventory,
    Supply,
    Logistics,
}

impl Owner {
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Inventory => "inventory",
            Owner::Supply => "supply",
            Owner::Logistics => "logistics",
        }
    }
}

/// One action. Fields that do not apply to the kind are empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub kind: ActionKind,
    pub sku: Option<SkuIx>,
    pub quantity: f64,
    /// Every order the action changes.
    pub orders: Vec<OrderIx>,
    /// For `reallocate`: orders giving up stock or capacity, and orders receiving it.
    pub from_orders: Vec<OrderIx>,
    pub to_orders: Vec<OrderIx>,
    /// Source node before and after (the same for `expedite_shipment`), or the node whose
    /// stock is reallocated, or a transfer's ends.
    pub from_node: Option<NodeIx>,
    pub to_node: Option<NodeIx>,
    /// Lanes before and after (`None` inside = local).
    pub from_lane: Option<Option<LaneIx>>,
    pub to_lane: Option<Option<LaneIx>>,
    /// Ship days before and after, or a receipt's etas.
    pub from_day: Option<Day>,
    pub to_day: Option<Day>,
    /// For a shipment that leaves on several days: units per day after (and, on the same
    /// route, before), where they differ; empty when one day says it all.
    pub to_days: Vec<(Day, f64)>,
    pub from_days: Vec<(Day, f64)>,
    /// A shipment of units the order was short of: it replaces nothing.
    pub short_before: bool,
    /// For a shipment that replaces several old routes, or units the order was short of
    /// beside one: each route replaced with its units (the first is `from_*`), and the units
    /// it was short of; empty and 0 when `from_*` says it all.
    pub instead: Vec<(NodeIx, Option<LaneIx>, f64)>,
    pub short_units: f64,
    pub inbound: Option<InboundIx>,
    /// Money it adds on its own: transport for a transfer, the expedite cost, a reroute's
    /// or faster lane's transport less what the units it replaces paid. Shared charges are
    /// in the response's cost.
    pub cost: f64,
    /// One line a planner reads.
    pub text: String,
}

impl Action {
    pub(super) fn new(kind: ActionKind) -> Self {
        Action {
            kind,
            sku: None,
            quantity: 0.0,
            orders: Vec::new(),
            from_orders: Vec::new(),
            to_orders: Vec::new(),
            from_node: None,
            to_node: None,
            from_lane: None,
            to_lane: None,
            from_day: None,
            to_day: None,
            to_days: Vec::new(),
            from_days: Vec::new(),
            short_before: false,
            instead: Vec::new(),
            short_units: 0.0,
            inbound: None,
            cost: 0.0,
            text: String::new(),
        }
    }
}
