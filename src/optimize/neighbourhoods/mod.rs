//! Improving a plan one neighbourhood at a time, where the whole model cannot be built, or
//! its LP not got far enough, in the time limit (`models/neighbourhoods.md`).
//!
//! Start from a checked plan `P` (the priority rules'). A neighbourhood is a group of the
//! orders `P` leaves late or short. Its model is the restricted model of the worker's warm
//! solve (`models/scope.md`): every other order held at its shipments in `P`, with `P`'s
//! transfers and expedites, and every yes/no decision fixed at `P`'s (lane-day charges,
//! ship-complete switches, sources, expedites), which leaves an LP: the group's quantities
//! and any transfer on a lane-day `P` already pays for, within `HOPS` lanes of the
//! group's sources, re-optimised around the rest of `P`. `P`'s transfers between pairs
//! with a balance per day can be taken back (`Meaning::Recall`). The switches of the
//! group's ship-complete orders that `P` ships nothing of, the expedites `P` does not
//! take, and the source choices of the group's late or short orders are the exception to
//! the fixing: they are LP columns, made whole by a dive (`Dive`), and so are the charges
//! `P` pays in the groups of on-time orders that charged transfers feed or charged lanes
//! carry (`fed_groups`), re-priced by their use (slope scaling, `Dive::scale`) before they
//! are fixed.
//! `P`'s part is one of its points whenever the model has `P`'s columns, so the first LP's
//! optimum costs no more than `P`; the decoded plan goes through the checker and replaces
//! `P` when it is cheaper. Groups go in order of what their orders cost in `P`, round after
//! round; once a round lowers the cost by less than `SETTLED` the fed groups and the
//! groups of every order of the SKUs late or short lines lack (`holder_groups`) join the
//! rounds, until the time is spent or such a round changes nothing; then the late or short
//! orders' groups as MIPs with their yes/no decisions free, in the time left.
//!
//! [`improve`] (below) runs the rounds and keeps the time; `groups.rs` forms the groups a
//! round takes, `reflow.rs` solves one neighbourhood's LP around the plan, and `dive.rs`
//! makes its open yes/no decisions whole; `context.rs` holds what every step reads.

mod context;
mod dive;
mod groups;
mod reflow;

use super::formulate::Formulation;
use super::highs::{Limit, SolveOptions, Status};
use super::outcome::{Neighbourhoods, Solution, SolverStats, Source, Termination};
use super::{cheaper, keep_if_cheaper, OptimizeError, Outcome};
use crate::check::{evaluate, Evaluation};
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use context::Ctx;
use groups::{groups, round, Group};
use reflow::{around, reflow};
use std::sync::Arc;
use std::time::Instant;

/// Orders in one LP neighbourhood, at most (`group_size` takes fewer when the first
/// would not fit the time). Since the LPs are solved without presolve, groups of 300 gave
/// cheaper plans than 150 on every one of large seeds 1-7 at 30 s and medium seeds 1-4 at
/// 5 s (`models/neighbourhoods.md`, "Group size"). 500 were cheaper still on large, but on
/// medium seed 1 the search then stopped 1.5 s early, its next neighbourhood (1.5 s)
/// longer than the time left; 1,000 fit no LP in medium's 5 s.
pub const GROUP: usize = 300;

/// Orders in one MIP neighbourhood (step 5 of the search): its MIP has the group's yes/no
/// decisions free, and on medium one of 124 orders took 1-3.6 s.
const MIP_GROUP: usize = 150;

/// The fewest orders [`group_size`] puts in an LP neighbourhood: on large seed 1, groups of
/// 30 improved the plan about half as fast per second as groups of 150, the build, which
/// reads every order, taking most of their time.
const FEWEST: usize = 150;

/// The group size for a search with `seconds` left: [`GROUP`], or fewer, down to
/// [`FEWEST`], when the first neighbourhood of that size would not fit. Below that no
/// neighbourhood is started (`improve` checks the estimate again).
fn group_size(orders: usize, seconds: f64) -> usize {
    (FEWEST..=GROUP)
        .rev()
        .find(|&g| first_estimate(orders, g) <= seconds)
        .unwrap_or(FEWEST)
}

