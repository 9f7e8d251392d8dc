//! LP-guided search: a proven lower bound and a good feasible point for models that are too
//! large for HiGHS's branch-and-cut to get anywhere in the time allowed. The method, why
//! each step is valid, and the measurements: `models/guided.md`.
//!
//! 1. **Column generation** solves the LP relaxation over a restricted set of columns and
//!    prices the others against the row duals, adding the most negative ones, until none
//!    is left. Whatever the state of the pricing, the duals give a Lagrangian bound that
//!    is valid for the whole model (see [`lagrangian_bound`]).
//! 2. **Slope scaling** rewrites each fixed charge's link row (a yes/no column that opens
//!    the flows of a `sum of flows <= M * open` row) as `sum of flows <= flow * open`, with
//!    the flow it carried in the previous LP, so that the LP pays each charge in full for
//!    the flow it uses. The LP is solved again (and priced once) each round until the set
//!    of charges with flow repeats; the set with the lowest true cost so far wins. It
//!    stops early enough to leave the dive time.
//! 3. **Fix, dive, polish**: the charges are fixed as that set says, the other fractional
//!    yes/no columns are rounded in a short dive without pricing (halving a batch that
//!    makes the LP infeasible), every yes/no column is fixed and the LP priced once more,
//!    HiGHS improves the restricted MIP from the dive's point when time allows and, when
//!    the policy asks, makes the quantities whole. The point, padded with zeros (charges
//!    that carry nothing closed), is a feasible point of the whole model.
//!
//! The module knows nothing of what the columns mean: it reads a [`Mip`], a set of columns
//! to start from, and which columns are quantities.

use std::time::{Duration, Instant};

use crate::optimize::charges::{find_charges, Charge};
use crate::optimize::highs::{solve_from, LpSession, LpSolution, SolveError, SolveOptions};
use crate::optimize::mip::{Columns, Mip};

/// The relative gap at which the polish stops (against its own restricted model's bound).
/// Medium seeds 1-7 at the default limit, 2026-12-05: 0.1 % gave seed 1 200,795.69 against
/// 201,226.38 at 0.5 % (three runs each way, every one the same), and the other six seeds
/// the same plans; their polish ends at its time share or at its own optimum first.
pub const POLISH_GAP: f64 = 0.001;

/// When each step must stop, and whether HiGHS may improve the dive's point (off, the
/// point is the dive's, with whole quantities made whole by HiGHS when asked).
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    pub lp: Instant,
    pub slope: Instant,
    pub polish: Instant,
    /// The search's own end: a dive its deadline (`polish`) cut short gets one more LP
    /// solve until then (`Search::fix_and_dive`).
    pub end: Instant,
    pub mip_polish: bool,
}

/// What the search found.
#[derive(Clone, Debug, Default)]
pub struct Guided {
    /// A lower bound on the model's optimum (and on the optimum of any restriction of its
    /// quantities to whole numbers), from the duals of the last LP solved in step 1.
    pub bound: Option<f64>,
    /// The multipliers that bound came from ([`usable_duals`] of the last LP's row duals).
    pub duals: Option<Vec<f64>>,
    /// The LP relaxation was solved over every column (pricing found nothing to add).
    pub lp_converged: bool,
    /// A feasible point of the model, one value per column, and its objective.
    pub start: Option<Vec<f64>>,
    pub start_objective: Option<f64>,
    /// The first restricted LP was infeasible: its columns could not keep the rows (the
    /// whole model may need columns it left out, transfers say, or be infeasible itself).
    pub lp_infeasible: bool,
    /// LP solves in step 1 (each followed by pricing), and rounds of step 2.
    pub pricing_rounds: usize,
    pub slope_rounds: usize,
    /// LP solves in the dive that makes the other yes/no columns whole.
    pub dive_rounds: usize,
    /// The dive's deadline came first: the yes/no columns it had not made whole went to
    /// their lower bound in one more LP solve.
    pub dive_cut: bool,
    /// Columns in the restricted LP at the end, and charges found.
    pub columns: usize,
    pub charges: usize,
    pub lp_seconds: f64,
    pub slope_seconds: f64,
    pub polish_seconds: f64,
}

