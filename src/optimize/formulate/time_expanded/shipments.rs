//! Shipment columns per (order, line, source, lane, ship day), their costs, ship-complete
//! and source choices, and the dominated shipments left out (D1, D2).

use super::builder::Builder;
use crate::optimize::formulate::model::Meaning;
use crate::optimize::mip::Var;
use crate::scenario::domain::{Day, Forbid, Line, Order};
use crate::scenario::ids::*;
use std::collections::HashMap;

/// What every line of one order shares when its columns are listed.
pub(super) struct OrderContext {
    planned_at: HashMap<(SkuIx, NodeIx, Option<LaneIx>, Day), usize>,
    /// Most orders have no forbid entry: they skip the per-route test.
    may_forbid: bool,
    pub(super) routes: Vec<(NodeIx, Option<LaneIx>)>,
}

/// What one order's shipment columns gather for the rows after its lines: its columns per
/// source node, and the column that keeps each plan entry, if any.
struct OrderVars {
    by_source: HashMap<NodeIx, Vec<Var>>,
    plan_var: Vec<Option<Var>>,
}

/// A shipment column of an order line: where and when it leaves, its unit cost (shipping
/// and lateness), its upper bound and the plan entry it keeps, if any.
pub(super) struct LineColumn {
    pub(super) node: NodeIx,
    pub(super) lane: Option<LaneIx>,
    pub(super) day: Day,
    pub(super) cost: f64,
    pub(super) ub: f64,
    pub(super) planned: Option<usize>,
}

