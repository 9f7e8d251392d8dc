//! How to solve ([`SolveOptions`]): limits, threads, what the model decides, and the
//! watcher that hears the solve (`watch.rs`).

use super::watch::Watcher;

/// How to solve. `Default` is HiGHS's own defaults: no time limit, a relative gap of 1e-4,
/// all cores, seed 0, quiet.
#[derive(Clone, Debug, PartialEq)]
pub struct SolveOptions {
    /// Wall-clock limit on the solve (not the hand-off), in seconds; `f64::INFINITY` for none.
    pub time_limit_s: f64,
    /// HiGHS's `mip_rel_gap`: stop with [`Status::Optimal`](super::Status::Optimal) once
    /// `|incumbent - bound| / |incumbent|` is at most this.
    pub mip_gap: f64,
    /// Worker threads; 0 lets HiGHS use every core it detects.
    pub threads: u32,
    /// HiGHS's `random_seed` (0..=2^31-1); `None` keeps HiGHS's default (0).
    pub seed: Option<u32>,
    /// Copy the HiGHS log to stderr (never stdout).
    pub verbose: bool,
    /// Run HiGHS's sub-MIP heuristics (RINS, RENS, root reduced-cost); on by default, as in
    /// HiGHS. They only look for incumbents, so turning them off never changes what is
    /// proven optimal; on the fixed-charge models they take most of the time
    /// (`models/tight.md`).
    pub sub_mip_heuristics: bool,
    /// Run HiGHS's feasibility jump before the root LP (`mip_heuristic_run_feasibility_jump`;
    /// on by default, as in HiGHS). It too only looks for incumbents.
    pub feasibility_jump: bool,
    /// Let HiGHS presolve again and restart the root once the root has fixed enough integer
    /// columns (`mip_allow_restart`; on by default, as in HiGHS). The proof is HiGHS's
    /// either way.
    pub root_restart: bool,
    /// Let HiGHS presolve the model before its first run (`presolve`; on by default, as in
    /// HiGHS). Presolve only rewrites the model, so turning it off never changes what is
    /// proven; the neighbourhoods' LPs are solved without it (`models/neighbourhoods.md`).
    pub presolve: bool,
    /// Whether `optimize` runs the LP-guided search (`crate::optimize::guided`) before HiGHS's MIP.
    pub guide: Guide,
    /// Which orders the model decides (`crate::optimize::scope`).
    pub scope: Scope,
    /// Whether `optimize` links each flow to its lane-day charge before HiGHS's MIP
    /// (`crate::optimize::link_cuts`).
    pub cuts: Cuts,
    /// Someone outside who hears the solve's progress and may stop it (`recourse serve`,
    /// the progress line of `recourse solve` on a terminal).
    pub watch: Option<Watcher>,
    /// The last solve's plan and what changed since (`recourse serve`): decide only what
    /// the changes touch (`crate::optimize::warm`).
    pub warm: Option<std::sync::Arc<crate::optimize::changes::Start>>,
    /// The model holds orders fixed (`crate::optimize::optimize_held` sets it): its bound is
    /// only its own, so the watcher is told incumbents without bound or gap.
    pub holds_orders: bool,
}

/// Which orders `solve` lets the model decide (`models/scope.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every order: the whole model.
    #[default]
    Full,
    /// The at-risk orders and the orders the LP's duals price out; every other order held
    /// at its baseline shipments, with a bound for the whole model.
    Touched,
}

/// Whether `optimize` links each flow to its lane-day charge with a cut of its own before
/// HiGHS's MIP on a whole model (`crate::optimize::link_cuts`, `models/tight.md`, "L1").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cuts {
    /// As the formulation says (`Formulation::tune`): on for `tight`; the textbook models
    /// keep HiGHS's own behaviour, for comparison.
    #[default]
    Auto,
    On,
    Off,
}

/// When `optimize` runs the LP-guided search first: a bound and a plan in seconds on
/// models where HiGHS's own root takes longer than the time limit (`models/guided.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Guide {
    /// On for models with at least [`Guide::AUTO_NONZEROS`] nonzeros, and for time limits of
    /// at most [`Guide::AUTO_SECONDS`].
    #[default]
    Auto,
    On,
    Off,
}

impl Guide {
    /// Medium-sized scenarios (5,000 orders) have about 1.6M nonzeros, small ones (200
    /// orders) about 50k, which HiGHS solves to optimality in seconds on its own.
    pub const AUTO_NONZEROS: usize = 250_000;
    /// HiGHS needs 2-3 s to prove the small preset's optima; with 1-2 s it keeps the rules'
    /// plan or a poor incumbent, while the search finds the optimum or within 0.3 % of it in
    /// 0.15 s (`models/guided.md`). With 5 s HiGHS alone proves them sooner.
    pub const AUTO_SECONDS: f64 = 2.0;

    pub fn applies(self, nonzeros: usize, time_limit_s: f64) -> bool {
        match self {
            Guide::Auto => nonzeros >= Self::AUTO_NONZEROS || time_limit_s <= Self::AUTO_SECONDS,
            Guide::On => true,
            Guide::Off => false,
        }
    }
}

impl SolveOptions {
    /// Whether a watcher has stopped the solve (`recourse serve`'s `$/cancelRequest`).
    pub fn stopped(&self) -> bool {
        self.watch.as_ref().is_some_and(|w| w.stopped())
    }

    /// Tells the watcher, if any, that a plan of the scenario costing `cost` was found.
    pub fn found_plan(&self, cost: f64) {
        if let Some(w) = &self.watch {
            w.plan(cost);
        }
    }

    /// Tells the watcher, if any, that no plan of the scenario costs less than `bound`.
    pub fn found_bound(&self, bound: f64) {
        if let Some(w) = &self.watch {
            w.bound(bound);
        }
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            time_limit_s: f64::INFINITY,
            mip_gap: 1e-4,
            threads: 0,
            seed: None,
            verbose: false,
            sub_mip_heuristics: true,
            feasibility_jump: true,
            root_restart: true,
            presolve: true,
            guide: Guide::Auto,
            scope: Scope::Full,
            cuts: Cuts::Auto,
            watch: None,
            warm: None,
            holds_orders: false,
        }
    }
}

impl SolveOptions {
    /// The scenario policy's limits (`time_limit_s`, `mip_gap`, `threads`), the rest default:
    /// what `solve` uses when no option overrides them.
    pub fn from_policy(policy: &crate::scenario::domain::Policy) -> Self {
        Self {
            time_limit_s: policy.time_limit_s,
            mip_gap: policy.mip_gap,
            threads: policy.threads,
            ..Self::default()
        }
    }
}