/// Runs the three steps within `budget`. `seed[j]`: start the LP with column j (columns
/// whose lower bound is not 0, and integer columns, are always in). `quantities[j]`: column
/// j must be whole in the polish when `whole` is set and the continuous polish is not.
pub fn guide(
    mip: &Mip,
    seed: &[bool],
    quantities: &[bool],
    whole: bool,
    opts: &SolveOptions,
    budget: &Budget,
) -> Result<Guided, SolveError> {
    let columns = mip.columns();
    let charges = find_charges(mip, &columns);
    let mut search = Search {
        mip,
        columns: &columns,
        charges: &charges,
        lp: Restricted::new(mip, &columns, opts)?,
        opts,
        budget,
        out: Guided {
            charges: charges.len(),
            ..Guided::default()
        },
    };
    let first: Vec<usize> = (0..mip.num_cols())
        .filter(|&j| seed[j] || mip.integer[j] || mip.col_lower[j] != 0.0)
        .collect();
    search.lp.add(&first)?;

    let Some(sol) = search.relax()? else {
        search.out.lp_infeasible = search.lp.session.infeasible();
        return Ok(search.out);
    };
    if search.stopped() {
        return Ok(search.out);
    }
    let open = search.slope_scale(sol)?;
    if search.stopped() {
        return Ok(search.out);
    }
    let t = Instant::now();
    let fixed = search.fix_and_dive(&open)?;
    let values = search.polish(fixed, quantities, whole)?;
    if let Some(values) = values {
        let x = search.padded(values);
        let objective = mip.objective(&x);
        // The model's cost of a whole plan, at least the checker's (it may charge a
        // lane-day kept open with nothing on it).
        if !opts.holds_orders {
            opts.found_plan(objective);
        }
        search.out.start_objective = Some(objective);
        search.out.start = Some(x);
    }
    search.out.polish_seconds = t.elapsed().as_secs_f64();
    search.out.columns = search.lp.cols.len();
    Ok(search.out)
}

/// Step 1 alone, until `until`: the LP relaxation by column generation from the columns
/// `seed` marks, with its bound and duals, and whether the pricing converged.
pub fn relaxation(
    mip: &Mip,
    seed: &[bool],
    opts: &SolveOptions,
    until: Instant,
) -> Result<Guided, SolveError> {
    let columns = mip.columns();
    let budget = Budget {
        lp: until,
        slope: until,
        polish: until,
        end: until,
        mip_polish: false,
    };
    let mut search = Search {
        mip,
        columns: &columns,
        charges: &[],
        lp: Restricted::new(mip, &columns, opts)?,
        opts,
        budget: &budget,
        out: Guided::default(),
    };
    let first: Vec<usize> = (0..mip.num_cols())
        .filter(|&j| seed[j] || mip.integer[j] || mip.col_lower[j] != 0.0)
        .collect();
    search.lp.add(&first)?;
    if search.relax()?.is_none() {
        search.out.lp_infeasible = search.lp.session.infeasible();
    }
    Ok(search.out)
}

/// The state the steps share: the model, its charges, the restricted LP they grow and
/// modify in turn, and what has been found so far.
struct Search<'a> {
    mip: &'a Mip,
    columns: &'a Columns,
    charges: &'a [Charge],
    lp: Restricted<'a>,
    opts: &'a SolveOptions,
    budget: &'a Budget,
    out: Guided,
}

/// Where the dive leaves the point: its values over the LP's columns (every yes/no column
/// whole), and which model columns are charges.
struct Fixed {
    values: Option<Vec<f64>>,
    is_charge: Vec<bool>,
}

