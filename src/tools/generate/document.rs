//! The scenario document of the network, the orders and the supply, before disruptions.

use super::calendar::{weekdays, Calendar};
use super::config::GenerateConfig;
use super::network::{on_the_map, Mode, Network};
use super::orders::{Book, GOrder};
use super::supply::Supply;
use crate::scenario::wire::{
    ExpediteDoc, InboundDoc, LaneDoc, LineDoc, NodeDoc, OrderDoc, PlanEntryDoc, PolicyDoc,
    ScenarioDoc, SkuDoc, StockDoc, SCENARIO_FORMAT,
};

pub(super) fn order_width(n: usize) -> usize {
    n.max(1).to_string().len().max(4)
}

pub(super) fn order_doc(
    o: &GOrder,
    id: String,
    net: &Network,
    book: &Book,
    cal: &Calendar,
) -> OrderDoc {
    OrderDoc {
        id,
        customer: Some(o.customer.clone()),
        destination: net.nodes[o.dest].id.clone(),
        due: cal.date(o.due),
        priority: i64::from(o.priority),
        lines: o
            .lines
            .iter()
            .map(|&(s, q)| LineDoc {
                sku: book.skus[s].0.clone(),
                quantity: f64::from(q),
            })
            .collect(),
        plan: o
            .plan
            .iter()
            .map(|e| PlanEntryDoc {
                sku: book.skus[e.sku].0.clone(),
                node: net.nodes[e.node].id.clone(),
                lane: e.lane.map(|l| net.lanes[l].id.clone()),
                ship: cal.date(e.ship),
                quantity: f64::from(e.qty),
            })
            .collect(),
        allow_partial: (!o.allow_partial).then_some(false),
        max_sources: o.max_sources.map(i64::from),
        frozen: o.frozen.then_some(true),
        late_penalty_per_unit_day: o.late_penalty,
        short_penalty_per_unit: o.short_penalty,
    }
}

/// The scenario of the network, the orders and the supply, without disruptions: its
/// tables in the format's order.
pub(super) fn base_doc(
    cfg: &GenerateConfig,
    net: &Network,
    book: &Book,
    supply: &Supply,
    cal: &Calendar,
) -> ScenarioDoc {
    let width = order_width(cfg.orders * 2);
    ScenarioDoc {
        format: SCENARIO_FORMAT.to_string(),
        id: cfg.scenario_id(),
        as_of: cal.date(0),
        horizon_days: cal.h as i64,
        currency: Some("EUR".to_string()),
        skus: book
            .skus
            .iter()
            .map(|(id, name)| SkuDoc {
                id: id.clone(),
                name: Some(name.clone()),
            })
            .collect(),
        nodes: node_docs(net, supply),
        lanes: lane_docs(net, supply),
        stock: stock_docs(net, book, supply),
        inbound: inbound_docs(net, book, supply, cal),
        orders: book
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| order_doc(o, format!("SO-{:0width$}", i + 1), net, book, cal))
            .collect(),
        disruptions: Vec::new(),
        policy: PolicyDoc::default(),
    }
}

/// The nodes, with their capacities and places on the map.
fn node_docs(net: &Network, supply: &Supply) -> Vec<NodeDoc> {
    net.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| NodeDoc {
            id: n.id.clone(),
            kind: n.kind,
            ship_capacity_per_day: supply.node_cap[i],
            name: None,
            location: Some(on_the_map(n)),
        })
        .collect()
}

/// The lanes, with their capacities; a fixed charge only where there is one.
fn lane_docs(net: &Network, supply: &Supply) -> Vec<LaneDoc> {
    net.lanes
        .iter()
        .enumerate()
        .map(|(i, l)| LaneDoc {
            id: l.id.clone(),
            from: net.nodes[l.from].id.clone(),
            to: net.nodes[l.to].id.clone(),
            mode: match l.mode {
                Mode::Ground => "ground",
                Mode::Air => "air",
            }
            .to_string(),
            lead_time_days: l.lead,
            cost_per_unit: l.cost,
            fixed_cost_per_day: (l.fixed > 0.0).then_some(l.fixed),
            capacity_per_day: supply.lane_cap[i],
            departure_days: l.days.map(weekdays),
        })
        .collect()
}

/// The stock records; reserved units only where there are some.
fn stock_docs(net: &Network, book: &Book, supply: &Supply) -> Vec<StockDoc> {
    supply
        .stock
        .iter()
        .map(|&(n, s, on_hand, reserved)| StockDoc {
            node: net.nodes[n].id.clone(),
            sku: book.skus[s].0.clone(),
            on_hand,
            reserved: (reserved > 0.0).then_some(reserved),
        })
        .collect()
}

/// The inbound receipts, with their expedites.
fn inbound_docs(net: &Network, book: &Book, supply: &Supply, cal: &Calendar) -> Vec<InboundDoc> {
    supply
        .receipts
        .iter()
        .map(|r| InboundDoc {
            id: r.id.clone(),
            node: net.nodes[r.node].id.clone(),
            sku: book.skus[r.sku].0.clone(),
            quantity: r.qty,
            eta: cal.date(r.eta),
            expedite: r.expedite.map(|(eta, cost)| ExpediteDoc {
                eta: cal.date(eta),
                cost,
            }),
        })
        .collect()
}
