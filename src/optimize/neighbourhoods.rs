//! Improving a plan one neighbourhood at a time, where the whole model cannot be built, or
//! its LP not got far enough, in the time limit (`models/neighbourhoods.md`).
//!
//! Start from a checked plan `P` (the priority rules'). A neighbourhood is a group of the
//! orders `P` leaves late or short. Its model is the restricted model of the worker's warm
//! solve (`models/scope.md`): every other order held at its shipments in `P`, with `P`'s
//! transfers and expedites, and every yes/no decision fixed at `P`'s (lane-day charges,
//! ship-complete switches, sources, expedites), which leaves an LP: the group's quantities
//! and any transfer on a lane-day `P` already pays for, within [`HOPS`] lanes of the
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
//! round; once a round lowers the cost by less than [`SETTLED`] the fed groups and the
//! groups of every order of the SKUs late or short lines lack (`holder_groups`) join the
//! rounds, until the time is spent or such a round changes nothing; then the late or short
//! orders' groups as MIPs with their yes/no decisions free, in the time left.

use super::formulate::{fixed_plan, BuildOptions, Formulation, Hold, Meaning, Model};
use super::highs::{solve, solve_fixing, Change, Limit, SolveOptions, SolveResult, Status};
use super::outcome::{Neighbourhoods, Solution, SolverStats, Source, Termination};
use super::{cheaper, keep_if_cheaper, OptimizeError, Outcome};
use crate::check::{evaluate, Evaluation};
use crate::plan::Plan;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::{LaneIx, NodeIx, SkuIx};
use std::sync::Arc;
use std::time::Instant;

/// Orders in one LP neighbourhood, at most ([`group_size`] takes fewer when the first
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

/// How far transfers reach in a neighbourhood (`Hold::transfer_hops`): the pairs its
/// orders draw on and those up to two lanes away keep a balance per day, those three away
/// a surplus row. On large seed 1 (the rules' plan, three groups of 150) one lane gained
/// 16 % of what the whole transfer network gains per LP, two 47 %, three 66 %, at 0.3, 0.55
/// and 0.85 s per LP against 2.3 s; in 30 s, two hops reached 6.30M, three 5.53M, four
/// 5.62M, the whole network 6.21M.
const HOPS: u32 = 3;

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
/// reads every order (about 2 us each on large) and its LP, with [`HOPS`], about 6 ms per
/// order decided (large seed 1: 1.0-1.2 s for 150 orders).
fn first_estimate(orders: usize, group: usize) -> f64 {
    2e-6 * orders as f64 + 0.006 * group as f64
}

