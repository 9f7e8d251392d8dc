//! From a proposed plan to ranked, approvable responses (SCENARIO.md section 5).
//!
//! 1. `units`: the difference between the baseline and the proposed plan, cut into units
//!    that are never split (an order's changes, a transfer key, an expedited receipt).
//! 2. `construct`: responses are built one at a time. For every remaining unit, its
//!    closure is the unit plus the fewest remaining units that make it feasible on top of
//!    the responses already built (a donor that frees the stock, the transfer that brings
//!    it, the expedite that pulls it in); the closure that protects the fewest at-risk
//!    orders and saves the most becomes the next response. Only closures that the chosen
//!    one can change (it consumed one of their units, or changed a resource they read by
//!    more than they can absorb) are recomputed; `watch` finds them.
//! 3. `requires`: a response requires the earlier ones that give what it takes (stock,
//!    node or lane capacity; past 64 givers on one resource, the latest earlier taker
//!    stands for those before it) and the latest earlier one sharing a strict resource (a
//!    fixed-charged lane-day, a resource the baseline breaks), which requires the one
//!    before it, and so on. A closed approval set is
//!    then, resource by resource, at least as good as a prefix of the construction, which
//!    the checker verified, and every cost term adds up (proof: `models/responses.md`).
//! 4. `verify`: the checker evaluates every prefix (in parallel; past a budget, evenly
//!    spaced ones and the last): its numbers are the net benefits, and a prefix it rejects,
//!    or a cost that differs from the construction's prediction, is a bug.
//! 5. `actions` and `explain`: what each response does, who approves it, and why; why
//!    each at-risk order left late or short could not be helped.
//!
//! Steps 1-3 are [`build`], 4-5 [`finish`]. Between them, [`Built::unneeded`] finds the
//! responses a plan is better without: those the construction predicts to raise the cost
//! on their own and that no other response requires; `propose` takes them out of a
//! solver's plan ([`Built::leave_out`]) before the checker and the texts run.
//!
//! `deltas` holds what a response changes, as the plan entries it removes and adds, and the
//! base those changes apply to (the checker's prefixes here, `recourse apply`'s approvals).

mod actions;
mod construct;
mod deltas;
mod explain;
mod ledger;
mod requires;
mod response;
pub mod units;
mod unneeded;
mod verify;
mod watch;
mod wording;

pub use deltas::apply_deltas;
pub use response::{
    response_id, Action, ActionKind, Inputs, Owner, RespondError, RespondSeconds, Response,
    Responses, Unresolved,
};
pub use unneeded::unneeded;

use crate::check::{CostBreakdown, Evaluation};
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use construct::construct;
use deltas::delta;
use rayon::prelude::*;
use requires::LISTED_GIVERS;
use units::{PlanMaps, Unit, UnitKind};
use verify::{verify, Checking, CHECK_BUDGET};

/// Builds the ranked responses that turn `baseline` into `plan`, and explains the at-risk
/// orders that `plan` still leaves late or short.
pub fn respond(s: &Scenario, x: &Inputs<'_>) -> Result<Responses, RespondError> {
    respond_with(s, x, Budget::default())
}

/// How far the construction goes before it economises; `respond` uses the defaults, and
/// tests lower them to reach the sampled check and the chained requirements on small
/// scenarios.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Plan entries the checker may evaluate over all prefixes (`CHECK_BUDGET`).
    pub check_entries: usize,
    /// Earlier givers a taker names on one resource; past it, the latest earlier taker
    /// stands for those before it (`LISTED_GIVERS`).
    pub listed_givers: usize,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            check_entries: CHECK_BUDGET,
            listed_givers: LISTED_GIVERS,
        }
    }
}

/// [`respond`] within another [`Budget`].
pub fn respond_with(
    s: &Scenario,
    x: &Inputs<'_>,
    budget: Budget,
) -> Result<Responses, RespondError> {
    finish(s, build(s, x, budget), x, budget)
}

/// The responses as the construction built them, before the checker and the texts: what
/// each one changes, what it requires, and what the construction predicts it saves.
pub struct Built {
    units: Vec<Unit>,
    groups: Vec<construct::Group>,
    /// Each group's delta against the plan before it, as the document states it.
    deltas: Vec<(Plan, Plan)>,
    requirements: Vec<Vec<usize>>,
    /// The baseline merged per key, which `finish` reads again (the baseline does not
    /// change between the two; the plan may, by `leave_out`).
    base_maps: PlanMaps,
    /// Seconds spent building.
    seconds: f64,
}

/// Steps 1 to 3: the units of the difference between `x.baseline` and `x.plan`, the
/// responses built from them and what each requires.
pub fn build(s: &Scenario, x: &Inputs<'_>, budget: Budget) -> Built {
    let clock = std::time::Instant::now();
    let (bm, pm) = rayon::join(|| PlanMaps::of(x.baseline), || PlanMaps::of(x.plan));
    let units = units::diff(s, x.baseline, x.plan, &bm, &pm);
    let after: Vec<bool> = x.plan_eval.orders.iter().map(|o| o.at_risk()).collect();
    let (groups, broken) = construct(s, x.baseline, &units, x.at_risk, &after);
    // Each delta reads its own group; the requirements read the groups: side by side.
    let (deltas, requirements) = rayon::join(
        || {
            groups
                .par_iter()
                .map(|g| delta(g.units.iter().map(|&u| &units[u])))
                .collect()
        },
        || requires::requirements(s, &units, &groups, &broken, budget.listed_givers),
    );
    Built {
        units,
        groups,
        deltas,
        requirements,
        base_maps: bm,
        seconds: clock.elapsed().as_secs_f64(),
    }
}

