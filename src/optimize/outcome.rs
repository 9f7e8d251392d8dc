//! What a strategy returns, in the shape of MathOpt's `SolveResult`: why the run stopped
//! ([`Termination`]: the status and its limit, the bound and the gap),
//! apart from the plan it leaves ([`Solution`]: checked, with where it came from), apart
//! from what the solver did ([`SolverStats`], absent when no solver ran).
//!
//! [`Outcome::validate`] states what every outcome must satisfy; `optimize`, the priority
//! rules and the tests all go through it.

use crate::check::Evaluation;
use crate::optimize::guided::Guided;
use crate::optimize::highs::Status;
use crate::plan::Plan;
use crate::scenario::ids::OrderIx;

/// One run of a strategy on a scenario.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The strategy's name (`tight`, `priority-rules`, ...).
    pub formulation: &'static str,
    pub termination: Termination,
    /// The plan in hand, when there is one: always checked feasible.
    pub solution: Option<Solution>,
    /// What the solver did; `None` for the priority rules, which build no model.
    pub stats: Option<SolverStats>,
    /// Time spent deciding (solver time for a model, the rules' own time otherwise).
    pub seconds: f64,
}

/// Why the run stopped and what it proved.
#[derive(Clone, Debug)]
pub struct Termination {
    /// Optimal, stopped at a limit (with or without a solution), or infeasible.
    pub status: Status,
    /// A proven lower bound on the cost of every plan, when one is known.
    pub bound: Option<f64>,
    /// `(cost - bound) / cost` of the solution, when both are known.
    pub gap: Option<f64>,
    /// When infeasible: the frozen orders (only their commitments can make a scenario
    /// infeasible).
    pub frozen_orders: Vec<OrderIx>,
}

/// Where a plan came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Decoded from the solver's (or the LP-guided search's) solution of the model.
    Solver,
    /// The do-nothing baseline, kept because the solver found nothing cheaper in time.
    Baseline,
    /// The priority rules' plan: the strategy itself, or kept after a solver limit.
    Rules,
    /// The worker's last plan with the orders the events since touched shipping nothing
    /// (`crate::optimize::warm::held_start`): only ever a start the neighbourhoods improve.
    LastPlan,
}

impl Source {
    /// The name `fallback` carries in the proposals document.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Solver => "solver",
            Source::Baseline => "baseline",
            // The rules' strategy name (`priority_rules::NAME`, which a test ties it to).
            Source::Rules => "priority-rules",
            Source::LastPlan => "last-plan",
        }
    }
}

/// A plan and the checker's verdict on it.
#[derive(Clone, Debug)]
pub struct Solution {
    pub plan: Plan,
    /// The checker's evaluation of `plan` (feasible; its cost is the plan's cost).
    pub eval: Evaluation,
    pub source: Source,
}

impl Solution {
    /// The plan's cost, as the checker prices it.
    pub fn cost(&self) -> f64 {
        self.eval.cost.total
    }
}

/// What the solver was given and how long it took.
#[derive(Clone, Debug, Default)]
pub struct SolverStats {
    /// HiGHS and its version.
    pub solver: String,
    /// Model build time, summed over passes.
    pub build_seconds: f64,
    /// 1, or 2 when the continuous pass gave fractional quantities that took an integer
    /// model to make whole ([`WholeUnits::FixedMip`] or [`WholeUnits::IntegerPass`]).
    pub passes: u32,
    /// Size of the last model solved.
    pub rows: usize,
    pub cols: usize,
    pub nonzeros: usize,
    pub integer_cols: usize,
    /// What the LP-guided search did, when it ran (its start point left out).
    pub guided: Option<Guided>,
    /// Each flow's link to its charge, added as cuts before the MIP when they were
    /// (`crate::optimize::link_cuts`).
    pub link_cuts: Option<crate::optimize::link_cuts::LinkCuts>,
    /// How the quantities were made whole, when the MIP's point had fractional ones and the
    /// policy asks for whole units.
    pub whole_units: Option<WholeUnits>,
    /// With `--scope touched`: which orders the model decided, and what pricing the others
    /// found.
    pub scope: Option<Scoped>,
    /// The model was not built: building it was expected to take the solver's share of the
    /// time limit (`crate::optimize::strategy::build_fits`).
    pub not_built: bool,
    /// When the whole model was not built and a plan was improved one neighbourhood at a
    /// time instead (`crate::optimize::neighbourhoods`): what that search did.
    pub neighbourhoods: Option<Neighbourhoods>,
    /// Beside that search: the transportation relaxation's bound
    /// (`crate::optimize::relaxation`).
    pub relaxation: Option<crate::optimize::relaxation::Relaxation>,
    /// Charged lane-days that were closed, and expedites nobody needed that were dropped,
    /// in the plan the search ended with, and its cost before
    /// (`crate::optimize::consolidate`).
    pub closed: Option<ClosedLaneDays>,
}