/// Improves `start` (a feasible plan of `s`, from `from`) until `opts.time_limit_s` is
/// spent. `None` when no neighbourhood gave a cheaper plan (or none fitted the time).
///
/// Long because its rounds share, in order, the plan, the time the last neighbourhood
/// took, whether the rounds have settled and the groups already tried around the plan.
pub fn improve(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    start: &Plan,
    from: Source,
) -> Result<Option<Outcome>, OptimizeError> {
    let began = Instant::now();
    let left = || time_left(opts, began);
    // Not even one order's neighbourhood would fit: no need to check the plan.
    if left() < first_estimate(s.orders.len(), 1) {
        return Ok(None);
    }
    let mut eval = evaluate(s, start);
    if !eval.feasible() || !f.holds() {
        return Ok(None);
    }
    let mut report = Neighbourhoods::starting(from, eval.cost.total);
    let size = group_size(s.orders.len(), left());
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
    let mut plan = start.clone();
    let mut stats = SolverStats {
        solver: super::highs::highs_version(),
        passes: 1,
        ..SolverStats::default()
    };
    // What the last neighbourhood took; before the first, an estimate from its size.
    let mut expected: Option<f64> = None;
    let mut converged = false;
    // Whether the rounds include the groups of `fed_groups` and `holder_groups`: once a
    // round of the late or short orders alone lowers the cost by less than `SETTLED`. On
    // large those rounds never settle in the limit, and with the fed groups in every round
    // the second round's late or short groups did not run: seed 2 ended 1.4 % dearer.
    let mut feeding = false;
    // The groups solved since the plan last changed, which found nothing cheaper: the same
    // LP around the same plan would find the same again.
    let mut tried: Vec<Vec<usize>> = Vec::new();
    // Seconds per order of a holder group's LP: the last one's, or an estimate before it.
    let mut holder_seconds = HOLDER_SECONDS_PER_ORDER;
    'rounds: loop {
        report.rounds += 1;
        // Routing stranded stock takes far less than a neighbourhood; it runs when one fits.
        let need = expected.unwrap_or_else(|| first_estimate(s.orders.len(), first));
        if left() < need || opts.stopped() {
            break 'rounds;
        }
        let from = eval.cost.total;
        // Stranded stock routed to short lines (`super::stranded`), then the lane-days only
        // transfers use closed and the expedites nobody needs dropped (`super::consolidate`).
        let routed = super::stranded::route(s, &plan, &eval);
        let mut changed = keep_if_cheaper(s, &mut plan, &mut eval, routed);
        report.routed += usize::from(changed);
        let closed = super::consolidate::consolidate(s, &plan, false).map(|c| c.plan);
        let kept = keep_if_cheaper(s, &mut plan, &mut eval, closed);
        report.closed += usize::from(kept);
        changed |= kept;
        if changed {
            tried.clear();
        }
        // Whether a group was passed over because it would not fit the time left.
        let mut cut = false;
        for mut group in round(s, &plan, &eval, feeding, size) {
            if opts.stopped() {
                break 'rounds;
            }
            if tried.contains(&group.orders) {
                continue;
            }
            match fit(&group, expected, holder_seconds, s.orders.len(), left()) {
                Fit::Solve(n) => group.orders.truncate(n),
                Fit::PassOver => {
                    cut = true;
                    continue;
                }
            }
            let t = Instant::now();
            let found = reflow(s, f, opts, &plan, &group, left(), &mut stats)?;
            let took = t.elapsed().as_secs_f64();
            if group.holder {
                holder_seconds = took / group.orders.len() as f64;
            } else {
                expected = Some(took);
            }
            report.solved += 1;
            report.holders += usize::from(group.holder);
            let solved = found.is_some();
            if let Some((p, e)) = found.filter(|(_, e)| cheaper(e.cost.total, &eval)) {
                plan = p;
                eval = e;
                report.improved += 1;
                changed = true;
                tried.clear();
            } else if solved {
                tried.push(group.orders.clone());
            }
        }
        // The next round would start with the groups this one passed over and less time.
        if cut {
            break;
        }
        if !changed && feeding {
            converged = true;
            break;
        }
        feeding |= eval.cost.total > from * (1.0 - SETTLED);
    }
    // Stopped by the time unless every neighbourhood, the MIPs included, had its turn.
    let mut limit = Limit::Time;
    if converged && free_switches(s, f, opts, began, &mut plan, &mut eval, &mut report)? {
        limit = Limit::Scope;
    }
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
/// share of the time left, until `opts.time_limit_s` from `began`. Whether every group had
/// its turn and every MIP finished.
fn free_switches(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    began: Instant,
    plan: &mut Plan,
    eval: &mut Evaluation,
    report: &mut Neighbourhoods,
) -> Result<bool, OptimizeError> {
    let left = || time_left(opts, began);
    let mut complete = true;
    for group in groups(s, eval, MIP_GROUP) {
        if left() < MIP_SECONDS || opts.stopped() {
            return Ok(false);
        }
        let hold = Arc::new(around(s, plan, &group.orders));
        let rest = SolveOptions {
            time_limit_s: MIP_SHARE * left(),
            ..opts.clone()
        };
        let out = super::optimize_held(s, f, &rest, Some(hold), None)?;
        report.solved += 1;
        report.mips += 1;
        // A MIP stopped at a limit did not finish its neighbourhood.
        complete &= out.status().limit().is_none();
        if let Some(x) = out.solution.filter(|x| cheaper(x.cost(), eval)) {
            *plan = x.plan;
            *eval = x.eval;
            report.improved += 1;
        }
    }
    Ok(complete)
}