impl Built {
    /// The responses, ascending, that the construction predicts to raise the cost on their
    /// own and that no response left requires ([`unneeded()`]).
    pub fn unneeded(&self) -> Vec<usize> {
        let view: Vec<unneeded::Costly<'_>> = self
            .groups
            .iter()
            .zip(&self.requirements)
            .map(|(g, requires)| unneeded::Costly {
                net_benefit: -g.cost_delta,
                requires,
                repairs_baseline: g.repairs_baseline,
            })
            .collect();
        unneeded::unneeded_of(&view)
    }

    /// `baseline` with every response's delta but those in `left_out` (ascending).
    pub fn plan_without(&self, baseline: &Plan, left_out: &[usize]) -> Plan {
        unneeded::plan_without(baseline, &self.deltas, left_out)
    }

    /// Takes out the responses in `left_out` (ascending), which no response left requires.
    /// The others keep their order and what they require: every prefix of them is a closed
    /// approval set of the responses as built, so its plan keeps every rule and its cost
    /// is the baseline's less their predicted savings (`models/responses.md`); the checker
    /// verifies it as it verifies any construction.
    pub fn leave_out(&mut self, left_out: &[usize]) {
        let n = self.groups.len();
        let mut new_ix: Vec<Option<usize>> = vec![None; n];
        let mut next = 0;
        for (k, ix) in new_ix.iter_mut().enumerate() {
            if left_out.binary_search(&k).is_err() {
                *ix = Some(next);
                next += 1;
            }
        }
        kept(&mut self.groups, &new_ix);
        kept(&mut self.deltas, &new_ix);
        kept(&mut self.requirements, &new_ix);
        for req in &mut self.requirements {
            *req = req
                .iter()
                .map(|j| new_ix[*j].expect("a response left requires only responses left"))
                .collect();
        }
    }
}

/// The items of `v` whose index `new_ix` keeps.
fn kept<T>(v: &mut Vec<T>, new_ix: &[Option<usize>]) {
    *v = std::mem::take(v)
        .into_iter()
        .zip(new_ix)
        .filter_map(|(item, ix)| ix.map(|_| item))
        .collect();
}

/// Steps 4 and 5 for the responses `built` for `x.baseline` and a plan whose difference
/// from it `x.plan` now is (the plan they were built for, or it without the responses
/// [`Built::leave_out`] took out): each response assembled from its group, in rank order.
pub fn finish(
    s: &Scenario,
    built: Built,
    x: &Inputs<'_>,
    budget: Budget,
) -> Result<Responses, RespondError> {
    let clock = std::time::Instant::now();
    let Built {
        units,
        groups,
        deltas,
        requirements,
        base_maps: bm,
        seconds: construct_seconds,
    } = built;
    let after: Vec<bool> = x.plan_eval.orders.iter().map(|o| o.at_risk()).collect();
    // The checker reads the deltas, the texts the merged plan: side by side.
    let (verified, pm) = rayon::join(
        || {
            verify(
                s,
                x.baseline,
                x.baseline_eval.cost,
                &units,
                &groups,
                &deltas,
                Checking {
                    entries: budget.check_entries,
                    until: x.check_until,
                },
            )
        },
        || PlanMaps::of(x.plan),
    );
    let (costs, checked_prefixes) = verified?;
    let check_seconds = clock.elapsed().as_secs_f64();
    let want = x.plan_eval.cost.total;
    let got = costs.last().map_or(x.baseline_eval.cost.total, |c| c.total);
    if (got - want).abs() > 1e-6 * want.abs().max(1.0) {
        return Err(RespondError::TotalMismatch { got, want });
    }
    let required_by = required_by(&requirements);
    let assembly = Assembly {
        s,
        x,
        units: &units,
        after: &after,
        bm: &bm,
        pm: &pm,
        costs: &costs,
        required_by: &required_by,
    };
    // The rest of each response reads only its own group: built side by side.
    let (responses, unresolved) = rayon::join(
        || {
            groups
                .par_iter()
                .zip(requirements)
                .zip(deltas)
                .enumerate()
                .map(|(k, ((g, requires), delta))| assembly.response(k, g, requires, delta))
                .collect::<Vec<Response>>()
        },
        || explain::unresolved(s, x, &after, &pm.shipments),
    );
    Ok(Responses {
        responses,
        unresolved,
        checked_prefixes,
        seconds: RespondSeconds {
            construct: construct_seconds,
            check: check_seconds,
            explain: clock.elapsed().as_secs_f64() - check_seconds,
        },
    })
}