/// The least time left in which a neighbourhood is solved as a MIP (its switches free):
/// on medium, the restricted MIP of 124 orders improved the plan within 1-3.6 s.
const MIP_SECONDS: f64 = 1.0;

/// The share of the time left a MIP neighbourhood is given: HiGHS reads the clock only
/// between steps of its root (cut rounds, heuristics), and on medium seed 4 a MIP given
/// 3.3 s stopped after 4.3 s.
const MIP_SHARE: f64 = 0.7;

/// The share of the cost a round of the late or short orders must lower it by for the
/// rounds to go on without the fed and holder groups. On medium seed 1 at 5 s the third and
/// fourth rounds lowered 233,158 by 77 and then nothing, 0.3 s before the holder group of
/// 1,415 orders, which took 1.9-2.1 s and ended within 0.1-0.2 s of the search's deadline
/// (`models/neighbourhoods.md`, "Holders of a SKU").
const SETTLED: f64 = 1e-3;

/// Seconds per order a holder group's LP is expected to take before one has been solved
/// (`holder_groups`): on medium, release build, this 2-core machine, 1,415 orders in 1.9-2.2
/// s on seed 1, 1,444 in 1.6 s on seed 3, 459 in 0.5 s on seed 2.
const HOLDER_SECONDS_PER_ORDER: f64 = 1.5e-3;

/// How much longer than expected a holder group's LP is allowed to take before the deadline:
/// its rate per order varies by a fifth between groups and runs (medium: 1.25-1.55 ms), and
/// an LP the deadline stops gives nothing. On medium seeds 1-7 at 5 s, two runs each, the
/// plans with it were within the runs' spread of those without, seed 1 0.4-0.7 % cheaper.
const HOLDER_MARGIN: f64 = 1.2;

/// Seconds a neighbourhood is expected to take before one has been solved: its build
/// reads every order (about 2 us each on large) and its LP, with `HOPS` (`reflow.rs`),
/// about 6 ms per order decided (large seed 1: 1.0-1.2 s for 150 orders).
fn first_estimate(orders: usize, group: usize) -> f64 {
    2e-6 * orders as f64 + 0.006 * group as f64
}

/// Improves `start` (a feasible plan of `s`, from `from`) until `opts.time_limit_s` is
/// spent. `None` when no neighbourhood gave a cheaper plan (or none fitted the time).
pub fn improve(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    start: &Plan,
    from: Source,
) -> Result<Option<Outcome>, OptimizeError> {
    let began = Instant::now();
    let cx = Ctx { s, f, opts, began };
    // Not even one order's neighbourhood would fit: no need to check the plan.
    if cx.left() < first_estimate(s.orders.len(), 1) {
        return Ok(None);
    }
    let eval = evaluate(s, start);
    if !eval.feasible() || !f.holds() {
        return Ok(None);
    }
    opts.found_plan(eval.cost.total);
    let report = Neighbourhoods::starting(from, eval.cost.total);
    let size = group_size(s.orders.len(), cx.left());
    // The first round's groups hold the late or short orders, often fewer than `size` (99-136
    // in medium's rules' plans): the time the first neighbourhood needs is theirs. With
    // `size` it was 1.8 s, so medium under `--time-limit 1.2` kept the rules' plan.
    let late = s
        .orders
        .iter()
        .zip(&eval.orders)
        .filter(|(o, e)| !o.frozen && !e.on_time_in_full())
        .count();
    let first = size.min(late.max(1));
    let mut st = Search {
        plan: start.clone(),
        eval,
        report,
        stats: SolverStats {
            solver: super::highs::highs_version(),
            passes: 1,
            ..SolverStats::default()
        },
        expected: None,
        tried: Vec::new(),
        holder_seconds: HOLDER_SECONDS_PER_ORDER,
    };
    let converged = rounds(&cx, &mut st, size, first)?;
    // Stopped by the time unless every neighbourhood, the MIPs included, had its turn.
    let mut limit = Limit::Time;
    if converged && free_switches(&cx, &mut st)? {
        limit = Limit::Scope;
    }
    let Search {
        plan,
        eval,
        mut report,
        mut stats,
        ..
    } = st;
    if opts.stopped() {
        limit = Limit::Interrupt;
    }
    report.seconds = began.elapsed().as_secs_f64();
    if report.improved == 0 && report.routed == 0 && report.closed == 0 {
        return Ok(None);
    }
    stats.neighbourhoods = Some(report);
    Ok(Some(improved(f, plan, eval, stats, limit)))
}