/// What closing charged lane-days, and dropping the expedites nobody needs, did to a
/// search's last plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClosedLaneDays {
    pub lane_days: usize,
    pub expedites: usize,
    pub from_cost: f64,
}

/// How a MIP point with fractional quantities became a plan in whole units
/// (`crate::optimize::optimize_held`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WholeUnits {
    /// The LP at the point's yes/no decisions had a whole vertex at no more cost: one pass.
    FixedLp,
    /// The integer model at the point's yes/no decisions gave a plan within the gap of the
    /// first pass's bound, so the whole integer model was not solved.
    FixedMip,
    /// The whole integer model was solved (from that plan, or the guided search's, when
    /// there was one).
    IntegerPass,
}

/// What the scoped solve did (`crate::optimize::scope`).
#[derive(Clone, Debug, Default)]
pub struct Scoped {
    /// Orders the model decided, and orders it held at their baseline shipments.
    pub free: usize,
    pub held: usize,
    /// Pricing rounds (a restricted LP solved and the held orders priced), and the orders
    /// they freed.
    pub rounds: usize,
    pub priced_out: usize,
    /// The best lower bound for the whole model the rounds proved.
    pub bound: Option<f64>,
    /// The last round's LP converged and no held order priced out: the restricted LP's
    /// optimum is the whole model's LP optimum.
    pub certified: bool,
    pub seconds: f64,
    /// The held orders kept their shipments in the last plan (the worker's warm solve,
    /// `crate::optimize::warm`), not their baseline; no pricing rounds ran.
    pub warm: bool,
    /// The warm plan drifted too far, the whole model was solved in the time left, and its
    /// plan was the cheaper one: the plan is the whole model's.
    pub whole: bool,
}

/// What improving a plan one neighbourhood at a time did
/// (`crate::optimize::neighbourhoods`).
#[derive(Clone, Debug, PartialEq)]
pub struct Neighbourhoods {
    /// The plan it started from, and that plan's cost.
    pub from: Source,
    pub from_cost: f64,
    /// Neighbourhoods solved, and those whose plan was cheaper and kept.
    pub solved: usize,
    pub improved: usize,
    /// Rounds over the late or short orders, joined by the on-time orders the plan's
    /// charged transfers feed or its charged lanes carry, and by the orders holding the
    /// SKUs late or short lines lack, once a round of the late or short alone lowers the
    /// cost by less than 0.1 %.
    pub rounds: usize,
    /// Neighbourhoods of the orders holding a SKU late or short lines lack; counted in
    /// `solved` too.
    pub holders: usize,
    /// Rounds that began by serving short lines from stock the plan left unused (over
    /// chains of transfers) or from orders cheaper to leave short, checked cheaper
    /// (`crate::optimize::stranded`).
    pub routed: usize,
    /// Times charged lane-days were closed (those only transfers used, at the start of a
    /// round; any, on the search's final plan) or expedites nobody needed dropped, checked
    /// cheaper (`crate::optimize::consolidate`).
    pub closed: usize,
    /// Neighbourhoods solved as MIPs, their yes/no decisions free (once no LP
    /// neighbourhood changed the plan); counted in `solved` too.
    pub mips: usize,
    pub seconds: f64,
}