/// The later responses that name each one among what they require, in rank order.
fn required_by(requirements: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut required_by: Vec<Vec<usize>> = vec![Vec::new(); requirements.len()];
    for (k, req) in requirements.iter().enumerate() {
        for &j in req {
            required_by[j].push(k);
        }
    }
    required_by
}

/// What assembling a response reads besides its own group, the same for every response.
struct Assembly<'a> {
    s: &'a Scenario,
    x: &'a Inputs<'a>,
    units: &'a [Unit],
    /// At risk under the plan, per order.
    after: &'a [bool],
    bm: &'a PlanMaps,
    pm: &'a PlanMaps,
    /// The checked cost of each prefix of the responses.
    costs: &'a [CostBreakdown],
    required_by: &'a [Vec<usize>],
}

impl Assembly<'_> {
    /// Order `o`'s penalty under the evaluation `e`.
    fn pens(&self, e: &Evaluation, o: OrderIx) -> f64 {
        explain::penalty(self.s, o, &e.orders[o.ix()])
    }

    /// Response `k`, from its group `g`, what it requires and its delta (`remove`, `add`):
    /// its net benefit, costs, orders, actions and explanation.
    fn response(
        &self,
        k: usize,
        g: &construct::Group,
        requires: Vec<usize>,
        (remove, add): (Plan, Plan),
    ) -> Response {
        let (s, x, units) = (self.s, self.x, self.units);
        let before = if k == 0 {
            x.baseline_eval.cost
        } else {
            self.costs[k - 1]
        };
        let now = self.costs[k];
        let net = before.total - now.total;
        let orders: Vec<OrderIx> = g
            .units
            .iter()
            .filter_map(|u| match units[*u].kind {
                UnitKind::Order(o) => Some(o),
                _ => None,
            })
            .collect();
        let d = now - before;
        let running = d.transport + d.fixed + d.expedite + d.change;
        let mut cost = running;
        for &o in &orders {
            cost += (self.pens(x.plan_eval, o) - self.pens(x.baseline_eval, o)).max(0.0);
        }
        let protects: Vec<OrderIx> = orders
            .iter()
            .copied()
            .filter(|o| x.at_risk[o.ix()] && !self.after[o.ix()])
            .collect();
        let helps: Vec<OrderIx> = orders
            .iter()
            .copied()
            .filter(|o| x.at_risk[o.ix()] && self.after[o.ix()])
            .filter(|&o| self.pens(x.plan_eval, o) < self.pens(x.baseline_eval, o) - 1e-9)
            .collect();
        let donors = self.donors(g, &protects, &helps);
        let members: Vec<&Unit> = g.units.iter().map(|u| &units[*u]).collect();
        let actions =
            actions::classify(s, &self.bm.shipments, &self.pm.shipments, &members, &donors);
        let mut r = Response {
            requires,
            net_benefit: net,
            cost,
            running,
            protects,
            helps,
            donors,
            actions,
            explanation: String::new(),
            remove,
            add,
            repairs_baseline: g.repairs_baseline,
        };
        r.explanation = explain::response(s, &r, &self.required_by[k], x);
        r
    }

    /// The orders of `g` that neither gain protection nor help (not in `protects` or
    /// `helps`) and pay for the response.
    fn donors(
        &self,
        g: &construct::Group,
        protects: &[OrderIx],
        helps: &[OrderIx],
    ) -> Vec<OrderIx> {
        let (x, units) = (self.x, self.units);
        // Orders that neither gain protection nor help, and pay for the response: their
        // own cost rises, or their penalty does (a cheaper lane that arrives later).
        g.units
            .iter()
            .filter_map(|&u| match units[u].kind {
                UnitKind::Order(o)
                    if units[u].own_cost > 1e-9
                        || self.pens(x.plan_eval, o) > self.pens(x.baseline_eval, o) + 1e-9 =>
                {
                    Some(o)
                }
                _ => None,
            })
            .filter(|o| !protects.contains(o) && !helps.contains(o))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(cost_delta: f64) -> construct::Group {
        construct::Group {
            units: Vec::new(),
            cost_delta,
            fixed_delta: 0.0,
            repairs_baseline: false,
        }
    }

    #[test]
    fn the_responses_left_out_go_and_the_others_name_their_requirements_anew() {
        // R2 raises the cost and nothing requires it; R4 requires R3, which becomes R2.
        let mut built = Built {
            units: Vec::new(),
            groups: [-5.0, 1.0, -3.0, -4.0].map(group).into(),
            deltas: vec![(Plan::default(), Plan::default()); 4],
            requirements: vec![vec![], vec![0], vec![0], vec![0, 2]],
            base_maps: PlanMaps::of(&Plan::default()),
            seconds: 0.0,
        };
        let out = built.unneeded();
        assert_eq!(out, [1]);
        built.leave_out(&out);
        let left: Vec<f64> = built.groups.iter().map(|g| g.cost_delta).collect();
        assert_eq!(left, [-5.0, -3.0, -4.0]);
        assert_eq!(built.requirements, [vec![], vec![0], vec![0, 1]]);
        assert_eq!(built.deltas.len(), 3);
    }
}