/// What the rounds share, in order: the plan and its evaluation, the report, the solver's
/// statistics, and what the neighbourhoods so far took and found.
struct Search {
    plan: Plan,
    eval: Evaluation,
    report: Neighbourhoods,
    stats: SolverStats,
    /// What the last neighbourhood took; before the first, an estimate from its size.
    expected: Option<f64>,
    /// The groups solved since the plan last changed, which found nothing cheaper: the same
    /// LP around the same plan would find the same again.
    tried: Vec<Vec<usize>>,
    /// Seconds per order of a holder group's LP: the last one's, or an estimate before it.
    holder_seconds: f64,
}

/// Runs rounds of neighbourhoods of `size` orders (the first neighbourhood's time estimated
/// for `first`) until the time is spent or a round changes nothing; returns whether they
/// converged (a round with the fed and holder groups changed nothing).
fn rounds(cx: &Ctx<'_>, st: &mut Search, size: usize, first: usize) -> Result<bool, OptimizeError> {
    let s = cx.s;
    // Whether the rounds include the groups of `fed_groups` and `holder_groups`: once a
    // round of the late or short orders alone lowers the cost by less than `SETTLED`. On
    // large those rounds never settle in the limit, and with the fed groups in every round
    // the second round's late or short groups did not run: seed 2 ended 1.4 % dearer.
    let mut feeding = false;
    loop {
        st.report.rounds += 1;
        // Routing stranded stock takes far less than a neighbourhood; it runs when one fits.
        let need = st
            .expected
            .unwrap_or_else(|| first_estimate(s.orders.len(), first));
        if cx.left() < need || cx.opts.stopped() {
            return Ok(false);
        }
        let from = st.eval.cost.total;
        let mut changed = route_and_close(cx, st);
        let RoundEnd::Done { improved, cut } = solve_groups(cx, st, feeding, size)? else {
            return Ok(false);
        };
        changed |= improved;
        // The next round would start with the groups this one passed over and less time.
        if cut {
            return Ok(false);
        }
        if !changed && feeding {
            return Ok(true);
        }
        feeding |= st.eval.cost.total > from * (1.0 - SETTLED);
    }
}

/// Stranded stock routed to short lines (`super::stranded`), then the lane-days only
/// transfers use closed and the expedites nobody needs dropped (`super::consolidate`),
/// each kept when cheaper; returns whether the plan changed.
fn route_and_close(cx: &Ctx<'_>, st: &mut Search) -> bool {
    let (s, plan, eval) = (cx.s, &mut st.plan, &mut st.eval);
    let routed = super::stranded::route(s, plan, eval);
    let mut changed = keep_if_cheaper(s, plan, eval, routed);
    st.report.routed += usize::from(changed);
    let closed = super::consolidate::consolidate(s, plan, false).map(|c| c.plan);
    let kept = keep_if_cheaper(s, plan, eval, closed);
    st.report.closed += usize::from(kept);
    changed |= kept;
    if changed {
        st.tried.clear();
        cx.opts.found_plan(eval.cost.total);
    }
    changed
}

/// How a round's groups ended.
enum RoundEnd {
    /// Stopped by a watcher's request.
    Stopped,
    /// Every group had its turn: `improved` when one lowered the cost, `cut` when one was
    /// passed over because it would not fit the time left.
    Done { improved: bool, cut: bool },
}

