//! The JSON block `page.js` draws the map and the responses from: nodes and lanes by index,
//! what each disruption hit, and per response what it approves, requires and moves.

use super::text::{amounts, Isolated};
use crate::documents::proposals::{ProposalsDoc, ResponseDoc};
use crate::plan::PlanDoc;
use crate::scenario::domain::{DisruptionKind, Scenario};
use serde::Serialize;
use std::collections::HashSet;

/// The files a reader passes to `recourse apply` for the approvals made on the page.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Files {
    pub scenario: String,
    /// `None` when the proposals document was not written (`solve --format html`): the page
    /// then names `proposals.json` and says how to write it.
    pub proposals: Option<String>,
}

#[derive(Serialize)]
pub(super) struct PageData<'a> {
    scenario: &'a str,
    currency: &'a str,
    files: &'a Files,
    /// [`responses_digest`](crate::documents::proposals::responses_digest) of the
    /// responses shown, for the `recourse apply` command.
    digest: String,
    /// Whether every node has a location (a map); otherwise the page lays nodes out by kind.
    geo: bool,
    nodes: Vec<PageNode<'a>>,
    lanes: Vec<PageLane<'a>>,
    disruptions: Vec<PageDisruption>,
    responses: Vec<PageResponse<'a>>,
}

#[derive(Serialize)]
struct PageNode<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<[f64; 2]>,
    /// How many at-risk orders it receives or, in the do-nothing plan, ships: the map
    /// labels the nodes with more first.
    #[serde(skip_serializing_if = "is_zero")]
    risk: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct PageLane<'a> {
    id: &'a str,
    from: usize,
    to: usize,
    mode: &'a str,
}

#[derive(Serialize)]
struct PageDisruption {
    /// Its ids marked as isolated ([`Isolated::marked`]).
    text: String,
    /// A demand surge: its nodes are the new orders' destinations, drawn apart from what an
    /// outage, a delay or a loss hit.
    surge: bool,
    nodes: Vec<usize>,
    lanes: Vec<usize>,
}

#[derive(Serialize)]
struct PageResponse<'a> {
    id: &'a str,
    rank: usize,
    requires: &'a [String],
    net: f64,
    cost: f64,
    protects: &'a [String],
    approvals: &'a [String],
    /// With its amounts written as the page writes them ([`amounts`]) and its ids marked
    /// as isolated ([`Isolated::marked`]).
    explanation: String,
    /// (owner, text) per action, the text written as the explanation is.
    actions: Vec<(&'a str, String)>,
    /// Lanes the response starts using, and stops using.
    add: Vec<usize>,
    remove: Vec<usize>,
    /// Nodes it acts at without a lane: local hand-overs and expedited receipts.
    at: Vec<usize>,
    /// The ids a search finds it by besides its own: the orders it protects, helps, takes
    /// from or moves, their destinations, the SKUs, nodes, lanes and receipts it uses.
    terms: Vec<&'a str>,
}

pub(super) fn page_data<'a>(
    s: &'a Scenario,
    doc: &'a ProposalsDoc,
    files: &'a Files,
    ids: &Isolated,
) -> PageData<'a> {
    let risk = at_risk_per_node(s, doc);
    let nodes: Vec<PageNode> = s
        .nodes
        .iter()
        .zip(risk)
        .map(|(n, risk)| PageNode {
            id: &n.id.0,
            name: n.name.as_deref(),
            kind: n.kind.name(),
            at: n.location.map(|at| [at.lat, at.lon]),
            risk,
        })
        .collect();
    let geo = !nodes.is_empty() && nodes.iter().all(|n| n.at.is_some());
    PageData {
        scenario: &doc.scenario,
        currency: s.currency.as_deref().unwrap_or(""),
        files,
        digest: crate::documents::proposals::responses_digest(&doc.responses),
        geo,
        nodes,
        lanes: s
            .lanes
            .iter()
            .map(|l| PageLane {
                id: &l.id.0,
                from: l.from.ix(),
                to: l.to.ix(),
                mode: &l.mode,
            })
            .collect(),
        disruptions: s
            .disruptions
            .iter()
            .map(|d| disruption(s, d, ids))
            .collect(),
        responses: doc.responses.iter().map(|r| response(s, r, ids)).collect(),
    }
}

/// Per node, how many at-risk orders it is the destination of or ships from in the
/// do-nothing plan (ids the scenario does not know are left out).
fn at_risk_per_node(s: &Scenario, doc: &ProposalsDoc) -> Vec<usize> {
    let at_risk: HashSet<&str> = doc.at_risk.iter().map(|a| a.order.as_str()).collect();
    let mut pairs: HashSet<(usize, &str)> = HashSet::new();
    for &o in &at_risk {
        if let Some(&ix) = s.index.orders.get(o) {
            pairs.insert((s.order(ix).destination.ix(), o));
        }
    }
    for x in &doc.baseline_plan.shipments {
        if let (Some(&o), Some(n)) = (
            at_risk.get(x.order.as_str()),
            s.index.nodes.get(x.node.as_str()),
        ) {
            pairs.insert((n.ix(), o));
        }
    }
    let mut out = vec![0; s.nodes.len()];
    for (n, _) in pairs {
        out[n] += 1;
    }
    out
}

