//! At-risk orders and why (`../shared/SCENARIO.md` section 4).
//!
//! An order is at risk when the baseline ships any unit late or leaves any unit short, when
//! it has no plan, or when it is frozen and the baseline cannot keep it. Each carries
//! reasons, with a machine code and a sentence a planner understands, built from what the
//! baseline simulation recorded and from the disruptions the scenario remembers.

pub mod baseline;
pub mod kpi;

use crate::base::text::{agree, plural, qty};
use crate::check::Evaluation;
use crate::risk::baseline::{Baseline, EntryFate, FrozenProblem, Holdback};
use crate::scenario::domain::{Day, DisruptionKind, Order, Outage, PlanEntry, Scenario};
use crate::scenario::ids::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    NoPlan,
    FrozenUnkept,
    LateAsPlanned,
    InboundDelay,
    InboundCancel,
    StockLoss,
    NodeOutage,
    LaneOutage,
    LaneDelay,
    NoDeparture,
    StockTaken,
    NodeCapacityTaken,
    LaneCapacityTaken,
    ShipComplete,
    InsufficientStock,
    PartlyPlanned,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub message: String,
    /// The disruption it cites, as its path in the scenario (`disruptions[2]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disruption: Option<String>,
    /// Orders that took the stock or capacity this one needed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AtRisk {
    pub order: OrderIx,
    pub reasons: Vec<Reason>,
}

/// Whether each order is at risk under the baseline (indexed by `OrderIx`).
pub fn at_risk_flags(s: &Scenario, baseline: &Baseline, eval: &Evaluation) -> Vec<bool> {
    let mut flags: Vec<bool> = s
        .orders
        .iter()
        .zip(&eval.orders)
        .map(|(o, outcome)| o.plan.is_empty() || outcome.at_risk())
        .collect();
    for u in &baseline.unkept_frozen {
        flags[u.order.ix()] = true;
    }
    flags
}

/// The at-risk orders (`flags` from [`at_risk_flags`]) by (priority, due, id), each with
/// its reasons.
pub fn at_risk_orders(s: &Scenario, baseline: &Baseline, flags: &[bool]) -> Vec<AtRisk> {
    let receipts = receipt_index(s);
    let mut list: Vec<AtRisk> = flags
        .iter()
        .enumerate()
        .filter(|(_, &f)| f)
        .map(|(i, _)| {
            let order = OrderIx::new(i);
            AtRisk {
                order,
                reasons: reasons(s, baseline, &receipts, order),
            }
        })
        .collect();
    list.sort_by(|a, b| {
        let (x, y) = (s.order(a.order), s.order(b.order));
        (x.priority, x.due, &x.id).cmp(&(y.priority, y.due, &y.id))
    });
    list
}

/// Receipts per (node, sku), so that explaining an order does not scan every receipt.
type ReceiptIndex = HashMap<(NodeIx, SkuIx), Vec<InboundIx>>;

fn receipt_index(s: &Scenario) -> ReceiptIndex {
    let mut m: ReceiptIndex = HashMap::new();
    for (i, r) in s.inbound.iter().enumerate() {
        m.entry((r.node, r.sku))
            .or_default()
            .push(InboundIx::new(i));
    }
    m
}

/// The reasons order `oi` is at risk, in the contract's order (SCENARIO.md section 4): no
/// plan, a frozen commitment unkept, lines partly planned, then each planned entry's.
fn reasons(s: &Scenario, baseline: &Baseline, receipts: &ReceiptIndex, oi: OrderIx) -> Vec<Reason> {
    let o = s.order(oi);
    let mut out = Reasons::default();
    if o.plan.is_empty() {
        out.push(no_plan(s, o));
    }
    for u in baseline.unkept_frozen.iter().filter(|u| u.order == oi) {
        out.push(frozen_reason(s, &u.why));
    }
    push_partly_planned(s, o, &mut out);
    for (entry, fate) in o.plan.iter().zip(&baseline.fates[oi.ix()]) {
        push_entry_reasons(s, receipts, o, entry, fate, &mut out);
    }
    out.0
}

/// The reason of an order without a planned shipment: added by a demand surge, or never
/// planned.
fn no_plan(s: &Scenario, o: &Order) -> Reason {
    let why = match o.surge {
        Some(d) => format!(
            "no plan yet: the order was added by {}",
            s.disruptions[d.ix()].label
        ),
        None => "nothing is promised to ship: the order has no planned shipment".to_owned(),
    };
    Reason {
        code: ReasonCode::NoPlan,
        message: why,
        disruption: o.surge.map(path),
        orders: vec![],
    }
}