/// Solves the neighbourhoods of one round's groups (`feeding`: with the fed and holder
/// groups) that fit the time left and were not tried around the same plan.
fn solve_groups(
    cx: &Ctx<'_>,
    st: &mut Search,
    feeding: bool,
    size: usize,
) -> Result<RoundEnd, OptimizeError> {
    let s = cx.s;
    let mut improved = false;
    // Whether a group was passed over because it would not fit the time left.
    let mut cut = false;
    for mut group in round(s, &st.plan, &st.eval, feeding, size) {
        if cx.opts.stopped() {
            return Ok(RoundEnd::Stopped);
        }
        if st.tried.contains(&group.orders) {
            continue;
        }
        match fit(
            &group,
            st.expected,
            st.holder_seconds,
            s.orders.len(),
            cx.left(),
        ) {
            Fit::Solve(n) => group.orders.truncate(n),
            Fit::PassOver => {
                cut = true;
                continue;
            }
        }
        improved |= solve_group(cx, st, &group)?;
    }
    Ok(RoundEnd::Done { improved, cut })
}

/// Solves `group`'s neighbourhood around the plan and keeps its plan when cheaper; returns
/// whether it did. Records the time it took and, when it found nothing cheaper, the group.
fn solve_group(cx: &Ctx<'_>, st: &mut Search, group: &Group) -> Result<bool, OptimizeError> {
    let t = Instant::now();
    let found = reflow(cx, &st.plan, group, cx.left(), &mut st.stats)?;
    let took = t.elapsed().as_secs_f64();
    if group.holder {
        st.holder_seconds = took / group.orders.len() as f64;
    } else {
        st.expected = Some(took);
    }
    st.report.solved += 1;
    st.report.holders += usize::from(group.holder);
    let solved = found.is_some();
    if let Some((p, e)) = found.filter(|(_, e)| cheaper(e.cost.total, &st.eval)) {
        st.plan = p;
        st.eval = e;
        cx.opts.found_plan(st.eval.cost.total);
        st.report.improved += 1;
        st.tried.clear();
        return Ok(true);
    } else if solved {
        st.tried.push(group.orders.clone());
    }
    Ok(false)
}

/// The outcome of a search that improved the plan: `feasible` (stopped by `limit`: the
/// time, someone's request, or the neighbourhoods' reach), no bound.
fn improved(
    f: &dyn Formulation,
    plan: Plan,
    eval: Evaluation,
    stats: SolverStats,
    limit: Limit,
) -> Outcome {
    let seconds = stats.neighbourhoods.as_ref().map_or(0.0, |n| n.seconds);
    Outcome {
        formulation: f.name(),
        termination: Termination {
            status: Status::Feasible { limit },
            bound: None,
            gap: None,
            frozen_orders: Vec::new(),
        },
        solution: Some(Solution {
            plan,
            eval,
            source: Source::Solver,
        }),
        stats: Some(stats),
        seconds,
    }
}

/// Once no LP neighbourhood changes the plan: the same groups as MIPs whose yes/no
/// decisions are free (a lane-day to pay for, another source, an expedite), each with a
/// share of the time left, until the search's limit; `st`'s plan replaced by each cheaper
/// one. Whether every group had its turn and every MIP finished.
fn free_switches(cx: &Ctx<'_>, st: &mut Search) -> Result<bool, OptimizeError> {
    let s = cx.s;
    let mut complete = true;
    for group in groups(s, &st.eval, MIP_GROUP) {
        if cx.left() < MIP_SECONDS || cx.opts.stopped() {
            return Ok(false);
        }
        let hold = Arc::new(around(s, &st.plan, &group.orders));
        let rest = SolveOptions {
            time_limit_s: MIP_SHARE * cx.left(),
            ..cx.opts.clone()
        };
        let out = super::optimize_held(s, cx.f, &rest, Some(hold), None)?;
        st.report.solved += 1;
        st.report.mips += 1;
        // A MIP stopped at a limit did not finish its neighbourhood.
        complete &= out.status().limit().is_none();
        if let Some(x) = out.solution.filter(|x| cheaper(x.cost(), &st.eval)) {
            st.plan = x.plan;
            st.eval = x.eval;
            st.report.improved += 1;
        }
    }
    Ok(complete)
}

