//! Transfer columns, per (transfer lane, SKU, day).

use super::builder::Builder;
use crate::optimize::formulate::hold::Outside;
use crate::optimize::formulate::model::Meaning;
use crate::scenario::domain::Day;
use crate::scenario::ids::*;

impl Builder<'_> {
    pub(super) fn transfers(&mut self) {
        let s = self.s;
        let reach = self.reachable_demand();
        let supply = self.total_supply();
        let h = self.h as i64;
        let integer = self.integer_quantities();
        let skus_at = self.skus_at();
        for (li, lane) in s.lanes.iter().enumerate() {
            let l = LaneIx::new(li);
            if !lane.carries_transfers {
                continue;
            }
            // With a hold, a transfer the whole model has between pairs the restricted one
            // lacks is listed for pricing instead (`outside`).
            let skus: Vec<(SkuIx, bool)> = skus_at[lane.from.ix()]
                .iter()
                .copied()
                .filter_map(|k| {
                    let inside = self.balance.contains_key(&(lane.from, k))
                        && self.balance.contains_key(&(lane.to, k))
                        && !self.origins.contains(&(lane.to, k));
                    let whole = self.whole_pairs.contains(&(lane.from, k))
                        && self.whole_pairs.contains(&(lane.to, k));
                    (inside || whole).then_some((k, inside))
                })
                .collect();
            for (k, inside) in skus {
                if s.transfer_forbidden(l, k) {
                    continue;
                }
                // Bound B1: a transfer moves no more than exists (all stock and receipts) nor
                // more than the sinks reachable from where it lands can absorb: some optimal
                // plan has every transfer within both (models/time-expanded.md).
                let ub = supply[k.ix()].min(reach.demand(lane.to, k));
                for t in 0..h {
                    // Pruning rule P3: a transfer that would arrive after the horizon
                    // moves stock out of reach and only costs money.
                    let arrival = t + i64::from(lane.lead_time);
                    if arrival >= h || !lane.departs_on(t) || !s.node(lane.from).is_open(t) {
                        continue;
                    }
                    let ub = self.flow_bound(lane.from, Some(l), k, t as usize, ub);
                    if self.tight && ub <= 0.0 {
                        // Rule S2 leaves nothing to move: no column.
                        continue;
                    }
                    if !inside {
                        self.leave_out(l, k, t, ub);
                        continue;
                    }
                    let (lid, kid) = (lane.id.clone(), s.sku(k).id.clone());
                    let y = self.col(
                        lane.cost_per_unit,
                        ub,
                        integer,
                        Meaning::Transfer {
                            lane: l,
                            sku: k,
                            day: t,
                        },
                        || format!("y[{lid},{kid},{t}]"),
                    );
                    self.ub.insert(y, ub);
                    self.balance.get_mut(&(lane.from, k)).expect("pair").0[t as usize]
                        .push((y, 1.0));
                    self.balance.get_mut(&(lane.to, k)).expect("pair").0[arrival as usize]
                        .push((y, -1.0));
                    self.node_out[lane.from.ix() * self.h + t as usize].push(y);
                    self.lane_out[li * self.h + t as usize].push(y);
                }
            }
        }
    }

    /// Per node: the SKUs a transfer from it could move (a pair there, in the model or the
    /// whole model), in order, so that columns come in the same order on every run.
    fn skus_at(&self) -> Vec<Vec<SkuIx>> {
        let mut skus_at: Vec<Vec<SkuIx>> = vec![Vec::new(); self.s.nodes.len()];
        for &(n, k) in self.balance.keys().chain(&self.whole_pairs) {
            skus_at[n.ix()].push(k);
        }
        for v in &mut skus_at {
            v.sort();
            v.dedup();
        }
        skus_at
    }

    /// A transfer of the whole model that the restricted one leaves out: listed for
    /// pricing, its bound counted in the lane-day's big-M.
    fn leave_out(&mut self, l: LaneIx, k: SkuIx, t: Day, ub: f64) {
        let lane = self.s.lane(l);
        self.held_carry[l.ix() * self.h + t as usize] += ub;
        let held = self.held.as_mut().expect("only a hold leaves pairs out");
        held.outside.push(Outside {
            lane: l,
            from: lane.from,
            to: lane.to,
            sku: k,
            day: t,
            arrival: t + i64::from(lane.lead_time),
            cost: lane.cost_per_unit,
            ub,
        });
    }
}