impl Builder<'_> {
    /// What the lines of `o` share when their columns are listed.
    pub(super) fn order_context(&self, o: &Order, order: OrderIx) -> OrderContext {
        OrderContext {
            planned_at: o
                .plan
                .iter()
                .enumerate()
                .map(|(i, e)| ((e.sku, e.node, e.lane, i64::from(e.ship)), i))
                .collect(),
            may_forbid: self
                .s
                .policy
                .forbid
                .iter()
                .any(|f| matches!(f, Forbid::Shipment { order: fo, .. } if *fo == order)),
            routes: self.routes_into[o.destination.ix()].clone(),
        }
    }

    /// The shipment columns of line `k` (of `quantity` units) of `o`: every route into its
    /// destination and ship day that is open, allowed, and not pruned by P4, D1, D2 or S2.
    /// The same list for an order the model decides and for one it holds.
    pub(super) fn line_columns(
        &self,
        o: &Order,
        order: OrderIx,
        k: SkuIx,
        quantity: f64,
        ctx: &OrderContext,
        held: bool,
    ) -> Vec<LineColumn> {
        let s = self.s;
        let change_pen = s.policy.change_penalty_per_unit;
        // Whether the order may ship line k from n on `lane` at all (forbid).
        let allowed = |n: NodeIx, lane: Option<LaneIx>| {
            !ctx.may_forbid || !s.shipment_forbidden(order, k, n, lane)
        };
        let mut out = Vec::new();
        for &(n, lane) in &ctx.routes {
            // A held order's columns are the whole model's: at pairs the restricted model
            // left out too (`whole_pairs`).
            let pair =
                self.balance.contains_key(&(n, k)) || (held && self.whole_pairs.contains(&(n, k)));
            if !pair || !allowed(n, lane) {
                continue;
            }
            for t in 0..self.h as Day {
                if !s.node(n).is_open(t) || lane.is_some_and(|l| !s.lane(l).departs_on(t)) {
                    continue;
                }
                let cost = self.ship_cost(o, lane, t);
                let planned = ctx.planned_at.get(&(k, n, lane, t)).copied();
                // Pruning rule P4: for an order that may ship partly, a unit that costs at
                // least what leaving it short saves is never shipped.
                let saved =
                    o.short_penalty_per_unit + if planned.is_some() { change_pen } else { 0.0 };
                if o.allow_partial && cost >= saved {
                    continue;
                }
                if self.tight
                    && planned.is_none()
                    && self.dominated(o, &ctx.routes, n, lane, t, &allowed)
                {
                    continue;
                }
                let ub = self.flow_bound(n, lane, k, t as usize, quantity);
                if self.tight && ub <= 0.0 {
                    // Rule S2: zero in every feasible plan, so no column (a planned key
                    // without a column pays its change penalty as a constant).
                    continue;
                }
                out.push(LineColumn {
                    node: n,
                    lane,
                    day: t,
                    cost,
                    ub,
                    planned,
                });
            }
        }
        out
    }

    /// Each order's shipment columns and rows: the orders the model decides here; a held
    /// order's columns only when they are priced.
    pub(super) fn shipments(&mut self) {
        let s = self.s;
        for (oi, o) in s.orders.iter().enumerate() {
            if o.frozen {
                continue;
            }
            let order = OrderIx::new(oi);
            if let Some(at) = self.held_at[oi] {
                if self.opts.hold.as_ref().is_some_and(|h| h.priced) {
                    self.held_columns(o, order, at);
                }
                continue;
            }
            self.order_shipments(o, order);
        }
    }

    /// One decided order's complete column, its lines' shipment columns and line rows, then
    /// its change and source-limit rows.
    fn order_shipments(&mut self, o: &Order, order: OrderIx) {
        let ctx = self.order_context(o, order);
        let complete = (!o.allow_partial).then(|| {
            let id = o.id.clone();
            self.col(0.0, 1.0, true, Meaning::Complete(order), || {
                format!("complete[{id}]")
            })
        });
        let mut vars = OrderVars {
            by_source: HashMap::new(),
            plan_var: vec![None; o.plan.len()],
        };
        let total: f64 = o.lines.iter().map(|l| l.quantity).sum();
        for line in o.lines.iter().filter(|l| l.quantity > 0.0) {
            self.line_shipments(o, order, line, &ctx, complete, &mut vars);
        }
        self.changes(o, &vars.plan_var);
        self.source_limits(o, order, vars.by_source, total);
    }

    /// The shipment columns of `line` of `o` and its line row (with the order's `complete`
    /// column when it ships complete); the columns also go into `vars`.
    fn line_shipments(
        &mut self,
        o: &Order,
        order: OrderIx,
        line: &Line,
        ctx: &OrderContext,
        complete: Option<Var>,
        vars: &mut OrderVars,
    ) {
        let s = self.s;
        let k = line.sku;
        let mut xs: Vec<(Var, f64)> = Vec::new();
        for c in self.line_columns(o, order, k, line.quantity, ctx, false) {
            let x = self.shipment_column(o, order, k, &c);
            if let Some(p) = c.planned {
                vars.plan_var[p] = Some(x);
            }
            xs.push((x, 1.0));
            vars.by_source.entry(c.node).or_default().push(x);
            self.balance.get_mut(&(c.node, k)).expect("pair").0[c.day as usize].push((x, 1.0));
            self.node_out[c.node.ix() * self.h + c.day as usize].push(x);
            if let Some(l) = c.lane {
                self.lane_out[l.ix() * self.h + c.day as usize].push(x);
            }
        }
        self.mip.offset += o.short_penalty_per_unit * line.quantity;
        let name = || format!("line[{},{}]", o.id, s.sku(k).id);
        match complete {
            Some(w) => {
                xs.push((w, -line.quantity));
                self.row(0.0, 0.0, xs, name);
            }
            None if !xs.is_empty() => self.row(f64::NEG_INFINITY, line.quantity, xs, name),
            None => {}
        }
    }

    /// The column `x[order,sku,node,lane,day]` of `c` for SKU `k` of `o`, costed net of the
    /// short penalty it saves, with its upper bound recorded.
    fn shipment_column(&mut self, o: &Order, order: OrderIx, k: SkuIx, c: &LineColumn) -> Var {
        let s = self.s;
        let integer = self.integer_quantities();
        let (n, lane, t) = (c.node, c.lane, c.day);
        let meaning = Meaning::Shipment {
            order,
            sku: k,
            node: n,
            lane,
            day: t,
        };
        let x = self.col(
            c.cost - o.short_penalty_per_unit,
            c.ub,
            integer,
            meaning,
            || {
                format!(
                    "x[{},{},{},{},{t}]",
                    o.id,
                    s.sku(k).id,
                    s.node(n).id,
                    lane.map_or("local".to_owned(), |l| s.lane(l).id.0.clone())
                )
            },
        );
        self.ub.insert(x, c.ub);
        x
    }

    /// `change[p]` rows: planned units of `o` that do not ship exactly as planned (`plan_var`,
    /// the column that keeps each plan entry), or the penalty as a constant where none does.
    fn changes(&mut self, o: &Order, plan_var: &[Option<Var>]) {
        let change_pen = self.s.policy.change_penalty_per_unit;
        if change_pen > 0.0 {
            for (p, e) in o.plan.iter().enumerate() {
                match plan_var[p] {
                    None => self.mip.offset += change_pen * e.quantity,
                    Some(x) => {
                        let c = self.col(change_pen, e.quantity, false, Meaning::Aux, || {
                            format!("change[{},{p}]", o.id)
                        });
                        self.row(e.quantity, f64::INFINITY, vec![(x, 1.0), (c, 1.0)], || {
                            format!("change[{},{p}]", o.id)
                        });
                    }
                }
            }
        }
    }

    /// source_link and max_sources rows of `o`, only when its limit can bind: a use column
    /// per source node in `by_source` opening its columns for up to `total` units.
    fn source_limits(
        &mut self,
        o: &Order,
        order: OrderIx,
        by_source: HashMap<NodeIx, Vec<Var>>,
        total: f64,
    ) {
        let s = self.s;
        if let Some(m) = o.max_sources {
            if (m as usize) < by_source.len() {
                let mut uses = Vec::new();
                let mut sources: Vec<_> = by_source.into_iter().collect();
                sources.sort_by_key(|x| x.0);
                for (n, xs) in sources {
                    let u = self.col(0.0, 1.0, true, Meaning::Source { order, node: n }, || {
                        format!("use[{},{}]", o.id, s.node(n).id)
                    });
                    let mut entries: Vec<(Var, f64)> = xs.into_iter().map(|x| (x, 1.0)).collect();
                    entries.push((u, -total));
                    self.row(f64::NEG_INFINITY, 0.0, entries, || {
                        format!("source_link[{},{}]", o.id, s.node(n).id)
                    });
                    uses.push((u, 1.0));
                }
                self.row(f64::NEG_INFINITY, f64::from(m), uses, || {
                    format!("max_sources[{}]", o.id)
                });
            }
        }
    }

    /// Unit cost (transport + lateness) of a shipment of `o` on `lane` leaving on `t`.
    pub(super) fn ship_cost(&self, o: &Order, lane: Option<LaneIx>, t: Day) -> f64 {
        let (lead, unit) = lane.map_or((0, 0.0), |l| {
            (self.s.lane(l).lead_time, self.s.lane(l).cost_per_unit)
        });
        unit + (t + i64::from(lead) - o.due).max(0) as f64 * o.late_penalty_per_unit_day
    }

    /// Pruning rules D1 and D2 (`models/tight.md`), for an unplanned (route, day) of an
    /// order line: some optimal plan never uses it, because its units can move, at no
    /// extra cost and without breaking a row, to a column that is kept.
    /// - D2, later day: n has no ship capacity, the route is local or a free lane, and a
    ///   later day on the same route costs the same (both on time): shipping later only
    ///   leaves more stock at n in between.
    /// - D1, free parallel lane: another free lane from n to the destination departs the
    ///   same day at no higher unit cost (the cheapest such lane, ties to the lowest
    ///   index, is kept): same node, same day, same stock and node capacity.
    pub(super) fn dominated(
        &self,
        o: &Order,
        routes: &[(NodeIx, Option<LaneIx>)],
        n: NodeIx,
        lane: Option<LaneIx>,
        t: Day,
        allowed: &dyn Fn(NodeIx, Option<LaneIx>) -> bool,
    ) -> bool {
        let s = self.s;
        let cost = self.ship_cost(o, lane, t);
        if s.node(n).ship_capacity_per_day.is_none() && lane.is_none_or(|l| self.free_lane(l)) {
            // Lateness only grows with the day, so the next open day is the one to try.
            let next = (t + 1..self.h as Day)
                .find(|&t2| s.node(n).is_open(t2) && lane.is_none_or(|l| s.lane(l).departs_on(t2)));
            if next.is_some_and(|t2| self.ship_cost(o, lane, t2) <= cost) {
                return true;
            }
        }
        let Some(b) = lane else {
            return false;
        };
        if !s.node(n).is_open(t) {
            return false;
        }
        let best = routes
            .iter()
            .filter_map(|&(m, a)| a.filter(|_| m == n))
            .filter(|&a| self.free_lane(a) && s.lane(a).departs_on(t) && allowed(n, Some(a)))
            .map(|a| (self.ship_cost(o, Some(a), t), a))
            .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        best.is_some_and(|(c, a)| a != b && c <= cost)
    }
}
