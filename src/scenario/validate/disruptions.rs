//! Disruptions, applied in document order to the lanes, stock and receipts.

use super::validator::Validator;
use crate::base::limits::MAX_LEAD_DAYS;
use crate::base::text::plural;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use std::collections::HashMap;

impl Validator {
    /// The disruptions `docs`, the first of which is the scenario's `first`-th, applied in
    /// order to the lanes, stock and receipts.
    ///
    /// Long because each disruption kind's fields are checked in one match, in document order
    /// (the order of the diagnostics).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn disruptions(
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
                    if *extra_days < 0 || *extra_days > MAX_LEAD_DAYS {
                        self.err(
                            "bad_extra_days",
                            format!("{p}.extra_days"),
                            format!("extra_days is {extra_days}, outside 0..={MAX_LEAD_DAYS}"),
                            if *extra_days < 0 {
                                "a lane_delay adds days to the lead time; to shorten it, change the lane itself"
                            } else {
                                "give the delay in whole days; a lane closed for longer is a lane_outage"
                            },
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

    /// The node outages among `disruptions`, the first of which is the scenario's
    /// `first`-th.
    pub(super) fn apply_node_outages(
        &mut self,
        disruptions: &[Disruption],
        first: usize,
        nodes: &mut [Node],
    ) {
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
}