impl Neighbourhoods {
    /// The report of a search from `from`'s plan of cost `from_cost`, before any round.
    pub fn starting(from: Source, from_cost: f64) -> Self {
        Neighbourhoods {
            from,
            from_cost,
            solved: 0,
            improved: 0,
            rounds: 0,
            holders: 0,
            routed: 0,
            closed: 0,
            mips: 0,
            seconds: 0.0,
        }
    }
}

impl Outcome {
    /// The cost of the plan in hand.
    pub fn objective(&self) -> Option<f64> {
        self.solution.as_ref().map(Solution::cost)
    }

    pub fn plan(&self) -> Option<&Plan> {
        self.solution.as_ref().map(|x| &x.plan)
    }

    pub fn eval(&self) -> Option<&Evaluation> {
        self.solution.as_ref().map(|x| &x.eval)
    }

    pub fn bound(&self) -> Option<f64> {
        self.termination.bound
    }

    pub fn gap(&self) -> Option<f64> {
        self.termination.gap
    }

    pub fn status(&self) -> Status {
        self.termination.status
    }

    /// What the LP-guided search did, when it ran.
    pub fn guided(&self) -> Option<&Guided> {
        self.stats.as_ref()?.guided.as_ref()
    }

    /// The plan kept instead of the strategy's own after a limit (`baseline`,
    /// `priority-rules`), as the proposals document names it.
    pub fn fallback(&self) -> Option<&'static str> {
        let source = self.solution.as_ref()?.source;
        let own = match self.stats {
            Some(_) => Source::Solver,
            None => Source::Rules,
        };
        (source != own).then(|| source.as_str())
    }

    /// What every outcome satisfies, or the first thing that does not hold:
    /// - a status with a solution has one, and one without has none;
    /// - the solution is feasible and its cost is the checker's;
    /// - the bound is at most the cost (within 1e-6 relative);
    /// - the gap is `(cost - bound) / cost` within 1e-5, in 0..=1 where the bound is at
    ///   least 0, and absent without a bound or a solution;
    /// - frozen orders are named only when infeasible;
    /// - the rules (no solver statistics) prove nothing: no bound.
    pub fn validate(&self) -> Result<(), String> {
        let t = &self.termination;
        if t.status.has_solution() != self.solution.is_some() {
            return Err(format!(
                "status {} {} a solution",
                t.status,
                if self.solution.is_some() {
                    "comes with"
                } else {
                    "lacks"
                }
            ));
        }
        if let Some(x) = &self.solution {
            if !x.eval.feasible() {
                return Err(format!(
                    "the {} plan breaks {} rule(s)",
                    x.source.as_str(),
                    x.eval.violations.len()
                ));
            }
        }
        let cost = self.objective();
        if let (Some(c), Some(b)) = (cost, t.bound) {
            if b > c + 1e-6 * c.abs().max(1.0) {
                return Err(format!("bound {b} above the plan's cost {c}"));
            }
        }
        match (cost, t.bound, t.gap) {
            (Some(c), Some(b), Some(g)) => gap_consistent(c, b, g)?,
            (_, _, Some(g)) => return Err(format!("gap {g} without both a cost and a bound")),
            _ => {}
        }
        if !t.frozen_orders.is_empty() && t.status != Status::Infeasible {
            return Err(format!("frozen orders named under status {}", t.status));
        }
        if self.stats.is_none() && t.bound.is_some() {
            return Err("a bound without a solver".to_owned());
        }
        Ok(())
    }
}

/// Whether `g` is the gap between cost `c` and bound `b`: `(c - b) / |c|` within 1e-5,
/// in 0..=1 where the bound is at least 0. HiGHS computes its gap from the model's cost,
/// which the checker's matches within 1e-6 relative; where the bound meets the cost within
/// that tolerance the plan is proven optimal, and any gap from 0 up to the formula's value
/// holds (at a cost of 0 the formula divides a rounding error by nothing).
fn gap_consistent(c: f64, b: f64, g: f64) -> Result<(), String> {
    let expected = ((c - b) / c.abs().max(1e-9)).max(0.0);
    let proven = c - b <= 1e-6 * c.abs().max(1.0);
    let fits = if proven {
        (-1e-5..=expected + 1e-5).contains(&g)
    } else {
        (g - expected).abs() <= 1e-5
    };
    if !fits {
        return Err(format!(
            "gap {g} where cost {c} and bound {b} give {expected}"
        ));
    }
    if b >= 0.0 && !(0.0..=1.0).contains(&g) {
        return Err(format!("gap {g} outside 0..=1"));
    }
    Ok(())
}