/// The search's seconds left since `began` (the caller's limit already keeps its reserve
/// for the responses: on large an improved plan's took 2.1-3.0 s against its 4.1 s).
fn time_left(opts: &SolveOptions, began: Instant) -> f64 {
    opts.time_limit_s - began.elapsed().as_secs_f64()
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
/// expected to take 1.05 s with 1.0 s left used to end the search there, at 3.9-4.0 s of
/// 5 and 3 % dearer, where the holder group after it, cut to fit, lowers the cost).
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

/// A round's groups: those of the late or short orders, then, when `feeding`, those of
/// [`fed_groups`] and of [`holder_groups`]; in each, the late or short orders' sources
/// open (`Group::sourcing`).
fn round(s: &Scenario, plan: &Plan, eval: &Evaluation, feeding: bool, size: usize) -> Vec<Group> {
    let mut all = groups(s, eval, size);
    if feeding {
        all.extend(fed_groups(s, plan, eval, size));
        all.extend(holder_groups(s, eval, size));
    }
    for g in &mut all {
        g.sourcing = g
            .orders
            .iter()
            .copied()
            .filter(|&i| !eval.orders[i].on_time_in_full())
            .collect();
        g.sourcing.sort_unstable();
    }
    all
}

/// The orders one neighbourhood decides.
struct Group {
    orders: Vec<usize>,
    /// Whether its LP also leaves open the charges of the lane-days the plan pays for
    /// ([`open_decisions`]): in the groups of [`fed_groups`], whose point is to take back
    /// transfers and the charges they alone pay. Measured on large seeds 1-2 with every
    /// group opening them: 12-13 neighbourhoods in the limit instead of 16-18 (each dive
    /// longer) and plans 2.4-2.5 % dearer.
    charges: bool,
    /// Whether it is one of [`holder_groups`] (counted in `Neighbourhoods::holders`).
    holder: bool,
    /// Its orders (ascending) whose source nodes its LP may change ([`open_decisions`]):
    /// those late or short in the plan; set by [`round`].
    sourcing: Vec<usize>,
}

/// The late or short orders of `eval` (frozen ones never), in groups of `size`: sorted
/// by their first line's SKU so that a group's orders can trade stock, the groups in order
/// of what their orders' lateness and shortage cost.
fn groups(s: &Scenario, eval: &Evaluation, size: usize) -> Vec<Group> {
    let mut open: Vec<usize> = (0..s.orders.len())
        .filter(|&i| !s.orders[i].frozen && !eval.orders[i].on_time_in_full())
        .collect();
    open.sort_by_key(|&i| (s.orders[i].lines.first().map(|l| l.sku), i));
    let stake = |i: usize| {
        let (o, e) = (&s.orders[i], &eval.orders[i]);
        e.short_units * o.short_penalty_per_unit + e.late_unit_days * o.late_penalty_per_unit_day
    };
    let mut groups: Vec<(f64, Vec<usize>)> = open
        .chunks(size)
        .map(|g| (g.iter().map(|&i| stake(i)).sum(), g.to_vec()))
        .collect();
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    groups
        .into_iter()
        .map(|g| Group {
            orders: g.1,
            charges: false,
            holder: false,
            sourcing: Vec::new(),
        })
        .collect()
}

/// The on-time orders of `plan` that ship from a (node, SKU) that a transfer reaches on a
/// charged lane-day no shipment uses, or that ship on a charged lane themselves, grouped
/// by that lane (for the first: the lowest index when several feed the pair) in groups of
/// `size`, lane after lane. The late or short orders' neighbourhoods hold them at their
/// shipments, so the stock those transfers bring stays needed where it lands and the
/// lane-days they ship on stay paid; deciding them lets an LP serve them from elsewhere or
/// on fewer days and take the transfers back (`Meaning::Recall`) with their charges. On
/// medium seed 1 at 5 s the rules' plan paid 20,779 of charges on lane-days only transfers
/// used against 4,728 in the best plan known (`models/neighbourhoods.md`, "Held
/// transfers"); the orders on charged lanes themselves lowered medium seeds 1-3 by another
/// 0.5-1.0 % (seed 4 the same).
fn fed_groups(s: &Scenario, plan: &Plan, eval: &Evaluation, size: usize) -> Vec<Group> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    let shipped: HashSet<(LaneIx, Day)> = plan.shipping_lane_days().collect();
    let mut feeds: HashMap<(NodeIx, SkuIx), LaneIx> = HashMap::new();
    for t in &plan.transfers {
        let lane = s.lane(t.lane);
        if lane.fixed_cost_per_day > 0.0 && !shipped.contains(&(t.lane, t.ship)) {
            let l = feeds.entry((lane.to, t.sku)).or_insert(t.lane);
            *l = (*l).min(t.lane);
        }
    }
    let mut by_lane: BTreeMap<LaneIx, Vec<usize>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for e in &plan.shipments {
        let i = e.order.ix();
        if s.orders[i].frozen || !eval.orders[i].on_time_in_full() {
            continue;
        }
        let charged = e.lane.filter(|&l| s.lane(l).fixed_cost_per_day > 0.0);
        if let Some(l) = feeds.get(&(e.node, e.sku)).copied().or(charged) {
            if seen.insert(i) {
                by_lane.entry(l).or_default().push(i);
            }
        }
    }
    let orders: Vec<usize> = by_lane.into_values().flatten().collect();
    orders
        .chunks(size)
        .map(|g| Group {
            orders: g.to_vec(),
            charges: true,
            holder: false,
            sourcing: Vec::new(),
        })
        .collect()
}

/// Every order (not frozen) with a line of a SKU that late or short lines lack, grouped by
/// SKU: the SKUs in order of what their lines' shortage and their orders' lateness cost
/// (an order's lateness shared among its lines), each SKU's orders whole, SKU after SKU
/// until a group holds at least `size` orders; `holder` set. The late or short orders'
/// neighbourhoods hold every other order at its shipments, so the stock on-time orders of
/// the same SKU use stays theirs; deciding them all at once lets an LP give that stock to
/// the orders whose shortage or lateness costs more, and serve the others from elsewhere.
/// Measured on medium at `--time-limit 5` (seeds 1-7, two to four runs each): 0.8-12.6 %
/// cheaper on four seeds, the same within the runs' spread on three
/// (`models/neighbourhoods.md`, "Holders of a SKU").
fn holder_groups(s: &Scenario, eval: &Evaluation, size: usize) -> Vec<Group> {
    let mut stake = vec![0.0; s.skus.len()];
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); s.skus.len()];
    for (i, (o, e)) in s.orders.iter().zip(&eval.orders).enumerate() {
        if o.frozen {
            continue;
        }
        let late = e.late_unit_days * o.late_penalty_per_unit_day / o.lines.len().max(1) as f64;
        for (l, shipped) in o.lines.iter().zip(&e.shipped) {
            let short = (l.quantity - shipped).max(0.0) * o.short_penalty_per_unit;
            stake[l.sku.ix()] += short + late;
            holders[l.sku.ix()].push(i);
        }
    }
    let mut skus: Vec<usize> = (0..s.skus.len()).filter(|&k| stake[k] > 0.0).collect();
    skus.sort_by(|&a, &b| stake[b].total_cmp(&stake[a]).then(a.cmp(&b)));
    let mut taken = vec![false; s.orders.len()];
    let mut groups = Vec::new();
    let mut orders = Vec::new();
    for k in skus {
        for &i in &holders[k] {
            if !std::mem::replace(&mut taken[i], true) {
                orders.push(i);
            }
        }
        if orders.len() >= size {
            groups.push(std::mem::take(&mut orders));
        }
    }
    if !orders.is_empty() {
        groups.push(orders);
    }
    // The late or short orders first, then the on-time ones cheapest to leave short: the
    // first to give their stock, and the last cut when the time left does not fit them all.
    for g in &mut groups {
        g.sort_by(|&a, &b| {
            let key = |i: usize| {
                (
                    eval.orders[i].on_time_in_full(),
                    s.orders[i].short_penalty_per_unit,
                )
            };
            let (x, y) = (key(a), key(b));
            x.0.cmp(&y.0).then(x.1.total_cmp(&y.1)).then(a.cmp(&b))
        });
    }
    groups
        .into_iter()
        .map(|orders| Group {
            orders,
            charges: false,
            holder: true,
            sourcing: Vec::new(),
        })
        .collect()
}