impl Search<'_> {
    /// Whether a watcher stopped the solve (`recourse serve`'s `$/cancelRequest`): each
    /// step then ends at its next LP solve, keeping what it has (the bound of the last
    /// duals), and the steps after it do not run.
    fn stopped(&self) -> bool {
        self.opts.stopped()
    }

    /// Step 1: the LP relaxation, and a bound from the last duals (valid whether the
    /// pricing converged or the time share ran out). `None` when the first restricted LP
    /// has no solution.
    fn relax(&mut self) -> Result<Option<LpSolution>, SolveError> {
        let t = Instant::now();
        let mut last = None;
        while let Some((sol, added)) = self.lp.solve_and_price(self.budget.lp)? {
            self.out.pricing_rounds += 1;
            last = Some(sol);
            if added == 0 {
                self.out.lp_converged = true;
                break;
            }
            if self.stopped() {
                break;
            }
        }
        self.out.bound = last
            .as_ref()
            .map(|sol| lagrangian_bound(self.mip, self.columns, &sol.row_dual));
        // A model that holds orders bounds only itself.
        if let Some(b) = self.out.bound.filter(|_| !self.opts.holds_orders) {
            self.opts.found_bound(b);
        }
        self.out.duals = last
            .as_ref()
            .map(|sol| usable_duals(self.mip, &sol.row_dual));
        self.out.lp_seconds = t.elapsed().as_secs_f64();
        self.out.columns = self.lp.cols.len();
        Ok(last)
    }

    /// Step 2: slope scaling over the charges, from the LP solution `sol`. Each charge's
    /// link row reads `flows <= flow_prev * open`, so the LP pays the whole charge for the
    /// flow it carried last time. `open <= 1` is lifted so as not to cap the flows at last
    /// time's; this LP only guides, and in our formulations the flows' own bounds and
    /// capacity rows cap them. Returns the set of open charges with the lowest true cost.
    fn slope_scale(&mut self, mut sol: LpSolution) -> Result<Vec<bool>, SolveError> {
        let opts = self.opts;
        let stopped = || opts.stopped();
        let (charges, lp) = (self.charges, &mut self.lp);
        let t = Instant::now();
        // The dive after it needs about six LP solves' time (one with the charges fixed, a
        // dozen short ones, the last pricing); slope scaling leaves it that, or it would
        // end without a point when the time limit is short.
        let rounds = self.out.pricing_rounds.max(1) as f64;
        let mean_solve = Duration::from_secs_f64(self.out.lp_seconds / rounds);
        let reserve = mean_solve.max(lp.last_solve) * 6;
        let polish = self.budget.polish;
        let slope_until = self
            .budget
            .slope
            .min(polish.checked_sub(reserve).unwrap_or(polish));
        for c in charges {
            lp.session.set_bounds(lp.at[c.col], 0.0, f64::INFINITY)?;
        }
        let mut scale: Vec<f64> = charges.iter().map(|c| c.m).collect();
        let mut best: Option<(f64, Vec<bool>)> = None;
        let mut seen: Vec<Vec<bool>> = Vec::new();
        loop {
            let mut open = vec![false; charges.len()];
            // The cost of this LP's point once every charge it uses is paid in full.
            let mut true_cost = sol.objective;
            for (i, c) in charges.iter().enumerate() {
                let k = lp.at[c.col];
                let x = sol.col_value[k];
                let flow = sol.row_value[c.row] + scale[i] * x;
                true_cost -= c.cost * x;
                if flow > 1e-6 {
                    open[i] = true;
                    true_cost += c.cost;
                    // A sliver of flow would make the charge per unit enormous; a unit is
                    // the least that moves when quantities are whole.
                    scale[i] = flow.max(c.m.min(1.0));
                    lp.session.set_coefficient(c.row, k, -scale[i])?;
                }
            }
            if best.as_ref().is_none_or(|(b, _)| true_cost < *b) {
                best = Some((true_cost, open.clone()));
            }
            if charges.is_empty()
                || seen.contains(&open)
                || Instant::now() >= slope_until
                || stopped()
            {
                break;
            }
            seen.push(open);
            // One solve a round, priced once: the columns it adds join the next round's
            // LP. Pricing to convergence every round takes two to four solves a round, each
            // restarting the dual simplex from a dual-infeasible basis.
            let Some((next, _)) = lp.solve_and_price(slope_until)? else {
                break;
            };
            self.out.slope_rounds += 1;
            sol = next;
        }
        self.out.slope_seconds = t.elapsed().as_secs_f64();
        Ok(best.map(|(_, o)| o).unwrap_or_default())
    }

    /// Step 3, first part: fix the charges as `open` says, round the other yes/no columns
    /// in a dive, and solve the LP (priced) once more: a feasible point, whole wherever
    /// the data make it so.
    fn fix_and_dive(&mut self, open: &[bool]) -> Result<Fixed, SolveError> {
        let is_charge = self.fix_charges(open)?;
        let (mip, lp) = (self.mip, &self.lp);
        let others: Vec<usize> = (0..lp.cols.len())
            .filter(|&k| mip.integer[lp.cols[k]] && !is_charge[lp.cols[k]])
            .collect();
        // Not priced here: with the pricing unfinished (a short time limit) that could take
        // the dive's whole share; the pricing after the dive does it, with every decision
        // made.
        let point = self.lp.solve(self.budget.polish)?;
        let (mut point, last) = self.dive(&others, point)?;
        // Cut short by the deadline (the LP's pricing took longer than its share, or the
        // machine is slow): every yes/no column the last point left fractional, or every
        // one not fixed when no point was solved, goes to its lower bound, which never
        // needs more stock or capacity, and the LP is solved once more within the search's
        // end. Without this, medium seed 8 at `--time-limit 12` ended its dive with no
        // point in three runs of four, and `solve` kept the rules' plan (475,622 against
        // 254,439).
        if point.is_none() && Instant::now() >= self.budget.polish {
            point = self.settle_cut_dive(&others, last.as_ref())?;
        }
        // Priced once more with every yes/no column fixed where the dive left it (a column
        // that was whole and never fixed could turn fractional again): the quantities' best
        // columns.
        if let Some(sol) = &point {
            if let Some(better) = self.price_fixed(&others, sol)? {
                point = Some(better);
            }
        }
        // Columns priced in after the point was found are 0 in it.
        let values = point.map(|p| {
            let mut v = p.col_value;
            v.resize(self.lp.cols.len(), 0.0);
            v
        });
        Ok(Fixed { values, is_charge })
    }

    /// Fixes each charge's column at 1 or 0 as `open` says, with its link row's coefficient
    /// back at its big-M: which model columns are charges.
    fn fix_charges(&mut self, open: &[bool]) -> Result<Vec<bool>, SolveError> {
        let lp = &mut self.lp;
        let mut is_charge = vec![false; self.mip.num_cols()];
        for (c, &on) in self.charges.iter().zip(open) {
            let k = lp.at[c.col];
            is_charge[c.col] = true;
            let v = f64::from(u8::from(on));
            lp.session.set_coefficient(c.row, k, -c.m)?;
            lp.session.set_bounds(k, v, v)?;
        }
        Ok(is_charge)
    }

    /// The dive's rounds from `point` over the yes/no columns `others`: the point they end
    /// at (`None` when the LP failed at the deadline) and the last point they rounded.
    fn dive(
        &mut self,
        others: &[usize],
        mut point: Option<LpSolution>,
    ) -> Result<(Option<LpSolution>, Option<LpSolution>), SolveError> {
        // The last point solved, whose fractions a dive cut short rounds down.
        let mut last: Option<LpSolution> = None;
        // A dive: each round fixes at 1 the fractional yes/no columns at 0.5 or more (when
        // none is, the largest quarter of them) and solves again without pricing, so the LP
        // adapts the rest around each decision with a few dual simplex iterations. When
        // that is infeasible the batch is halved, and a single column that cannot be 1 is
        // fixed at 0, which never needs more stock or capacity (a source, an expedite or a
        // ship-complete order given up).
        while let Some(sol) = point.take() {
            let fractional = fractional_largest_first(others, &sol.col_value);
            if fractional.is_empty() {
                point = Some(sol);
                break;
            }
            let ups = match fractional
                .iter()
                .take_while(|&&k| sol.col_value[k] >= 0.5)
                .count()
            {
                0 => fractional.len().div_ceil(4),
                above => above,
            };
            self.out.dive_rounds += 1;
            point = self.fix_batch(&fractional, ups)?;
            last = Some(sol);
        }
        Ok((point, last))
    }

    /// One round of the dive: the first `ups` of `fractional` fixed at 1, the batch halved
    /// (bounds restored) while the LP is infeasible before the deadline, and a single column
    /// that cannot be 1 fixed at 0; the point solved last.
    fn fix_batch(
        &mut self,
        fractional: &[usize],
        mut ups: usize,
    ) -> Result<Option<LpSolution>, SolveError> {
        let (mip, lp, deadline) = (self.mip, &mut self.lp, self.budget.polish);
        loop {
            for &k in &fractional[..ups] {
                lp.session.set_bounds(k, 1.0, 1.0)?;
            }
            let point = lp.solve(deadline)?;
            if point.is_some() || Instant::now() >= deadline {
                return Ok(point);
            }
            for &k in &fractional[..ups] {
                let j = lp.cols[k];
                lp.session
                    .set_bounds(k, mip.col_lower[j], mip.col_upper[j])?;
            }
            if ups == 1 {
                lp.session.set_bounds(fractional[0], 0.0, 0.0)?;
                return lp.solve(deadline);
            }
            ups /= 2;
        }
    }

    /// After a dive the deadline cut short: each of `others` that `last` left whole fixed
    /// there, every other one at its lower bound, and the LP solved until the search's end.
    fn settle_cut_dive(
        &mut self,
        others: &[usize],
        last: Option<&LpSolution>,
    ) -> Result<Option<LpSolution>, SolveError> {
        self.out.dive_cut = true;
        let (mip, lp) = (self.mip, &mut self.lp);
        for &k in others {
            let j = lp.cols[k];
            match last {
                Some(sol) if is_whole(sol.col_value[k]) => {
                    let v = sol.col_value[k].round();
                    lp.session.set_bounds(k, v, v)?;
                }
                _ => lp
                    .session
                    .set_bounds(k, mip.col_lower[j], mip.col_lower[j])?,
            }
        }
        lp.solve(self.budget.end)
    }

    /// The LP priced to its optimum with each of `others` fixed at its value in `sol`
    /// rounded: that optimum, `None` at the deadline.
    fn price_fixed(
        &mut self,
        others: &[usize],
        sol: &LpSolution,
    ) -> Result<Option<LpSolution>, SolveError> {
        for &k in others {
            let v = sol.col_value[k].round();
            self.lp.session.set_bounds(k, v, v)?;
        }
        self.lp.reoptimize(self.budget.polish)
    }

    /// Step 3, second part: with time left HiGHS improves the point with the charges fixed
    /// and the other yes/no columns free again (quantities continuous: whole ones stall it
    /// at the root), then makes the quantities whole when `whole` asks and the point has a
    /// fractional one. Values over the LP's columns.
    fn polish(
        &self,
        fixed: Fixed,
        quantities: &[bool],
        whole: bool,
    ) -> Result<Option<Vec<f64>>, SolveError> {
        let (mip, lp, budget) = (self.mip, &self.lp, self.budget);
        let Fixed {
            mut values,
            is_charge,
        } = fixed;
        // The polish only needs to be good against the LP bound, which is percents away on
        // the models this is for; a MIP that follows starts from it and proves the rest.
        // Its own gap is small enough that it does not stop at a plan it could still
        // improve cheaply ([`POLISH_GAP`]).
        let polish_opts = || SolveOptions {
            time_limit_s: secs_until(budget.polish).max(0.01),
            mip_gap: self.opts.mip_gap.max(POLISH_GAP),
            ..self.opts.clone()
        };
        let restricted = |fix: &dyn Fn(usize) -> Option<f64>| {
            let mut sub = mip.restricted(&lp.cols);
            for k in 0..lp.cols.len() {
                if let Some(v) = fix(k) {
                    (sub.col_lower[k], sub.col_upper[k]) = (v, v);
                }
            }
            sub
        };
        if let Some(v) = values
            .as_ref()
            .filter(|_| budget.mip_polish && secs_until(budget.polish) > self.out.lp_seconds)
        {
            let sub = restricted(&|k| {
                let j = lp.cols[k];
                is_charge[j].then(|| v[k].round())
            });
            if let Some(better) = solve_from(&sub, &polish_opts(), Some(v))?.values {
                if sub.objective(&better) < sub.objective(v) {
                    values = Some(better);
                }
            }
        }
        let fractional = |values: &[f64]| {
            lp.cols
                .iter()
                .zip(values)
                .any(|(&j, &v)| quantities[j] && !is_whole(v))
        };
        if let Some(v) = values.as_ref().filter(|v| whole && fractional(v)) {
            // Whole quantities with every yes/no decision fixed as in the point; the
            // fractional point stays a start for the continuous model if this finds nothing.
            let mut sub = restricted(&|k| mip.integer[lp.cols[k]].then(|| v[k].round()));
            for (k, &j) in lp.cols.iter().enumerate() {
                sub.integer[k] |= quantities[j];
            }
            if let Some(w) = solve_from(&sub, &polish_opts(), None)?.values {
                values = Some(w);
            }
        }
        Ok(values)
    }

    /// `values` over the LP's columns as a point of the whole model: the columns left out
    /// are 0, and a charge fixed open whose lane-day ended up carrying nothing is closed
    /// (its row still holds, and the point then costs what the checker says the plan
    /// costs).
    fn padded(&self, values: Vec<f64>) -> Vec<f64> {
        let mut x = vec![0.0; self.mip.num_cols()];
        for (&j, v) in self.lp.cols.iter().zip(values) {
            x[j] = v;
        }
        for c in self.charges {
            let carried: f64 = self
                .mip
                .row(c.row)
                .filter(|(v, _)| v.ix() != c.col)
                .map(|(v, a)| a * x[v.ix()])
                .sum();
            if carried <= 0.0 {
                x[c.col] = 0.0;
            }
        }
        x
    }
}

