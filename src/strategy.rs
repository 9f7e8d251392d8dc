//! What `--formulation` names: a model for the solver (`formulate::registry`), or the
//! priority rules, which decide without a model. `solve` and `bench` take either.

use crate::domain::Scenario;
use crate::formulate::{self, Formulation};
use crate::optimize::{optimize_with, OptimizeError, Outcome};
use crate::priority_rules;
use crate::risk::Analysis;
use crate::solve::SolveOptions;

#[derive(Clone, Copy)]
pub enum Strategy {
    Model(&'static dyn Formulation),
    Rules,
}

impl Strategy {
    pub fn name(&self) -> &'static str {
        match self {
            Strategy::Model(f) => f.name(),
            Strategy::Rules => priority_rules::NAME,
        }
    }

    /// The checked outcome. A model falls back on the cheaper of the do-nothing baseline and
    /// the priority rules' plan when the solver stops at a limit with nothing better (as
    /// `solve` does); the rules need no fallback.
    pub fn run(
        &self,
        s: &Scenario,
        a: &Analysis,
        opts: &SolveOptions,
    ) -> Result<Outcome, OptimizeError> {
        match self {
            Strategy::Model(f) => {
                // The rules take milliseconds and usually beat doing nothing by far: when
                // the solver stops early with nothing better, the better of the two is kept.
                let rules = priority_rules::plan(s, a);
                let mut fallbacks: Vec<(&'static str, &crate::plan::Plan)> =
                    vec![(priority_rules::NAME, &rules)];
                if a.eval.feasible() {
                    fallbacks.insert(0, ("baseline", &a.baseline.plan));
                }
                optimize_with(s, *f, opts, &fallbacks)
            }
            Strategy::Rules => Ok(priority_rules::outcome(s, a)),
        }
    }
}

pub fn by_name(name: &str) -> Option<Strategy> {
    if name == priority_rules::NAME {
        return Some(Strategy::Rules);
    }
    formulate::by_name(name).map(Strategy::Model)
}

/// Every name `--formulation` takes: the formulations, then `priority-rules`.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&str> = formulate::registry().iter().map(|f| f.name()).collect();
    v.push(priority_rules::NAME);
    v
}