/// Every order outside `group` (and not frozen) held at its shipments in `plan`, with
/// `plan`'s transfers and expedites.
fn around(s: &Scenario, plan: &Plan, group: &[usize]) -> Hold {
    let mut free = vec![false; s.orders.len()];
    for &i in group {
        free[i] = true;
    }
    Hold {
        shipments: Hold::held_shipments(s, &plan.shipments, &free),
        transfers: plan.transfers.clone(),
        expedited: plan.expedited.clone(),
        priced: false,
        transfer_hops: Some(HOPS),
        recall: true,
    }
}

/// `model` with every yes/no decision fixed at `plan`'s, except the switches of `group`'s
/// ship-complete orders that `plan` ships nothing of, the expedites it does not take and,
/// in a group that asks for it, the charges it pays ([`open_decisions`], made whole by a
/// [`Dive`]), solved with continuous quantities, and
/// again with whole ones when the policy asks for them and the LP's are not, within
/// `seconds` of `since`; `None` when it is infeasible (`plan` used a column it prunes).
#[allow(clippy::too_many_arguments)]
fn solve_fixed(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    model: &Model,
    plan: &Plan,
    group: &Group,
    seconds: f64,
    since: Instant,
) -> Result<Option<SolveResult>, OptimizeError> {
    // The yes/no decisions fixed at `plan`'s; every column continuous first.
    let mut fixed_mip = model.mip.clone().relaxed();
    let start = model.start_from(plan);
    let open = open_decisions(model, &start, group);
    for (j, &v) in start.iter().enumerate() {
        if v.is_finite() && open.binary_search(&j).is_err() {
            fixed_mip.col_lower[j] = v;
            fixed_mip.col_upper[j] = v;
        }
    }
    let mut tuned = SolveOptions {
        time_limit_s: seconds.max(0.01),
        holds_orders: true,
        watch: None,
        ..opts.clone()
    };
    f.tune(&mut tuned);
    // Presolve took more of a neighbourhood's first LP than the simplex did (medium seed 1
    // at 5 s: 31 % of the samples against 25 %); without it, 12-15 neighbourhoods fit in
    // medium's 5 s where 10-12 did, 27-35 in large's 30 s where 19-26 did
    // (`models/neighbourhoods.md`, "Without presolve"). The dive's later solves skip it anyway.
    tuned.presolve = false;
    // Every column that lowers the cost is bounded, so "unbounded or infeasible" (from a
    // presolve) means infeasible: `plan` used a column this model prunes. The neighbourhood
    // is skipped, as it is when the LP itself says infeasible (the dive then ends without a
    // plan).
    let feasible = |r: Result<SolveResult, super::highs::SolveError>| match r {
        Err(super::highs::SolveError::UnboundedOrInfeasible { .. }) => Ok(None),
        other => other.map(Some),
    };
    let mut dive = Dive::new(model, &open, &start);
    let Some(first) = feasible(solve_fixing(&fixed_mip, &tuned, |r| dive.next(r)))? else {
        return Ok(None);
    };
    // A dive cut short by the time leaves a decision between 0 and 1: no plan.
    let Some(mut result) = dive.finished(first) else {
        return Ok(None);
    };
    for (&j, &w) in open.iter().zip(&dive.fixed) {
        fixed_mip.col_lower[j] = w.unwrap_or(0.0);
        fixed_mip.col_upper[j] = w.unwrap_or(0.0);
    }
    let fractional = result
        .values
        .as_ref()
        .is_some_and(|v| !model.quantities_are_whole(v));
    if s.policy.integer_quantities && fractional {
        // Whole units: the same model with its quantities integer, the fixed yes/no
        // columns left continuous (the LP's optimum is usually whole already: these are
        // flows around fixed charges).
        for (j, m) in model.meaning.iter().enumerate() {
            fixed_mip.integer[j] = m.is_quantity();
        }
        tuned.time_limit_s = (seconds - since.elapsed().as_secs_f64()).max(0.01);
        // A MIP, presolved as every other MIP is (the caller's setting).
        tuned.presolve = opts.presolve;
        let Some(whole) = feasible(solve(&fixed_mip, &tuned))? else {
            return Ok(None);
        };
        result = whole;
    }
    Ok(Some(result))
}

/// How many times a neighbourhood's LP is solved again to make its open decisions whole
/// before the fractions left are given up.
const DIVES: usize = 8;

/// Solves of a dive with open charges that re-price them before they are fixed
/// ([`Dive::scale`]).
const SCALINGS: usize = 4;