/// The restricted LP: which columns of the model it holds, and where.
struct Restricted<'a> {
    mip: &'a Mip,
    columns: &'a Columns,
    session: LpSession,
    /// Model column of each LP column, and LP position of each model column (`usize::MAX`
    /// when left out).
    cols: Vec<usize>,
    at: Vec<usize>,
    /// How long the last solve took.
    last_solve: Duration,
}

impl<'a> Restricted<'a> {
    fn new(mip: &'a Mip, columns: &'a Columns, opts: &SolveOptions) -> Result<Self, SolveError> {
        Ok(Self {
            mip,
            columns,
            session: LpSession::new(mip, opts)?,
            cols: Vec::new(),
            at: vec![usize::MAX; mip.num_cols()],
            last_solve: Duration::ZERO,
        })
    }

    fn add(&mut self, js: &[usize]) -> Result<(), SolveError> {
        self.session.add_columns(self.mip, self.columns, js)?;
        for &j in js {
            self.at[j] = self.cols.len();
            self.cols.push(j);
        }
        Ok(())
    }

    /// Solves the LP, then adds the columns left out whose reduced cost is negative (the
    /// most negative first, a bounded number per round). `None` when the LP stopped at the
    /// deadline or is infeasible; else the solution and how many columns were added.
    fn solve_and_price(
        &mut self,
        deadline: Instant,
    ) -> Result<Option<(LpSolution, usize)>, SolveError> {
        let Some(sol) = self.solve(deadline)? else {
            return Ok(None);
        };
        let mut negative: Vec<(f64, usize)> = (0..self.mip.num_cols())
            .filter(|&j| self.at[j] == usize::MAX)
            .filter_map(|j| {
                let d = self
                    .columns
                    .reduced_cost(self.mip.col_cost[j], j, &sol.row_dual);
                (d < -1e-7).then_some((d, j))
            })
            .collect();
        // A round adds a share of the model at most: the first duals, from a small
        // restricted LP, price in far more columns than the optimum needs.
        let most = (self.mip.num_cols() / 25).max(5_000);
        if negative.len() > most {
            negative.select_nth_unstable_by(most, |a, b| a.0.total_cmp(&b.0));
            negative.truncate(most);
        }
        let add: Vec<usize> = negative.into_iter().map(|(_, j)| j).collect();
        self.add(&add)?;
        Ok(Some((sol, add.len())))
    }

