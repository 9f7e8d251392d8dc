//! Node and lane capacities per day, and lane-day fixed charges.

use super::builder::Builder;
use crate::optimize::formulate::model::Meaning;
use crate::optimize::mip::Var;
use crate::scenario::domain::Day;
use crate::scenario::ids::*;

impl Builder<'_> {
    /// node_cap rows.
    pub(super) fn node_capacities(&mut self) {
        let s = self.s;
        let h = self.h;
        for (n, node) in s.nodes.iter().enumerate() {
            let Some(cap) = node.ship_capacity_per_day else {
                continue;
            };
            for t in 0..h {
                let i = n * h + t;
                let fixed = self.frozen_node[i] + self.held_node[i];
                // With no free flow the row is `0 <= capacity left`: it only matters (as an
                // infeasibility) when frozen shipments alone overfill the day.
                if self.node_out[i].is_empty() && fixed <= cap + 1e-9 {
                    continue;
                }
                let entries = self.node_out[i]
                    .iter()
                    .map(|&v| (v, 1.0))
                    .chain(self.recalled(&self.recalled_node, i))
                    .collect();
                let left = cap - fixed;
                if let Some(held) = self.held.as_mut() {
                    held.node_cap_row[i] = self.mip.num_rows() as u32;
                }
                self.row(f64::NEG_INFINITY, left, entries, || {
                    format!("node_cap[{},{t}]", node.id)
                });
            }
        }
    }

    /// fixed_link (with the charge's column) and lane_cap rows, per lane-day.
    pub(super) fn lane_days(&mut self) {
        let s = self.s;
        let h = self.h;
        for (l, lane) in s.lanes.iter().enumerate() {
            for t in 0..h {
                let i = l * h + t;
                let held = self.held_lane[i];
                let overfull = lane
                    .capacity_per_day
                    .is_some_and(|c| self.frozen_lane[i] + held > c + 1e-9);
                if self.lane_out[i].is_empty() && held <= 0.0 && !overfull {
                    continue;
                }
                // Capacity left by frozen shipments: what the whole model's big-M reads.
                let left = lane.capacity_per_day.map(|c| c - self.frozen_lane[i]);
                let charged = (!self.lane_out[i].is_empty() || held > 0.0)
                    && lane.fixed_cost_per_day > 0.0
                    && !self.frozen_charged.contains(&(LaneIx::new(l), t as Day));
                if charged {
                    self.fixed_link(LaneIx::new(l), t, left);
                }
                if let Some(left) = left {
                    self.lane_cap(LaneIx::new(l), t, left);
                }
            }
        }
    }

    /// The charge's column of lane `l` on day `t`, its fixed_link row and, with
    /// `strong_linking`, its strong_link rows; `left` is the capacity frozen shipments leave.
    fn fixed_link(&mut self, l: LaneIx, t: usize, left: Option<f64>) {
        let s = self.s;
        let lane = s.lane(l);
        let i = l.ix() * self.h + t;
        let held = self.held_lane[i];
        let m = self.link_m(l, t, left);
        let lid = lane.id.clone();
        let charge = Meaning::Charge {
            lane: l,
            day: t as Day,
        };
        let z = self.col(lane.fixed_cost_per_day, 1.0, true, charge, || {
            format!("open[{lid},{t}]")
        });
        let mut entries: Vec<(Var, f64)> = self.lane_out[i]
            .iter()
            .map(|&v| (v, 1.0))
            .chain(self.recalled(&self.recalled_lane, i))
            .collect();
        entries.push((z, -m));
        if let Some(h) = self.held.as_mut() {
            h.link_row[i] = self.mip.num_rows() as u32;
        }
        self.row(f64::NEG_INFINITY, -held, entries, || {
            format!("fixed_link[{},{t}]", lane.id)
        });
        if self.opts.strong_linking {
            self.strong_links(l, t, z, m);
        }
    }

    /// The big-M of lane `l`'s fixed_link row on day `t`: the least of the capacity `left`
    /// and what the flows can carry, and never below the held units.
    fn link_m(&self, l: LaneIx, t: usize, left: Option<f64>) -> f64 {
        let s = self.s;
        let h = self.h;
        let lane = s.lane(l);
        let i = l.ix() * h + t;
        let (held, held_carry) = (self.held_lane[i], self.held_carry[i]);
        // fixed_link: flows on the lane-day are zero unless the charge is paid;
        // M is the least of the capacity left and what the flows can carry
        // (held orders' columns included: the whole model's M). Held units
        // stand on the right-hand side.
        // Unpriced, the held units themselves stand for the held columns.
        let unpriced = self.opts.hold.as_ref().is_some_and(|h| !h.priced);
        let carry: f64 = self.lane_out[i].iter().map(|v| self.ub[v]).sum::<f64>()
            + if unpriced { held } else { held_carry };
        let mut m = left.map_or(carry, |c| c.min(carry)).max(0.0);
        if self.tight {
            // Bound S2 for the whole lane-day: everything on it leaves from(l)
            // that day, so it also fits in that node's capacity left.
            if let Some(c) = s.node(lane.from).ship_capacity_per_day {
                let from_left = c - self.frozen_node[lane.from.ix() * h + t];
                m = m.min(from_left.max(0.0));
            }
        }
        // A held shipment the whole model prunes (P4 on a planned route) is
        // not in `carry`; M must still let the charge open for it. A larger M
        // only lowers the charge's reduced cost, so the Lagrangian through
        // this model stays a lower bound on the whole one (`models/scope.md`).
        m.max(held)
    }

    /// strong_link rows of lane `l` on day `t`: each flow alone is at most its own bound (or
    /// `m`) times the charge `z`, which tightens the LP relaxation.
    fn strong_links(&mut self, l: LaneIx, t: usize, z: Var, m: f64) {
        let lane = self.s.lane(l);
        let i = l.ix() * self.h + t;
        for j in 0..self.lane_out[i].len() {
            let v = self.lane_out[i][j];
            let bound = self.ub[&v].min(m);
            self.row(f64::NEG_INFINITY, 0.0, vec![(v, 1.0), (z, -bound)], || {
                format!("strong_link[{},{t},{j}]", lane.id)
            });
        }
    }

    /// The lane_cap row of lane `l` on day `t`: its flows within the capacity `left` by
    /// frozen shipments, less the held units.
    fn lane_cap(&mut self, l: LaneIx, t: usize, left: f64) {
        let lane = self.s.lane(l);
        let i = l.ix() * self.h + t;
        let held = self.held_lane[i];
        let entries = self.lane_out[i]
            .iter()
            .map(|&v| (v, 1.0))
            .chain(self.recalled(&self.recalled_lane, i))
            .collect();
        if let Some(h) = self.held.as_mut() {
            h.lane_cap_row[i] = self.mip.num_rows() as u32;
        }
        self.row(f64::NEG_INFINITY, left - held, entries, || {
            format!("lane_cap[{},{t}]", lane.id)
        });
    }

    /// A lane with no capacity limit and no fixed charge: moving units onto it binds nothing.
    pub(super) fn free_lane(&self, l: LaneIx) -> bool {
        let lane = self.s.lane(l);
        lane.capacity_per_day.is_none() && lane.fixed_cost_per_day == 0.0
    }
}
