//! Formulations: each turns the domain scenario into a solver-neutral MIP and knows what
//! its columns mean, so a solution decodes into a plan. A researcher adds a formulation in
//! one file: implement [`Formulation`] and list it in [`registry`].

pub mod hold;
mod model;
pub mod strong;
pub mod tight;
pub mod time_expanded;

pub use model::{fixed_plan, frozen_plan, BuildOptions, Formulation, Hold, Meaning, Model};

/// Every formulation, in the order `bench` runs them (`strategy::DEFAULT` is the default).
pub fn registry() -> Vec<&'static dyn Formulation> {
    vec![
        &time_expanded::TimeExpanded,
        &tight::Tight,
        &strong::TimeExpandedStrong,
    ]
}

pub fn by_name(name: &str) -> Option<&'static dyn Formulation> {
    registry().into_iter().find(|f| f.name() == name)
}