    /// Solves the LP as it stands, without pricing (`None` at the deadline or when
    /// infeasible).
    fn solve(&mut self, deadline: Instant) -> Result<Option<LpSolution>, SolveError> {
        let left = secs_until(deadline);
        if left <= 0.0 {
            return Ok(None);
        }
        let t = Instant::now();
        let run = self.session.run(left);
        self.last_solve = t.elapsed();
        run
    }

    /// Solves and prices until no column is added: the LP optimum over every column (`None`
    /// at the deadline).
    fn reoptimize(&mut self, deadline: Instant) -> Result<Option<LpSolution>, SolveError> {
        while let Some((sol, added)) = self.solve_and_price(deadline)? {
            if added == 0 {
                return Ok(Some(sol));
            }
        }
        Ok(None)
    }
}

/// The columns of `others` that `value` leaves fractional, largest value first (ties in
/// `others`' order).
fn fractional_largest_first(others: &[usize], value: &[f64]) -> Vec<usize> {
    let mut fractional: Vec<usize> = others
        .iter()
        .copied()
        .filter(|&k| !is_whole(value[k]))
        .collect();
    fractional.sort_by(|&a, &b| value[b].total_cmp(&value[a]));
    fractional
}

/// Within 1e-6 of a whole number, the tolerance `Model::decode` rounds with.
fn is_whole(v: f64) -> bool {
    (v - v.round()).abs() <= 1e-6
}