fn disruption(
    s: &Scenario,
    d: &crate::scenario::domain::Disruption,
    ids: &Isolated,
) -> PageDisruption {
    let (mut nodes, mut lanes) = (Vec::new(), Vec::new());
    match &d.kind {
        DisruptionKind::InboundDelay { inbound, .. }
        | DisruptionKind::InboundCancel { inbound } => nodes.push(s.inbound(*inbound).node.ix()),
        DisruptionKind::StockLoss { node, .. } | DisruptionKind::NodeOutage { node, .. } => {
            nodes.push(node.ix())
        }
        DisruptionKind::LaneOutage { lane, .. } | DisruptionKind::LaneDelay { lane, .. } => {
            lanes.push(lane.ix())
        }
        DisruptionKind::DemandSurge { orders } => {
            nodes.extend(orders.iter().map(|o| s.order(*o).destination.ix()));
            nodes.sort_unstable();
            nodes.dedup();
        }
    }
    PageDisruption {
        text: ids.marked(&d.label),
        surge: matches!(d.kind, DisruptionKind::DemandSurge { .. }),
        nodes,
        lanes,
    }
}

fn response<'a>(s: &'a Scenario, r: &'a ResponseDoc, ids: &Isolated) -> PageResponse<'a> {
    let currency = s.currency.as_deref().unwrap_or("");
    let mut at = Vec::new();
    let add = lanes_of(s, &r.delta.add, &mut at);
    let remove = lanes_of(s, &r.delta.remove, &mut Vec::new());
    at.sort_unstable();
    at.dedup();
    PageResponse {
        id: &r.id,
        rank: r.rank,
        requires: &r.requires,
        net: r.net_benefit,
        cost: r.cost,
        protects: &r.protects,
        approvals: &r.approvals,
        explanation: ids.marked(&amounts(&r.explanation, currency)),
        actions: r
            .actions
            .iter()
            .map(|a| (a.owner.as_str(), ids.marked(&amounts(&a.text, currency))))
            .collect(),
        add,
        remove,
        at,
        terms: terms(s, r),
    }
}

/// What [`PageResponse::terms`] holds, sorted and once each; ids the scenario does not know
/// are kept as written, their nodes left out.
fn terms<'a>(s: &'a Scenario, r: &'a ResponseDoc) -> Vec<&'a str> {
    let node_id = |n: crate::scenario::ids::NodeIx| s.nodes[n.ix()].id.0.as_str();
    let mut out: Vec<&str> = Vec::new();
    let order = |out: &mut Vec<&'a str>, o: &'a str| {
        out.push(o);
        out.extend(
            s.index
                .orders
                .get(o)
                .map(|&o| node_id(s.order(o).destination)),
        );
    };
    for o in r.protects.iter().chain(&r.helps).chain(&r.donors) {
        order(&mut out, o);
    }
    for plan in [&r.delta.add, &r.delta.remove] {
        for x in &plan.shipments {
            order(&mut out, &x.order);
            out.extend([x.sku.as_str(), x.node.as_str()]);
            out.extend(x.lane.as_deref());
        }
        for t in &plan.transfers {
            out.extend([t.sku.as_str(), t.lane.as_str()]);
        }
        for e in &plan.expedited_inbound {
            out.push(e);
            out.extend(
                s.index
                    .inbound
                    .get(e.as_str())
                    .map(|&i| node_id(s.inbound(i).node)),
            );
        }
        for x in plan
            .shipments
            .iter()
            .filter_map(|x| x.lane.as_deref())
            .chain(plan.transfers.iter().map(|t| t.lane.as_str()))
        {
            if let Some(&l) = s.index.lanes.get(x) {
                let lane = &s.lanes[l.ix()];
                out.extend([node_id(lane.from), node_id(lane.to)]);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The lanes a plan part uses (ids the scenario does not know are left out: a proposals
/// document is read from a file); local hand-overs and expedited receipts go to `at`.
fn lanes_of(s: &Scenario, plan: &PlanDoc, at: &mut Vec<usize>) -> Vec<usize> {
    let lane = |id: &str| s.index.lanes.get(id).map(|l| l.ix());
    let node = |id: &str| s.index.nodes.get(id).map(|n| n.ix());
    let mut lanes = Vec::new();
    for x in &plan.shipments {
        match &x.lane {
            Some(l) => lanes.extend(lane(l)),
            None => at.extend(node(&x.node)),
        }
    }
    lanes.extend(plan.transfers.iter().filter_map(|t| lane(&t.lane)));
    for e in &plan.expedited_inbound {
        at.extend(
            s.index
                .inbound
                .get(e.as_str())
                .map(|i| s.inbound(*i).node.ix()),
        );
    }
    lanes.sort_unstable();
    lanes.dedup();
    lanes
}