/// Pushes a reason for each line of `o` whose plan ships less than is ordered (an order
/// with a plan only).
fn push_partly_planned(s: &Scenario, o: &Order, out: &mut Reasons) {
    for (line, planned) in o.lines.iter().map(|l| {
        (
            l,
            o.plan
                .iter()
                .filter(|e| e.sku == l.sku)
                .map(|e| e.quantity)
                .sum::<f64>(),
        )
    }) {
        if !o.plan.is_empty() && planned < line.quantity - 1e-9 {
            out.push(Reason {
                code: ReasonCode::PartlyPlanned,
                message: format!(
                    "the plan ships only {} of the {} {} ordered",
                    qty(planned),
                    qty(line.quantity),
                    s.sku(line.sku).id
                ),
                disruption: None,
                orders: vec![],
            });
        }
    }
}

/// Pushes the reasons `entry` of `o` arrives late or ships short in the baseline (`fate`):
/// late as planned, the lane's delays, then what held it back; none when it is neither.
fn push_entry_reasons(
    s: &Scenario,
    receipts: &ReceiptIndex,
    o: &Order,
    entry: &PlanEntry,
    fate: &EntryFate,
    out: &mut Reasons,
) {
    let sku = &s.sku(entry.sku).id;
    let node = &s.node(entry.node).id;
    let (base_lead, lead) = entry
        .lane
        .map_or((0, 0), |l| (s.lane(l).base_lead_time, s.lane(l).lead_time));
    let planned_arrival = i64::from(entry.ship) + i64::from(base_lead);
    // A frozen order leaves exactly as planned.
    let left = if o.frozen {
        vec![(i64::from(entry.ship), entry.quantity)]
    } else {
        fate.left.clone()
    };
    let late = left
        .iter()
        .any(|&(d, q)| q > 0.0 && d + i64::from(lead) > o.due);
    let short = !o.frozen && fate.shipped() < entry.quantity - 1e-9;
    if !late && !short {
        return;
    }
    if planned_arrival > o.due {
        out.push(Reason {
            code: ReasonCode::LateAsPlanned,
            message: format!(
                "late even as planned: {} {sku} from {node} leaving {} arrive {}, {} after the due date {}",
                qty(entry.quantity),
                s.date_string(entry.ship.into()),
                s.date_string(planned_arrival),
                days(planned_arrival - o.due),
                s.date_string(o.due)
            ),
            disruption: None,
            orders: vec![],
        });
    }
    if let Some(l) = entry.lane.filter(|_| late) {
        let lane = s.lane(l);
        // A delay of 0 days delays nothing: not a reason.
        for &(d, extra) in lane.delays.iter().filter(|x| x.1 > 0) {
            out.push(Reason {
                code: ReasonCode::LaneDelay,
                message: format!(
                    "lane {} takes {} longer ({})",
                    lane.id,
                    days(i64::from(extra)),
                    s.disruptions[d.ix()].label
                ),
                disruption: Some(path(d)),
                orders: vec![],
            });
        }
    }
    for limit in &fate.holdbacks {
        push_holdback_reasons(s, receipts, entry, limit, out);
    }
}

/// Pushes the reasons behind one thing that held `entry` back in the baseline.
fn push_holdback_reasons(
    s: &Scenario,
    receipts: &ReceiptIndex,
    entry: &PlanEntry,
    limit: &Holdback,
    out: &mut Reasons,
) {
    let node = &s.node(entry.node).id;
    match limit {
        Holdback::NodeClosed { day } => {
            for out_ in s.node(entry.node).outages.iter().filter(|x| x.covers(*day)) {
                out.push(Reason {
                    code: ReasonCode::NodeOutage,
                    message: format!(
                        "{node} ships nothing {}",
                        outage_span(s, out_, *day, *day == i64::from(entry.ship))
                    ),
                    disruption: Some(path(out_.disruption)),
                    orders: vec![],
                });
            }
        }
        Holdback::NoDeparture { day } => push_no_departure(s, entry, *day, out),
        Holdback::Stock { day, free, takers } => {
            push_stock_reasons(s, receipts, entry, (*day, *free), takers, out)
        }
        Holdback::NodeCapacity { day, takers } => out.push(capacity_taken(
            s,
            ReasonCode::NodeCapacityTaken,
            format!("{node}'s ship capacity"),
            *day,
            takers,
        )),
        Holdback::LaneCapacity { day, takers } => {
            let lane = &s
                .lane(entry.lane.expect("a lane capacity limit has a lane"))
                .id;
            out.push(capacity_taken(
                s,
                ReasonCode::LaneCapacityTaken,
                format!("lane {lane}'s capacity"),
                *day,
                takers,
            ))
        }
        Holdback::Block { day } => out.push(Reason {
            code: ReasonCode::ShipComplete,
            message: format!(
                "ships complete, and not every line could leave in full together on {}",
                s.date_string(*day)
            ),
            disruption: None,
            orders: vec![],
        }),
    }
}

