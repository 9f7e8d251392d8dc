//! Disruptions, applied in document order to the lanes, stock and receipts.

use super::validator::Validator;
use crate::base::limits::MAX_LEAD_DAYS;
use crate::base::text::plural;
use crate::scenario::domain::*;
use crate::scenario::ids::*;
use crate::scenario::wire::*;
use std::collections::HashMap;

/// What disruptions change as they apply: the lanes, the stock records, the receipts, and
/// the orders each `demand_surge` (keyed by its index in the scenario) brings.
pub(super) struct Targets<'a> {
    pub(super) lanes: &'a mut [Lane],
    pub(super) stock: &'a mut HashMap<(NodeIx, SkuIx), StockRecord>,
    pub(super) inbound: &'a mut [Inbound],
    pub(super) surge_orders: &'a mut HashMap<usize, Vec<OrderIx>>,
}

/// One disruption being validated: its JSON path, its index in the scenario, and the
/// index and nodes its references resolve in.
struct At<'a> {
    p: &'a str,
    i: usize,
    di: DisruptionIx,
    index: &'a Index,
    nodes: &'a [Node],
}

/// A disruption's kind and its label (without the `disruptions[i]` prefix).
type Validated = (DisruptionKind, String);

impl Validator {
    /// The disruptions `docs`, the first of which is the scenario's `first`-th, applied in
    /// order to `t`'s lanes, stock and receipts; empty when any of them is refused.
    pub(super) fn disruptions(
        &mut self,
        docs: &[DisruptionDoc],
        first: usize,
        index: &Index,
        nodes: &[Node],
        mut t: Targets,
    ) -> Vec<Disruption> {
        let mut out = Vec::with_capacity(docs.len());
        for (i, d) in (first..).zip(docs) {
            let p = format!("disruptions[{i}]");
            let at = At {
                p: &p,
                i,
                di: DisruptionIx::new(i),
                index,
                nodes,
            };
            let Some(kind) = self.disruption(&at, d, &mut t) else {
                continue;
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

    /// The disruption `d`, at `at`, applied to `t`; `None` when it is refused. Each kind's
    /// fields are checked in document order (the order of the diagnostics).
    fn disruption(&mut self, at: &At, d: &DisruptionDoc, t: &mut Targets) -> Option<Validated> {
        let p = at.p;
        Some(match d {
            DisruptionDoc::InboundDelay { inbound: id, eta } => {
                self.inbound_delay(at, id, eta, t.inbound)?
            }
            DisruptionDoc::InboundCancel { inbound: id } => {
                let r = self.inbound_ref(at.index, &format_args!("{p}.inbound"), id)?;
                if t.inbound.len() == at.index.inbound.len() {
                    let rec = &mut t.inbound[r.ix()];
                    rec.cancelled = true;
                    rec.eta = None;
                    rec.expedite = None;
                    rec.disrupted_by.push(at.di);
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
            } => self.stock_loss(at, node, sku, *quantity, t.stock)?,
            DisruptionDoc::NodeOutage { node, from, until } => {
                let n = self.node_ref(at.index, &format_args!("{p}.node"), node);
                let (f, u) = self.period(p, from, until)?;
                let n = n?;
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
                self.lane_outage(at, lane, (from, until), t.lanes)?
            }
            DisruptionDoc::LaneDelay { lane, extra_days } => {
                self.lane_delay(at, lane, *extra_days, t.lanes)?
            }
            DisruptionDoc::DemandSurge { orders } => {
                let ixs = t.surge_orders.remove(&at.i).unwrap_or_default();
                let label = format!("demand_surge of {}", plural(orders.len() as f64, "order"));
                (DisruptionKind::DemandSurge { orders: ixs }, label)
            }
        })
    }

    /// An `inbound_delay` of `id` to `eta`, applied to `inbound` unless the receipt was
    /// cancelled earlier; `None` when it is refused.
    fn inbound_delay(
        &mut self,
        at: &At,
        id: &str,
        eta: &str,
        inbound: &mut [Inbound],
    ) -> Option<Validated> {
        let p = at.p;
        let r = self.inbound_ref(at.index, &format_args!("{p}.inbound"), id);
        let e = self.eta(&format_args!("{p}.eta"), eta);
        let (Some(r), Some((_, day, arrival))) = (r, e) else {
            return None;
        };
        if inbound.len() == at.index.inbound.len() {
            let rec = &mut inbound[r.ix()];
            if rec.cancelled {
                self.warn(
                    "delay_after_cancel",
                    p,
                    format!("inbound \"{id}\" was cancelled earlier; this delay changes nothing"),
                );
            } else {
                rec.eta = arrival;
                rec.disrupted_by.push(at.di);
            }
        }
        Some((
            DisruptionKind::InboundDelay {
                inbound: r,
                eta: day,
            },
            format!("inbound_delay of {id} to {eta}"),
        ))
    }

    /// A `stock_loss` of `quantity` of `sku` at `node`, taken from its record in `stock`
    /// (at most what is on hand); `None` when it is refused.
    fn stock_loss(
        &mut self,
        at: &At,
        node: &str,
        sku: &str,
        quantity: f64,
        stock: &mut HashMap<(NodeIx, SkuIx), StockRecord>,
    ) -> Option<Validated> {
        let p = at.p;
        let n = self.stock_node(
            at.nodes,
            at.index,
            &format_args!("{p}.node"),
            node,
            "losing stock",
        );
        let s = self.sku_ref(at.index, &format_args!("{p}.sku"), sku);
        let ok = self.amount(&format_args!("{p}.quantity"), quantity, "quantity");
        let (Some(n), Some(s), true) = (n, s, ok) else {
            return None;
        };
        match stock.get_mut(&(n, s)) {
            Some(rec) => {
                let took = quantity.min(rec.on_hand);
                rec.on_hand -= took;
                rec.losses.push((at.di, took));
            }
            None => self.warn(
                "loss_without_stock",
                p,
                format!("node \"{node}\" has no stock of sku \"{sku}\"; the loss changes nothing"),
            ),
        }
        Some((
            DisruptionKind::StockLoss {
                node: n,
                sku: s,
                quantity,
            },
            format!("stock_loss of {quantity} {sku} at {node}"),
        ))
    }

    /// A `lane_outage` of `lane` over the days `(from, until)`, added to the lane's outages in
    /// `lanes`; `None` when it is refused.
    fn lane_outage(
        &mut self,
        at: &At,
        lane: &str,
        (from, until): (&str, &str),
        lanes: &mut [Lane],
    ) -> Option<Validated> {
        let p = at.p;
        let l = self.lane_ref(at.index, &format_args!("{p}.lane"), lane);
        let (f, u) = self.period(p, from, until)?;
        let l = l?;
        if lanes.len() == at.index.lanes.len() {
            lanes[l.ix()].outages.push(Outage {
                from: f,
                until: u,
                disruption: at.di,
            });
        }
        Some((
            DisruptionKind::LaneOutage {
                lane: l,
                from: f,
                until: u,
            },
            format!("lane_outage of {lane} from {from} until {until}"),
        ))
    }

    /// A `lane_delay` of `lane` by `extra_days`, added to the lane's lead time in `lanes`;
    /// `None` when it is refused.
    fn lane_delay(
        &mut self,
        at: &At,
        lane: &str,
        extra_days: i64,
        lanes: &mut [Lane],
    ) -> Option<Validated> {
        let p = at.p;
        let l = self.lane_ref(at.index, &format_args!("{p}.lane"), lane);
        if !(0..=MAX_LEAD_DAYS).contains(&extra_days) {
            self.err(
                "bad_extra_days",
                format!("{p}.extra_days"),
                format!("extra_days is {extra_days}, outside 0..={MAX_LEAD_DAYS}"),
                if extra_days < 0 {
                    "a lane_delay adds days to the lead time; to shorten it, change the lane itself"
                } else {
                    "give the delay in whole days; a lane closed for longer is a lane_outage"
                },
            );
            return None;
        }
        let l = l?;
        let extra = extra_days as u32;
        if lanes.len() == at.index.lanes.len() {
            let lane = &mut lanes[l.ix()];
            lane.lead_time += extra;
            lane.delays.push((at.di, extra));
        }
        Some((
            DisruptionKind::LaneDelay {
                lane: l,
                extra_days: extra,
            },
            format!(
                "lane_delay of {lane} by {}",
                plural(extra_days as f64, "day")
            ),
        ))
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