pub(crate) use crate::optimize::highs::relative_gap;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::highs::Limit;
    use crate::scenario::validate::load_scenario;

    /// The rules' outcome on demo-eu, and the same plan as if a solver had proven it.
    fn outcomes() -> (Outcome, Outcome) {
        let bytes = include_bytes!("../../datasets/tiny/demo-eu.json");
        let (s, _) = load_scenario(bytes).unwrap();
        let rules = crate::optimize::priority_rules::outcome(&s, &crate::risk::analyze(&s));
        let cost = rules.objective().unwrap();
        let mut solved = rules.clone();
        solved.formulation = "tight";
        solved.stats = Some(SolverStats::default());
        solved.termination.status = Status::Optimal;
        solved.termination.bound = Some(cost);
        solved.termination.gap = Some(0.0);
        solved.solution.as_mut().unwrap().source = Source::Solver;
        (rules, solved)
    }

    #[test]
    fn consistent_outcomes_pass() {
        let (rules, solved) = outcomes();
        assert_eq!(rules.validate(), Ok(()));
        assert_eq!(rules.fallback(), None);
        assert_eq!(solved.validate(), Ok(()));
        assert_eq!(solved.fallback(), None);
    }

    #[test]
    fn every_broken_rule_is_named() {
        let (rules, solved) = outcomes();
        let cost = solved.objective().unwrap();
        let broken = |edit: &dyn Fn(&mut Outcome), base: &Outcome| {
            let mut o = base.clone();
            edit(&mut o);
            o.validate().unwrap_err()
        };
        let e = broken(&|o| o.solution = None, &solved);
        assert!(e.contains("lacks a solution"), "{e}");
        let e = broken(&|o| o.termination.status = Status::Infeasible, &solved);
        assert!(e.contains("comes with a solution"), "{e}");
        let e = broken(&|o| o.termination.bound = Some(cost * 1.01), &solved);
        assert!(e.contains("above the plan's cost"), "{e}");
        let e = broken(
            &|o| {
                o.termination.bound = Some(cost * 0.9);
                o.termination.status = Status::Feasible { limit: Limit::Time };
            },
            &solved,
        );
        assert!(e.contains("gap 0 where cost"), "{e}");
        let e = broken(
            &|o| o.termination.frozen_orders.push(OrderIx::new(0)),
            &solved,
        );
        assert!(e.contains("frozen orders"), "{e}");
        let e = broken(&|o| o.termination.bound = Some(0.0), &rules);
        assert!(e.contains("a bound without a solver"), "{e}");
        let e = broken(&|o| o.termination.gap = Some(0.5), &rules);
        assert!(e.contains("without both a cost and a bound"), "{e}");
    }

    #[test]
    fn a_bound_that_meets_the_cost_within_rounding_proves_a_zero_gap() {
        // Found by tests/suite/tight.rs: cost 0, bound -4.3e-12, HiGHS's gap 0.
        assert_eq!(gap_consistent(0.0, -4.263256414560601e-12, 0.0), Ok(()));
        assert_eq!(gap_consistent(1000.0, 1000.0 - 1e-4, 0.0), Ok(()));
        assert!(gap_consistent(0.0, -1e-3, 0.0).is_err());
        assert!(gap_consistent(1000.0, 900.0, 0.0).is_err());
        assert_eq!(gap_consistent(1000.0, 900.0, 0.1), Ok(()));
        assert!(gap_consistent(1000.0, 900.0, 0.2).is_err());
    }

    #[test]
    fn the_rules_source_is_named_as_the_strategy() {
        assert_eq!(
            Source::Rules.as_str(),
            crate::optimize::priority_rules::NAME
        );
    }

    #[test]
    fn a_plan_kept_after_a_limit_is_named_as_the_fallback() {
        let (_, mut solved) = outcomes();
        solved.solution.as_mut().unwrap().source = Source::Baseline;
        assert_eq!(solved.fallback(), Some("baseline"));
    }
}