/// Pushes why `entry`'s lane did not take it on `day`: the lane's outages that cover the
/// day, else that the lane does not depart then.
fn push_no_departure(s: &Scenario, entry: &PlanEntry, day: Day, out: &mut Reasons) {
    let l = entry.lane.expect("a departure limit has a lane");
    let lane = s.lane(l);
    let outages: Vec<_> = lane.outages.iter().filter(|x| x.covers(day)).collect();
    for x in &outages {
        out.push(Reason {
            code: ReasonCode::LaneOutage,
            message: format!(
                "lane {} is down {}",
                lane.id,
                outage_span(s, x, day, day == i64::from(entry.ship))
            ),
            disruption: Some(path(x.disruption)),
            orders: vec![],
        });
    }
    if outages.is_empty() {
        out.push(Reason {
            code: ReasonCode::NoDeparture,
            message: format!(
                "lane {} does not depart on {} {}{}",
                lane.id,
                s.date(day).format("%A"),
                s.date_string(day),
                if day == i64::from(entry.ship) {
                    ", the planned day"
                } else {
                    ""
                }
            ),
            disruption: None,
            orders: vec![],
        });
    }
}

/// Pushes why `entry` found too little stock (`free` of it on `day`): the disruptions that
/// took stock or a receipt, the orders that went first (`takers`), else the shortfall.
fn push_stock_reasons(
    s: &Scenario,
    receipts: &ReceiptIndex,
    entry: &PlanEntry,
    (day, free): (Day, f64),
    takers: &[OrderIx],
    out: &mut Reasons,
) {
    let sku = &s.sku(entry.sku).id;
    let node = &s.node(entry.node).id;
    let before = out.0.len();
    stock_disruptions(s, receipts, entry.node, entry.sku, entry.ship.into(), out);
    if !takers.is_empty() {
        out.push(Reason {
            code: ReasonCode::StockTaken,
            message: format!("{sku} at {node} went first to {}", names(s, takers)),
            disruption: None,
            orders: takers.iter().map(|t| s.order(*t).id.0.clone()).collect(),
        });
    } else if out.0.len() == before {
        out.push(Reason {
            code: ReasonCode::InsufficientStock,
            message: format!(
                "only {} {sku} free at {node} on {} for the {} planned",
                qty(free),
                s.date_string(day),
                qty(entry.quantity)
            ),
            disruption: None,
            orders: vec![],
        });
    }
}

/// The disruptions that took stock or a receipt of (node, sku) that a shipment planned for
/// `ship` counted on.
fn stock_disruptions(
    s: &Scenario,
    receipts: &ReceiptIndex,
    node: NodeIx,
    sku: SkuIx,
    ship: Day,
    out: &mut Reasons,
) {
    let (node_id, sku_id) = (&s.node(node).id, &s.sku(sku).id);
    if let Some(rec) = s.stock.get(&(node, sku)) {
        for &(d, took) in rec.losses.iter().filter(|x| x.1 > 0.0) {
            out.push(Reason {
                code: ReasonCode::StockLoss,
                message: format!(
                    "{} {sku_id} lost at {node_id} ({})",
                    qty(took),
                    s.disruptions[d.ix()].label
                ),
                disruption: Some(path(d)),
                orders: vec![],
            });
        }
    }
    let here = receipts.get(&(node, sku)).map_or(&[][..], Vec::as_slice);
    for r in here
        .iter()
        .map(|&i| s.inbound(i))
        .filter(|r| r.planned_eta <= ship)
    {
        let Some(&last) = r.disrupted_by.last() else {
            continue;
        };
        let (code, what) = match (r.cancelled, r.eta) {
            (true, _) => (ReasonCode::InboundCancel, "is cancelled".to_owned()),
            (false, None) => (
                ReasonCode::InboundDelay,
                "now arrives after the horizon".to_owned(),
            ),
            (false, Some(eta)) if i64::from(eta) > ship => (
                ReasonCode::InboundDelay,
                format!("now arrives {}", s.date_string(eta.into())),
            ),
            _ => continue,
        };
        let code = match s.disruptions[last.ix()].kind {
            DisruptionKind::InboundCancel { .. } => ReasonCode::InboundCancel,
            _ => code,
        };
        out.push(Reason {
            code,
            message: format!(
                "receipt {} ({} {sku_id} at {node_id}, due {}) {what} ({})",
                r.id,
                qty(r.quantity),
                s.date_string(r.planned_eta),
                s.disruptions[last.ix()].label
            ),
            disruption: Some(path(last)),
            orders: vec![],
        });
    }
}

