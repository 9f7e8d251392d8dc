//! `time-expanded-strong`: the time-expanded model with every flow on a charged lane-day
//! linked to its charge on its own (`strong_link` in `models/time-expanded.md`). A tighter
//! relaxation for more rows; on network-design instances (`recourse import mcnd`) the
//! weak form's root bound is far below the optimum (README, "For researchers").

use super::model::{BuildOptions, Formulation, Model};
use super::time_expanded::TimeExpanded;
use crate::scenario::domain::Scenario;

pub struct TimeExpandedStrong;

impl Formulation for TimeExpandedStrong {
    fn name(&self) -> &'static str {
        "time-expanded-strong"
    }
    fn description(&self) -> &'static str {
        "time-expanded with each flow linked to its lane-day charge: tighter bound, more rows"
    }
    fn build(&self, s: &Scenario, opts: &BuildOptions) -> Model {
        TimeExpanded.build(
            s,
            &BuildOptions {
                strong_linking: true,
                ..opts.clone()
            },
        )
    }
}
