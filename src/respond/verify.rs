//! Step 4: the checker over every prefix of the responses (in parallel; past a budget,
//! evenly spaced ones and the last), whose numbers are the net benefits.

use super::construct::{coarse_to_fine, Group};
use super::deltas::MergedBase;
use super::response::RespondError;
use super::units::Unit;
use crate::check::{evaluate, CostBreakdown};
use crate::plan::Plan;
use crate::scenario::domain::Scenario;
use rayon::prelude::*;

/// Work the checker may spend on prefixes, in plan entries evaluated: every prefix on the
/// medium preset (seed 1: 587 responses x 13,064 entries, 7.7 million), a sample on larger
/// plans, where checking all of them would cost responses x plan size (large: 38 of 9,366
/// prefixes of 262,638 entries, about 1.8 s on 2 cores).
pub(super) const CHECK_BUDGET: usize = 10_000_000;

/// What the checker may spend: plan entries evaluated, and time.
#[derive(Clone, Copy)]
pub(super) struct Checking {
    pub(super) entries: usize,
    pub(super) until: Option<std::time::Instant>,
}

/// The cost breakdown after each prefix of responses. The construction predicts each one;
/// the checker evaluates every prefix (or, past [`CHECK_BUDGET`], evenly spaced prefixes
/// and the last; past `until`, those it reached, the last always among them): a prefix it
/// rejects, or a cost that differs from the prediction by more than 1e-6 relative, is an
/// internal error. Where the checker evaluated, its numbers are the ones used. Returns the
/// breakdowns and how many prefixes the checker evaluated.
pub(super) fn verify(
    s: &Scenario,
    baseline: &Plan,
    baseline_cost: CostBreakdown,
    units: &[Unit],
    groups: &[Group],
    deltas: &[(Plan, Plan)],
    checking: Checking,
) -> Result<(Vec<CostBreakdown>, usize), RespondError> {
    let Checking {
        entries: budget,
        until,
    } = checking;
    let predicted = predicted(baseline_cost, units, groups);
    let size = baseline.shipments.len() + baseline.transfers.len() + s.orders.len() + 1;
    let chosen = chosen(groups.len(), size, budget);
    let results = check_prefixes(s, baseline, deltas, &chosen, until);
    let checked_prefixes = results.len();
    let (mut costs, checked_at) = compared(baseline_cost, &predicted, results)?;
    carry(baseline_cost, &predicted, &checked_at, &mut costs);
    Ok((costs, checked_prefixes))
}

/// The construction's prediction, prefix by prefix: the baseline's cost plus each group's
/// units' parts and its fixed and total changes, in group order.
fn predicted(baseline_cost: CostBreakdown, units: &[Unit], groups: &[Group]) -> Vec<CostBreakdown> {
    let mut predicted = Vec::with_capacity(groups.len());
    let mut c = baseline_cost;
    for g in groups {
        for &u in &g.units {
            let p = &units[u].parts;
            c.transport += p.transport;
            c.expedite += p.expedite;
            c.lateness += p.lateness;
            c.shortage += p.shortage;
            c.change += p.change;
        }
        c.fixed += g.fixed_delta;
        c.total += g.cost_delta;
        predicted.push(c);
    }
    predicted
}

/// The prefixes (by the index of their last response) of `n` the checker may evaluate
/// within `budget` entries when each costs `size`: all of them, or evenly spaced ones with
/// the first and the last.
fn chosen(n: usize, size: usize, budget: usize) -> Vec<usize> {
    if n.saturating_mul(size) <= budget {
        (0..n).collect()
    } else {
        // n >= 1 here (0 responses fit any budget); at least the first and the last.
        let m = (budget / size).max(2).min(n);
        if m == 1 {
            vec![n - 1]
        } else {
            let mut v: Vec<usize> = (0..m).map(|i| i * (n - 1) / (m - 1)).collect();
            v.dedup();
            v
        }
    }
}

/// Each prefix the checker evaluated, in prefix order, with the cost it found or the
/// error it raised.
type Checked = Vec<(usize, Result<CostBreakdown, RespondError>)>;

/// The checker on the `chosen` prefixes, those it reached before `until`, in prefix order
/// (so that a failure names the first prefix found to fail).
fn check_prefixes(
    s: &Scenario,
    baseline: &Plan,
    deltas: &[(Plan, Plan)],
    chosen: &[usize],
    until: Option<std::time::Instant>,
) -> Checked {
    // Each prefix is built the way `apply` builds an approval set, from the responses'
    // deltas on the baseline, so what is checked here is what gets approved. The last
    // first, then coarse to fine (halves, quarters, ...), a batch per round, so that a
    // check cut short by `until` has still spread its prefixes over the whole list.
    let order = coarse_to_fine(chosen);
    let batch = 2 * rayon::current_num_threads();
    let base = MergedBase::of(baseline);
    let check = |k: usize| {
        let plan = base.apply(&deltas[..=k]);
        let e = evaluate(s, &plan);
        let checked = match e.violations.first() {
            Some(v) => Err(RespondError::PrefixInfeasible {
                prefix: k + 1,
                rule: v.rule,
                message: v.message.clone(),
            }),
            None => Ok(e.cost),
        };
        (k, checked)
    };
    let past = || until.is_some_and(|t| std::time::Instant::now() >= t);
    // The last prefix, first in `order`, is always evaluated: alone when the time is up
    // before the check begins, else in the first round.
    let mut size = if past() { 1 } else { batch };
    let (mut rest, mut results): (&[usize], Checked) = (&order, Vec::new());
    while !rest.is_empty() && (results.is_empty() || !past()) {
        let (round, tail) = rest.split_at(size.min(rest.len()));
        results.extend(round.par_iter().map(|&k| check(k)).collect::<Vec<_>>());
        (rest, size) = (tail, batch);
    }
    results.sort_unstable_by_key(|r| r.0);
    results
}

/// The predicted costs with the checker's where it ran, and the prefixes it ran on; an
/// error for the first prefix it rejected or whose cost differs from the prediction.
fn compared(
    baseline_cost: CostBreakdown,
    predicted: &[CostBreakdown],
    results: Checked,
) -> Result<(Vec<CostBreakdown>, Vec<usize>), RespondError> {
    let mut costs = predicted.to_vec();
    let mut checked_at = Vec::with_capacity(results.len());
    for (k, checked) in results {
        let checked = checked?;
        checked_at.push(k);
        let want = predicted[k].total;
        let scale = baseline_cost.total.abs().max(want.abs()).max(1.0);
        if (checked.total - want).abs() > 1e-6 * scale {
            let before = if k == 0 {
                baseline_cost.total
            } else {
                predicted[k - 1].total
            };
            return Err(RespondError::BenefitMismatch {
                response: k + 1,
                estimated: before - want,
                checked: before - checked.total,
            });
        }
        costs[k] = checked;
    }
    Ok((costs, checked_at))
}

/// Between checked prefixes (`checked_at`, ascending), the predicted changes carried from
/// the last checked one.
fn carry(
    baseline_cost: CostBreakdown,
    predicted: &[CostBreakdown],
    checked_at: &[usize],
    costs: &mut [CostBreakdown],
) {
    let mut prev = baseline_cost;
    let mut prev_pred = baseline_cost;
    for k in 0..predicted.len() {
        if checked_at.binary_search(&k).is_err() {
            costs[k] = prev + (predicted[k] - prev_pred);
        }
        prev = costs[k];
        prev_pred = predicted[k];
    }
}