fn frozen_reason(s: &Scenario, why: &FrozenProblem) -> Reason {
    let message = match why {
        FrozenProblem::NodeClosed { node, day } => {
            format!("frozen, but {} ships nothing on its planned day {}", s.node(*node).id, s.date_string(*day))
        }
        FrozenProblem::NoDeparture { lane, day } => {
            format!("frozen, but lane {} does not depart on its planned day {}", s.lane(*lane).id, s.date_string(*day))
        }
        FrozenProblem::Stock { node, sku, day, missing } => format!(
            "frozen, but {} {} at {} {} missing on {} for the frozen shipments (needs a transfer or an expedite)",
            qty(*missing),
            s.sku(*sku).id,
            s.node(*node).id,
            agree(*missing, "is", "are"),
            s.date_string(*day)
        ),
        FrozenProblem::NodeCapacity { node, day, excess } => format!(
            "frozen, but frozen shipments exceed {}'s ship capacity on {} by {}",
            s.node(*node).id,
            s.date_string(*day),
            qty(*excess)
        ),
        FrozenProblem::LaneCapacity { lane, day, excess } => format!(
            "frozen, but frozen shipments exceed lane {}'s capacity on {} by {}",
            s.lane(*lane).id,
            s.date_string(*day),
            qty(*excess)
        ),
    };
    Reason {
        code: ReasonCode::FrozenUnkept,
        message,
        disruption: None,
        orders: vec![],
    }
}

/// Node or lane capacity that other orders used on the day a shipment needed it.
fn capacity_taken(
    s: &Scenario,
    code: ReasonCode,
    what: String,
    day: Day,
    takers: &[OrderIx],
) -> Reason {
    let by = if takers.is_empty() {
        "other shipments".to_owned()
    } else {
        names(s, takers)
    };
    Reason {
        code,
        message: format!("{what} on {} was used by {by}", s.date_string(day)),
        disruption: None,
        orders: takers.iter().map(|t| s.order(*t).id.0.clone()).collect(),
    }
}

/// Reasons without repeats (several plan entries often share one cause).
#[derive(Default)]
struct Reasons(Vec<Reason>);

impl Reasons {
    fn push(&mut self, r: Reason) {
        if !self.0.contains(&r) {
            self.0.push(r);
        }
    }
}

fn path(d: DisruptionIx) -> String {
    format!("disruptions[{}]", d.ix())
}

/// Order ids for a sentence: the first few, then a count.
fn names(s: &Scenario, orders: &[OrderIx]) -> String {
    const SHOWN: usize = 4;
    let mut v: Vec<&str> = orders
        .iter()
        .take(SHOWN)
        .map(|o| s.order(*o).id.as_str())
        .collect();
    let more = orders.len().saturating_sub(SHOWN);
    let more_text = format!("{more} more");
    if more > 0 {
        v.push(&more_text);
    }
    match v.len() {
        0 => String::new(),
        1 => v[0].to_owned(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// When an outage that covers `day` lasts, and which disruption it is: "on D, the planned
/// day (label)" for a one-day outage, else "from A to B, which covers the planned day D
/// (label)". `day` is the planned day when `planned`, else the later day another limit
/// had held the shipment to: "the day it would have left".
fn outage_span(s: &Scenario, x: &Outage, day: Day, planned: bool) -> String {
    let label = &s.disruptions[x.disruption.ix()].label;
    let which = if planned {
        "the planned day"
    } else {
        "the day it would have left"
    };
    if x.from == x.until {
        format!("on {}, {which} ({label})", s.date_string(day))
    } else {
        format!(
            "from {} to {}, which covers {which} {} ({label})",
            s.date_string(x.from),
            s.date_string(x.until),
            s.date_string(day)
        )
    }
}

fn days(n: i64) -> String {
    plural(n as f64, "day")
}

/// Everything the risk stage knows: the baseline, its evaluation, and the at-risk orders.
pub struct Analysis {
    pub baseline: Baseline,
    pub eval: Evaluation,
    pub flags: Vec<bool>,
    pub at_risk: Vec<AtRisk>,
}

/// Simulates the baseline, evaluates it with the checker and explains every at-risk order.
pub fn analyze(s: &Scenario) -> Analysis {
    let baseline = crate::risk::baseline::simulate(s);
    let eval = crate::check::evaluate(s, &baseline.plan);
    let flags = at_risk_flags(s, &baseline, &eval);
    let at_risk = at_risk_orders(s, &baseline, &flags);
    Analysis {
        baseline,
        eval,
        flags,
        at_risk,
    }
}