fn secs_until(deadline: Instant) -> f64 {
    deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
}

/// A lower bound on `min offset + cost.x` over `row_lower <= A x <= row_upper`,
/// `col_lower <= x <= col_upper`, from any row multipliers `y`:
///
/// `offset + sum_i y_i b_i + sum_j min(d_j l_j, d_j u_j)`, `d = cost - A^T y`,
///
/// where `b_i` is the row's lower bound when `y_i > 0` and its upper bound when `y_i < 0`.
/// For every feasible x, `y_i (a_i x - b_i) >= 0`, so `cost.x >= cost.x - y.(Ax - b) =
/// d.x + y.b`, and `d.x` is at least its minimum over the column bounds. A multiplier
/// whose row has no bound on that side is taken as 0 (any y gives a bound), and a column
/// with an infinite bound on the side its reduced cost pushes towards makes the bound
/// `-inf`. It holds for every column, in the LP or not, so column generation can stop at
/// any time; integrality only shrinks the feasible set.
pub fn lagrangian_bound(mip: &Mip, columns: &Columns, row_dual: &[f64]) -> f64 {
    let y = usable_duals(mip, row_dual);
    let rows: f64 = (0..mip.num_rows())
        .map(|i| least(y[i], mip.row_lower[i], mip.row_upper[i]))
        .sum();
    let cols: f64 = (0..mip.num_cols())
        .map(|j| {
            let d = columns.reduced_cost(mip.col_cost[j], j, &y);
            least(d, mip.col_lower[j], mip.col_upper[j])
        })
        .sum();
    mip.offset + rows + cols
}

/// The multipliers [`lagrangian_bound`] uses: `row_dual`, with 0 where the row has no
/// bound on the side the dual's sign calls for.
pub fn usable_duals(mip: &Mip, row_dual: &[f64]) -> Vec<f64> {
    row_dual
        .iter()
        .enumerate()
        .map(|(i, &y)| {
            let side = if y > 0.0 {
                mip.row_lower[i]
            } else {
                mip.row_upper[i]
            };
            if y != 0.0 && side.is_finite() {
                y
            } else {
                0.0
            }
        })
        .collect()
}

/// The least of `a * x` over `lower <= x <= upper` (0 when `a` is 0, whatever the bounds).
fn least(a: f64, lower: f64, upper: f64) -> f64 {
    if a > 0.0 {
        a * lower
    } else if a < 0.0 {
        a * upper
    } else {
        0.0
    }
}