/// Whether a neighbourhood is solved in the time left, and of how many of its orders.
#[derive(Debug, PartialEq)]
enum Fit {
    Solve(usize),
    /// Not in this round: the groups after it may still fit.
    PassOver,
}

/// Whether `group` fits the `left` seconds of a search over `orders` orders. A holder
/// group is cut to what its LP is expected to solve in [`HOLDER_MARGIN`] times
/// `holder_seconds` an order, its first orders kept: one the deadline stops gives nothing
/// (medium seed 1: 1,415 orders in 1.9-2.2 s, ending within 0.1-0.2 s of the deadline or
/// after it); fewer than [`FEWEST`] (or its whole size) are not worth an LP. Another group
/// needs the last neighbourhood's time (`expected`), or an estimate before the first; when
/// it does not fit, the groups after it still may (medium seed 5: a third fed group
/// expected to take 1.05 s with 1.0 s left; ending the search there, at 3.9-4.0 s of 5,
/// leaves a plan 3 % dearer than the holder group after it, cut to fit, gives).
fn fit(group: &Group, expected: Option<f64>, holder_seconds: f64, orders: usize, left: f64) -> Fit {
    let n = group.orders.len();
    if group.holder {
        let fits = (left / (HOLDER_MARGIN * holder_seconds.max(1e-6))) as usize;
        return if fits < FEWEST.min(n) {
            Fit::PassOver
        } else {
            Fit::Solve(fits.min(n))
        };
    }
    if left < expected.unwrap_or_else(|| first_estimate(orders, n)) {
        Fit::PassOver
    } else {
        Fit::Solve(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_shrink_to_what_the_time_fits_but_not_below_the_fewest() {
        // Medium at 5 s has about 4.3 s for its search: 300 orders (1.8 s estimated) fit.
        assert_eq!(group_size(5_081, 4.3), GROUP);
        // 1.2 s fits 198 orders' LP besides reading 5,081 orders (0.01 s).
        let g = group_size(5_081, 1.2);
        assert!(first_estimate(5_081, g) <= 1.2 && first_estimate(5_081, g + 1) > 1.2);
        assert_eq!(g, 198);
        // Too little time for even the fewest: the fewest, which `improve` does not start.
        assert_eq!(group_size(5_081, 0.1), FEWEST);
        assert!(first_estimate(5_081, FEWEST) > 0.1);
    }

    #[test]
    fn a_group_that_does_not_fit_is_passed_over_and_a_holder_group_cut_to_the_time_left() {
        let group = |n: usize, holder: bool| Group {
            orders: (0..n).collect(),
            charges: !holder,
            holder,
            sourcing: Vec::new(),
        };
        // Medium seed 5: a fed group expected to take 1.05 s with 1.0 s left is passed over
        // (the holder group after it is not), one with 1.1 s left solved whole.
        assert_eq!(
            fit(&group(129, false), Some(1.05), 1.5e-3, 5_081, 1.0),
            Fit::PassOver
        );
        assert_eq!(
            fit(&group(129, false), Some(1.05), 1.5e-3, 5_081, 1.1),
            Fit::Solve(129)
        );
        // 512 holders at 1.5 ms each with the margin: 0.77 s fits 427 of them, 2 s all.
        let n = (0.77 / (HOLDER_MARGIN * 1.5e-3)) as usize;
        assert_eq!(n, 427);
        assert_eq!(
            fit(&group(512, true), None, 1.5e-3, 5_081, 0.77),
            Fit::Solve(n)
        );
        assert_eq!(
            fit(&group(512, true), None, 1.5e-3, 5_081, 2.0),
            Fit::Solve(512)
        );
        // Fewer than the fewest would fit: passed over, unless that is the whole group.
        let few = HOLDER_MARGIN * 1.5e-3 * 100.0;
        assert_eq!(
            fit(&group(512, true), None, 1.5e-3, 5_081, few),
            Fit::PassOver
        );
        assert_eq!(
            fit(&group(90, true), None, 1.5e-3, 5_081, few),
            Fit::Solve(90)
        );
    }
}