/// A dive over the open decisions of a neighbourhood's LP ([`open_decisions`]): after each
/// solve the largest fraction is fixed at 1 (the others stay free); when that makes the LP
/// infeasible (an order that cannot ship in full; an expedite or a charge never does
/// that), it goes back to 0. After [`DIVES`] solves the fractions left are fixed, the
/// switches at 0, the expedites and charges at 1: the last LP's point with those orders'
/// flows removed, those receipts' units earlier and those lane-days paid in full is
/// feasible, so the dive ends on a plan. With open charges, [`SCALINGS`] solves of slope
/// scaling ([`Dive::scale`]) come first and fix them; the cap counts the solves after.
struct Dive<'a> {
    open: &'a [usize],
    /// Per open decision, its objective coefficient when it is a charge.
    charge: Vec<Option<f64>>,
    /// Solves left that re-price the open charges (slope scaling): [`SCALINGS`] when a
    /// charge is open, 0 otherwise. They do not count towards [`DIVES`].
    scalings: usize,
    /// Per open decision, whether a fraction left at the end is fixed at 1 rather than 0:
    /// an expedite, whose earlier units only add to every balance, or a charge, which only
    /// lets its lane-day carry more.
    raise: Vec<bool>,
    /// Per open decision, where it is fixed.
    fixed: Vec<Option<f64>>,
    /// The decision the last solve fixed at 1 from a fraction.
    tried: Option<usize>,
    /// Per open decision, the order whose source choice it is (`Meaning::Source`).
    source_of: Vec<Option<usize>>,
    /// Per open decision, the plan's value.
    start: Vec<f64>,
    /// Whether the sources have been rounded ([`Dive::round_sources`]: once a dive, at the
    /// first solve that leaves one fractional).
    rounded: bool,
    /// The source decisions of the orders the last solve's rounding fixed, while it is the
    /// last step.
    rounding: Vec<usize>,
    solves: usize,
}

