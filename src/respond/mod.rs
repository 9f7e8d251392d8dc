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
//! `unneeded` finds the responses a plan is better without: those that raise the cost on
//! their own and that no other response requires.
//!
//! `deltas` holds what a response changes, as the plan entries it removes and adds, and the
//! base those changes apply to (the checker's prefixes here, `recourse apply`'s approvals).

mod actions;
mod construct;
mod deltas;
mod explain;
mod ledger;
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
pub use unneeded::{plan_without, unneeded};

use crate::check::Evaluation;
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use crate::scenario::ids::*;
use construct::{construct, signs, Sign};
use deltas::delta;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;
use units::{PlanMaps, Resource, Unit, UnitKind};
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

/// A taker names at most this many earlier givers on one resource: medium's and large's
/// lists stay as they are (at most 220 names in all on large seed 1), while 1,000,000
/// orders gave a median of 1,084 names a response (a 4.2 GB document) when every giver
/// was named.
const LISTED_GIVERS: usize = 64;

/// [`respond`] within another [`Budget`].
///
/// Long because it assembles each response from the construction's groups (deltas, costs,
/// requirements, explanations) in the document's order.
pub fn respond_with(
    s: &Scenario,
    x: &Inputs<'_>,
    budget: Budget,
) -> Result<Responses, RespondError> {
    let clock = std::time::Instant::now();
    let (bm, pm) = (PlanMaps::of(x.baseline), PlanMaps::of(x.plan));
    let units = units::diff(s, x.baseline, x.plan, &bm, &pm);
    let after: Vec<bool> = x.plan_eval.orders.iter().map(|o| o.at_risk()).collect();
    let (groups, broken) = construct(s, x.baseline, &units, x.at_risk, &after);
    // Each response's delta against the plan before it, as the document states it.
    let deltas: Vec<(Plan, Plan)> = groups
        .iter()
        .map(|g| delta(g.units.iter().map(|&u| &units[u])))
        .collect();
    let construct_seconds = clock.elapsed().as_secs_f64();
    let (costs, checked_prefixes) = verify(
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
    )?;
    let check_seconds = clock.elapsed().as_secs_f64() - construct_seconds;
    let want = x.plan_eval.cost.total;
    let got = costs.last().map_or(x.baseline_eval.cost.total, |c| c.total);
    if (got - want).abs() > 1e-6 * want.abs().max(1.0) {
        return Err(RespondError::TotalMismatch { got, want });
    }

    // What each response requires depends on those before it: in rank order.
    let mut by_resource: HashMap<Resource, Users> = HashMap::default();
    let strict = |r: &Resource| match *r {
        Resource::Order(_) => true,
        Resource::LaneDay(l, _) => s.lane(l).fixed_cost_per_day > 0.0,
        Resource::Stock(..) | Resource::NodeDay(..) => broken.contains(r),
    };
    let requirements: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let mut requires: BTreeSet<usize> = BTreeSet::new();
            if !g.repairs_baseline && groups[0].repairs_baseline {
                requires.insert(0);
            }
            for (r, sign) in signs(&units, &g.units, 1e-9) {
                let seen = by_resource.entry(r).or_default();
                if strict(&r) {
                    // The latest earlier response on a strict resource requires the one
                    // before it, and so on: naming it alone gives the same closed sets as
                    // naming all of them, in a list that does not grow with the resource's
                    // users.
                    requires.extend(seen.list.last().map(|(j, _)| *j));
                } else if sign.takes {
                    seen.givers_for_taker(budget.listed_givers, &mut requires);
                }
                seen.push(k, sign);
            }
            requires.remove(&k);
            requires.into_iter().collect()
        })
        .collect();
    drop(by_resource);
    // The later responses that name each one among what they require, in rank order.
    let mut required_by: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
    for (k, req) in requirements.iter().enumerate() {
        for &j in req {
            required_by[j].push(k);
        }
    }
    // The rest of each response reads only its own group: built side by side.
    let pens = |e: &Evaluation, o: OrderIx| explain::penalty(s, o, &e.orders[o.ix()]);
    let responses: Vec<Response> = groups
        .par_iter()
        .zip(requirements)
        .zip(deltas)
        .enumerate()
        .map(|(k, ((g, requires), (remove, add)))| {
            let before = if k == 0 {
                x.baseline_eval.cost
            } else {
                costs[k - 1]
            };
            let now = costs[k];
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
                cost += (pens(x.plan_eval, o) - pens(x.baseline_eval, o)).max(0.0);
            }
            let protects: Vec<OrderIx> = orders
                .iter()
                .copied()
                .filter(|o| x.at_risk[o.ix()] && !after[o.ix()])
                .collect();
            let helps: Vec<OrderIx> = orders
                .iter()
                .copied()
                .filter(|o| x.at_risk[o.ix()] && after[o.ix()])
                .filter(|&o| pens(x.plan_eval, o) < pens(x.baseline_eval, o) - 1e-9)
                .collect();
            // Orders that neither gain protection nor help, and pay for the response: their
            // own cost rises, or their penalty does (a cheaper lane that arrives later).
            let donors: Vec<OrderIx> = g
                .units
                .iter()
                .filter_map(|&u| match units[u].kind {
                    UnitKind::Order(o)
                        if units[u].own_cost > 1e-9
                            || pens(x.plan_eval, o) > pens(x.baseline_eval, o) + 1e-9 =>
                    {
                        Some(o)
                    }
                    _ => None,
                })
                .filter(|o| !protects.contains(o) && !helps.contains(o))
                .collect();
            let members: Vec<&Unit> = g.units.iter().map(|u| &units[*u]).collect();
            let actions = actions::classify(s, &bm.shipments, &pm.shipments, &members, &donors);
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
            r.explanation = explain::response(s, &r, &required_by[k], x);
            r
        })
        .collect();
    let unresolved = explain::unresolved(s, x, &after, &pm.shipments);
    let total = clock.elapsed().as_secs_f64();
    Ok(Responses {
        responses,
        unresolved,
        checked_prefixes,
        seconds: RespondSeconds {
            construct: construct_seconds,
            check: check_seconds,
            explain: total - construct_seconds - check_seconds,
        },
    })
}

/// The responses so far that touch one resource, in rank order.
#[derive(Default)]
struct Users {
    list: Vec<(usize, Sign)>,
    givers: usize,
    /// Position in `list` of the latest taker.
    last_taker: Option<usize>,
}

impl Users {
    fn push(&mut self, k: usize, sign: Sign) {
        if sign.gives {
            self.givers += 1;
        }
        if sign.takes {
            self.last_taker = Some(self.list.len());
        }
        self.list.push((k, sign));
    }

    /// What a new taker requires on a resource that is not strict: every earlier giver.
    /// Past `listed` of them, the latest earlier taker stands for the givers before it (it
    /// required them, or a taker that did), and only the givers after it are named: the
    /// taker is then approved with that one too, a closed set still holds every earlier
    /// giver, and the list no longer grows with the resource's users.
    fn givers_for_taker(&self, listed: usize, requires: &mut BTreeSet<usize>) {
        let from = match self.last_taker {
            Some(t) if self.givers > listed => {
                requires.insert(self.list[t].0);
                t + 1
            }
            _ => 0,
        };
        requires.extend(
            self.list[from..]
                .iter()
                .filter(|(_, x)| x.gives)
                .map(|(j, _)| *j),
        );
    }
}
