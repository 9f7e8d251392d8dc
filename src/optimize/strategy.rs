//! What `--formulation` names: a model for the solver (`formulate::registry`), or the
//! priority rules, which decide without a model. `solve` and `bench` take either.

use crate::optimize::formulate::{self, Formulation};
use crate::optimize::highs::SolveOptions;
use crate::optimize::{keep_the_better, optimize, OptimizeError, Outcome, Source};
use crate::optimize::{priority_rules, scope};
use crate::risk::Analysis;
use crate::scenario::domain::Scenario;

/// What `solve` and `export` build when `--formulation` is not given (`models/tight.md`).
pub const DEFAULT: &str = "tight";

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
        let out = match self {
            Strategy::Model(f) => {
                let mut out = if scope::applies(*f, a, opts) {
                    scope::optimize_touched(s, *f, opts, a)?
                } else {
                    optimize(s, *f, opts)?
                };
                // Only a solver stopped at a limit needs them: the rules take milliseconds
                // and usually beat doing nothing by far; the cheapest of the two is kept.
                if out.status().limit().is_some() {
                    let rules = priority_rules::plan(s, a);
                    let mut fallbacks = Vec::new();
                    if a.eval.feasible() {
                        fallbacks.push((Source::Baseline, &a.baseline.plan));
                    }
                    fallbacks.push((Source::Rules, &rules));
                    keep_the_better(s, &mut out, &fallbacks);
                }
                out
            }
            Strategy::Rules => priority_rules::outcome(s, a),
        };
        out.validate().map_err(|why| OptimizeError::Inconsistent {
            formulation: out.formulation,
            why,
        })?;
        Ok(out)
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_names_a_model() {
        assert!(matches!(
            super::by_name(super::DEFAULT),
            Some(super::Strategy::Model(_))
        ));
    }
}