impl<'a> Dive<'a> {
    /// The dive over `open`, from a plan whose value per column is `start`.
    fn new(model: &Model, open: &'a [usize], start: &[f64]) -> Self {
        let charge: Vec<Option<f64>> = open
            .iter()
            .map(|&j| {
                matches!(model.meaning[j], Meaning::Charge { .. }).then(|| model.mip.col_cost[j])
            })
            .collect();
        let scalings = if charge.iter().any(Option::is_some) {
            SCALINGS
        } else {
            0
        };
        Dive {
            open,
            charge,
            scalings,
            raise: open
                .iter()
                .map(|&j| {
                    matches!(
                        model.meaning[j],
                        Meaning::Expedite(_) | Meaning::Charge { .. }
                    )
                })
                .collect(),
            fixed: vec![None; open.len()],
            tried: None,
            source_of: open
                .iter()
                .map(|&j| match model.meaning[j] {
                    Meaning::Source { order, .. } => Some(order.ix()),
                    _ => None,
                })
                .collect(),
            start: open.iter().map(|&j| start[j]).collect(),
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    /// The changes to make before the next solve, or `None` when `r` ends the dive.
    fn next(&mut self, r: &SolveResult) -> Option<Vec<Change>> {
        let values = r.values.as_ref().filter(|_| r.status == Status::Optimal);
        if self.scalings > 0 {
            self.scalings -= 1;
            return Some(self.scale(values?));
        }
        self.solves += 1;
        if r.status == Status::Infeasible {
            if !self.rounding.is_empty() {
                // Those orders back on the plan's sources, where the plan ships them.
                let back = std::mem::take(&mut self.rounding);
                return Some(
                    back.into_iter()
                        .map(|k| {
                            self.fixed[k] = Some(self.start[k]);
                            Change::Fix(self.open[k], self.start[k])
                        })
                        .collect(),
                );
            }
            let k = self.tried.take()?;
            self.fixed[k] = Some(0.0);
            return Some(vec![Change::Fix(self.open[k], 0.0)]);
        }
        let values = values?;
        self.tried = None;
        self.rounding.clear();
        if !self.rounded {
            if let Some(fix) = self.round_sources(values) {
                self.rounded = true;
                return Some(fix);
            }
        }
        let mut fix = Vec::new();
        let mut largest: Option<(usize, f64)> = None;
        for (k, &j) in self.open.iter().enumerate() {
            if self.fixed[k].is_some() {
                continue;
            }
            let v = values[j];
            if !fraction(v) {
                continue;
            }
            if largest.is_none_or(|(_, w)| v > w) {
                largest = Some((k, v));
            }
        }
        let (k, _) = largest?;
        if self.solves >= DIVES {
            for (k, &j) in self.open.iter().enumerate() {
                let v = values[j];
                if self.fixed[k].is_none() && fraction(v) {
                    let w = if self.raise[k] { 1.0 } else { 0.0 };
                    self.fixed[k] = Some(w);
                    fix.push(Change::Fix(j, w));
                }
            }
            return Some(fix);
        }
        self.fixed[k] = Some(1.0);
        self.tried = Some(k);
        fix.push(Change::Fix(self.open[k], 1.0));
        Some(fix)
    }

    /// The dive's step at the first solve that leaves a source fractional (usually the
    /// first): every order with a fractional source gets its largest at 1, all in one solve
    /// (its source limit then closes the others when it is 1). One at a time, the dives of
    /// the late or short groups of medium seeds 1-2 needed 9-12 solves, more than
    /// [`DIVES`], and the orders left over went unserved. When that solve is infeasible (a
    /// ship-complete order the source cannot serve in full), those orders' sources go back
    /// to the plan's, which the plan's own point satisfies when this is the dive's first
    /// step; otherwise that LP may be infeasible too and the dive ends with no plan, the
    /// neighbourhood giving nothing. `None` when no source is fractional.
    fn round_sources(&mut self, values: &[f64]) -> Option<Vec<Change>> {
        use std::collections::{BTreeMap, BTreeSet};
        // Per order with a source decision left open, its largest source.
        let mut largest: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
        let mut fractional: BTreeSet<usize> = BTreeSet::new();
        for (k, o) in self.source_of.iter().enumerate() {
            let Some(o) = *o else {
                continue;
            };
            if self.fixed[k].is_some() {
                continue;
            }
            let v = values[self.open[k]];
            if fraction(v) {
                fractional.insert(o);
            }
            let e = largest.entry(o).or_insert((k, v));
            if v > e.1 {
                *e = (k, v);
            }
        }
        if fractional.is_empty() {
            return None;
        }
        let rounds = |o: &usize| fractional.contains(o);
        self.rounding = (0..self.open.len())
            .filter(|&k| self.fixed[k].is_none() && self.source_of[k].is_some_and(|o| rounds(&o)))
            .collect();
        let mut fix = Vec::new();
        for (o, (k, _)) in largest {
            if rounds(&o) {
                self.fixed[k] = Some(1.0);
                fix.push(Change::Fix(self.open[k], 1.0));
            }
        }
        Some(fix)
    }

    /// Slope scaling over the open charges (Kim and Pardalos's dynamic slope scaling): an
    /// LP charges a lane-day in proportion to its load, `c * z` with `z` = load / `M`, so
    /// it gains nothing by putting two lane-days' loads on one. Each solve but the last of
    /// [`SCALINGS`] re-prices every charge the LP used at `c / z`, what a whole charge
    /// costs per unit of the load it carried, so the next LP sees a lightly used lane-day
    /// as dear and moves its load where a charge is used more; the last fixes every charge
    /// at 1 where the LP used it and 0 where not, at its own cost again.
    fn scale(&mut self, values: &[f64]) -> Vec<Change> {
        let mut changes = Vec::new();
        for (k, &j) in self.open.iter().enumerate() {
            let Some(c) = self.charge[k] else {
                continue;
            };
            let z = values[j];
            if self.scalings > 0 {
                // A charge the LP left at 0 keeps its last price.
                if z > 1e-6 {
                    changes.push(Change::Cost(j, c / z.min(1.0)));
                }
            } else {
                let w = if z > 1e-6 { 1.0 } else { 0.0 };
                self.fixed[k] = Some(w);
                changes.push(Change::Fix(j, w));
                changes.push(Change::Cost(j, c));
            }
        }
        changes
    }

    /// `r` (the dive's last solve) when it is optimal with every open decision whole; the
    /// decisions still free are then fixed where `r` has them.
    fn finished(&mut self, r: SolveResult) -> Option<SolveResult> {
        let values = r.values.as_ref().filter(|_| r.status == Status::Optimal)?;
        for (k, &j) in self.open.iter().enumerate() {
            let v = values[j];
            if fraction(v) {
                return None;
            }
            self.fixed[k].get_or_insert(v.round());
        }
        Some(r)
    }
}

/// Whether a yes/no column's value is neither 0 nor 1 (beyond rounding).
fn fraction(v: f64) -> bool {
    v > 1e-6 && v < 1.0 - 1e-6
}

/// The columns (ascending) of the yes/no decisions an LP neighbourhood leaves open: the
/// switches of `group`'s ship-complete orders that `plan` ships nothing of, and every
/// expedite the model has that `plan` does not take. At 0, `plan`'s value, they would keep
/// such an order unserved and such a receipt at its eta for good: on large seed 5, 52 such
/// orders held 454,400 of the search's 1,854,900 shortage, every one of their SKUs with
/// stock left unshipped in the network. With [`Group::charges`], also every charge of a
/// lane-day `plan` pays for: at 1 it would keep the charge paid after the LP has moved
/// everything off the lane-day. And the source choices (`use[o,n]`, under an order's
/// source limit) of the group's late or short orders: at `plan`'s they keep such an order
/// on the nodes it is late or short from (medium seed 2: three of the orders latest in
/// the search's plan, each limited to one source, shipped late from DC-19 where the best
/// plan known ships them on time from DC-18 and PL-03). `start` is `plan`'s value per
/// column ([`Model::start_from`]).
fn open_decisions(model: &Model, start: &[f64], group: &Group) -> Vec<usize> {
    let mut ours: Vec<usize> = group.orders.clone();
    ours.sort_unstable();
    model
        .meaning
        .iter()
        .zip(start)
        .enumerate()
        .filter_map(|(j, (m, &v))| match *m {
            Meaning::Complete(o) if v == 0.0 && ours.binary_search(&o.ix()).is_ok() => Some(j),
            Meaning::Source { order, .. } if group.sourcing.binary_search(&order.ix()).is_ok() => {
                Some(j)
            }
            Meaning::Expedite(_) if v == 0.0 => Some(j),
            Meaning::Charge { .. } if v == 1.0 && group.charges => Some(j),
            _ => None,
        })
        .collect()
}

/// One neighbourhood: `group` decided around `plan`, every yes/no decision at `plan`'s
/// but the open ones ([`solve_fixed`]); the checked plan when the LP solved within
/// `seconds`.
fn reflow(
    s: &Scenario,
    f: &dyn Formulation,
    opts: &SolveOptions,
    plan: &Plan,
    group: &Group,
    seconds: f64,
    stats: &mut SolverStats,
) -> Result<Option<(Plan, Evaluation)>, OptimizeError> {
    let hold = Arc::new(around(s, plan, &group.orders));
    let built = Instant::now();
    let model = f.build(
        s,
        &BuildOptions {
            hold: Some(hold.clone()),
            ..BuildOptions::default()
        },
    );
    stats.build_seconds += built.elapsed().as_secs_f64();
    let Some(result) = solve_fixed(s, f, opts, &model, plan, group, seconds, built)? else {
        return Ok(None);
    };
    stats.rows = result.rows;
    stats.cols = result.cols;
    stats.nonzeros = result.nonzeros;
    let Some(values) = result.values.as_ref() else {
        return Ok(None);
    };
    let found = model.decode(s, values, &fixed_plan(s, Some(&hold)));
    let eval = evaluate(s, &found);
    if !eval.feasible() {
        return Err(OptimizeError::PlanRejected {
            formulation: f.name(),
            violations: eval.violations,
        });
    }
    Ok(Some((found, eval)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SO-1 (priority 1) short, SO-2 (priority 1) and SO-3 (priority 3) on time, all of SKU
    /// A: one holder group, SO-1 first, then SO-3, the cheaper to leave short, then SO-2.
    #[test]
    fn a_holder_group_puts_the_late_or_short_first_then_the_cheapest_to_leave_short() {
        use crate::plan::Shipment;
        use crate::scenario::ids::OrderIx;
        let order = |id: &str, priority: u32| {
            serde_json::json!({"id": id, "destination": "ZONE", "due": "2026-11-30",
                "priority": priority, "lines": [{"sku": "A", "quantity": 10}], "plan": []})
        };
        let doc = serde_json::json!({
            "format": "recourse.scenario/1", "id": "holders", "as_of": "2026-11-27",
            "horizon_days": 7, "currency": "EUR", "skus": [{"id": "A"}],
            "nodes": [{"id": "DC", "kind": "dc"}, {"id": "ZONE", "kind": "customer"}],
            "lanes": [{"id": "D-Z", "from": "DC", "to": "ZONE", "mode": "ground",
                       "lead_time_days": 1, "cost_per_unit": 1.0}],
            "stock": [{"node": "DC", "sku": "A", "on_hand": 20}], "inbound": [],
            "orders": [order("SO-1", 1), order("SO-2", 1), order("SO-3", 3)],
            "disruptions": []
        });
        let s = crate::scenario::validate::load_scenario(doc.to_string().as_bytes())
            .unwrap()
            .0;
        let ship = |i: usize| Shipment {
            order: OrderIx::new(i),
            sku: SkuIx::new(0),
            node: NodeIx::new(0),
            lane: Some(LaneIx::new(0)),
            ship: 1,
            quantity: 10.0,
        };
        let plan = Plan {
            shipments: vec![ship(1), ship(2)],
            ..Plan::default()
        };
        let eval = evaluate(&s, &plan);
        assert!(eval.feasible(), "{:?}", eval.violations);
        let groups = holder_groups(&s, &eval, GROUP);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].orders, vec![0, 2, 1]);
        assert!(groups[0].holder && !groups[0].charges);
    }

    fn lp(status: Status, values: Option<Vec<f64>>) -> SolveResult {
        SolveResult {
            status,
            values,
            objective: None,
            bound: None,
            gap: None,
            seconds: 0.0,
            handoff_seconds: 0.0,
            rows: 0,
            cols: 2,
            nonzeros: 0,
            integer_cols: 0,
            solver: String::new(),
        }
    }

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

    /// Column 0 a ship-complete switch, column 1 an expedite, both free.
    fn dive(open: &[usize]) -> Dive<'_> {
        Dive {
            open,
            charge: vec![None, None],
            scalings: 0,
            raise: vec![false, true],
            fixed: vec![None, None],
            tried: None,
            source_of: vec![None, None],
            start: vec![0.0, 0.0],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    #[test]
    fn the_largest_fraction_goes_to_1_and_back_to_0_when_that_is_infeasible() {
        let open = [0, 1];
        let mut d = dive(&open);
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.7, 0.4]))),
            Some(vec![Change::Fix(0, 1.0)])
        );
        assert_eq!(
            d.next(&lp(Status::Infeasible, None)),
            Some(vec![Change::Fix(0, 0.0)])
        );
        assert_eq!(d.fixed, vec![Some(0.0), None]);
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.0, 0.4]))),
            Some(vec![Change::Fix(1, 1.0)])
        );
        // Every decision whole: the dive ends, and the last solve is its plan.
        assert_eq!(d.next(&lp(Status::Optimal, Some(vec![0.0, 1.0]))), None);
        let last = lp(Status::Optimal, Some(vec![0.0, 1.0]));
        assert!(d.finished(last).is_some());
        assert_eq!(d.fixed, vec![Some(0.0), Some(1.0)]);
    }

    /// Columns 0 and 1 the sources of order 7, 2 and 3 those of order 9, all free; the plan
    /// ships 7 from the first and 9 from the second of its own.
    fn sources(open: &[usize]) -> Dive<'_> {
        Dive {
            open,
            charge: vec![None; 4],
            scalings: 0,
            raise: vec![false; 4],
            fixed: vec![None; 4],
            tried: None,
            source_of: vec![Some(7), Some(7), Some(9), Some(9)],
            start: vec![1.0, 0.0, 0.0, 1.0],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    #[test]
    fn fractional_sources_are_rounded_in_one_solve_and_go_back_to_the_plans_when_infeasible() {
        let open = [0, 1, 2, 3];
        // Each order's largest source at 1, both in one step.
        let mut d = sources(&open);
        let split = lp(Status::Optimal, Some(vec![0.4, 0.6, 0.3, 0.7]));
        assert_eq!(
            d.next(&split),
            Some(vec![Change::Fix(1, 1.0), Change::Fix(3, 1.0)])
        );
        // Infeasible: both orders' sources back where the plan has them.
        assert_eq!(
            d.next(&lp(Status::Infeasible, None)),
            Some(vec![
                Change::Fix(0, 1.0),
                Change::Fix(1, 0.0),
                Change::Fix(2, 0.0),
                Change::Fix(3, 1.0)
            ])
        );
        assert_eq!(d.fixed, vec![Some(1.0), Some(0.0), Some(0.0), Some(1.0)]);
        // Feasible: the other sources whole, the dive ends; only once a dive.
        let mut d = sources(&open);
        d.next(&split);
        let whole = lp(Status::Optimal, Some(vec![0.0, 1.0, 0.0, 1.0]));
        assert_eq!(d.next(&whole), None);
        assert!(d.finished(whole).is_some());
        assert_eq!(d.fixed, vec![Some(0.0), Some(1.0), Some(0.0), Some(1.0)]);
        let mut d = sources(&open);
        d.next(&split);
        // Order 9 may use two sources: its other one, left at a half, is dived on as usual.
        let half = lp(Status::Optimal, Some(vec![0.0, 1.0, 0.5, 1.0]));
        assert_eq!(d.next(&half), Some(vec![Change::Fix(2, 1.0)]));
        assert!(d.rounding.is_empty());
        // An order whose sources are whole is not rounded.
        let mut d = sources(&open);
        let one = lp(Status::Optimal, Some(vec![1.0, 0.0, 0.3, 0.7]));
        assert_eq!(d.next(&one), Some(vec![Change::Fix(3, 1.0)]));
        assert_eq!(d.rounding, vec![2, 3]);
    }

    #[test]
    fn at_the_cap_a_switch_left_fractional_goes_to_0_and_an_expedite_to_1() {
        let open = [0, 1];
        let mut d = dive(&open);
        d.solves = DIVES - 1;
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.5, 0.5]))),
            Some(vec![Change::Fix(0, 0.0), Change::Fix(1, 1.0)])
        );
    }

    #[test]
    fn a_solve_stopped_with_a_fraction_left_gives_no_plan() {
        let open = [0, 1];
        let mut d = dive(&open);
        let stopped = Status::Feasible { limit: Limit::Time };
        assert_eq!(d.next(&lp(stopped, Some(vec![0.5, 0.0]))), None);
        assert!(d.finished(lp(stopped, Some(vec![0.5, 0.0]))).is_none());
        assert!(d
            .finished(lp(Status::Optimal, Some(vec![0.5, 0.0])))
            .is_none());
    }

    /// Column 0 a ship-complete switch; columns 1 and 2 charges of 100 and 50, both free.
    #[test]
    fn open_charges_are_repriced_by_their_use_then_fixed_by_it_before_the_dive() {
        let open = [0, 1, 2];
        let mut d = Dive {
            open: &open,
            charge: vec![None, Some(100.0), Some(50.0)],
            scalings: SCALINGS,
            raise: vec![false, true, true],
            fixed: vec![None; 3],
            tried: None,
            source_of: vec![None; 3],
            start: vec![0.0; 3],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        };
        // A charge used at a quarter costs 4 times its price per unit of load; one the LP
        // leaves at 0 keeps its price.
        let quarter = lp(Status::Optimal, Some(vec![0.5, 0.25, 0.0]));
        assert_eq!(d.next(&quarter), Some(vec![Change::Cost(1, 400.0)]));
        let half = lp(Status::Optimal, Some(vec![0.5, 0.5, 0.0]));
        assert_eq!(d.next(&half), Some(vec![Change::Cost(1, 200.0)]));
        assert_eq!(d.next(&half), Some(vec![Change::Cost(1, 200.0)]));
        // The last scaling solve: used at 1, unused at 0, each at its own price again.
        assert_eq!(
            d.next(&half),
            Some(vec![
                Change::Fix(1, 1.0),
                Change::Cost(1, 100.0),
                Change::Fix(2, 0.0),
                Change::Cost(2, 50.0)
            ])
        );
        assert_eq!(d.fixed, vec![None, Some(1.0), Some(0.0)]);
        // Then the dive over the switch, its cap counted after the scaling.
        let after = lp(Status::Optimal, Some(vec![0.5, 1.0, 0.0]));
        assert_eq!(d.next(&after), Some(vec![Change::Fix(0, 1.0)]));
        assert_eq!(d.solves, 1, "the scaling solves are not the dive's");
        d.solves = DIVES - 1;
        d.tried = None;
        d.fixed[0] = None;
        assert_eq!(d.next(&after), Some(vec![Change::Fix(0, 0.0)]));
    }
}
