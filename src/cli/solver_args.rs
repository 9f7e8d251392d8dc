//! The flags `solve`, `bench` and `export` share: which strategy, and the solver's limits
//! (`export` only the strategy).

use recourse::base::exit;
use recourse::base::limits::{gap_ok, time_limit_ok, MAX_THREADS, MAX_TIME_LIMIT_S};
use recourse::optimize::highs::{Cuts, Guide, Scope, SolveOptions};
use recourse::optimize::strategy::Strategy;
use recourse::scenario::domain::Scenario;

/// The solver settings `solve` and `bench` share; each overrides the scenario's policy.
#[derive(clap::Args)]
pub struct LimitArgs {
    /// Seconds allowed (overrides policy.time_limit_s).
    // What the limit bounds differs: `solve` and `bench` each replace this help with their
    // own (`TIME_LIMIT_HELP`, through `mut_arg`).
    // So that `--time-limit -3` gets this program's message, not clap's "use -- -3".
    #[arg(long, allow_negative_numbers = true)]
    time_limit: Option<f64>,
    /// Relative optimality gap at which to stop (overrides policy.mip_gap).
    #[arg(long, allow_negative_numbers = true)]
    gap: Option<f64>,
    /// Solver threads, 0 = all cores (overrides policy.threads).
    // Negative numbers reach the value parser, which names the flag, instead of clap's
    // "use -- -1" tip.
    #[arg(long, allow_negative_numbers = true)]
    threads: Option<i64>,
    /// LP-guided search before the MIP (column generation for a bound, slope scaling
    /// for the lane-day charges, a polished plan; models/guided.md): auto = for models of
    /// 250k nonzeros or more, and for time limits of 2 s or less.
    #[arg(long, value_enum, default_value_t = Toggle::Auto)]
    guide: Toggle,
    /// Which orders the model decides (models/scope.md): full = every order; touched =
    /// the at-risk orders and those the LP's prices say could help, every other order held
    /// at its baseline shipments, with a bound that holds for the whole model.
    #[arg(long, value_enum, default_value_t = ScopeArg::Full)]
    scope: ScopeArg,
    /// Each flow on a charged lane-day linked to its charge by a cut of its own before
    /// HiGHS's MIP on a whole model (models/tight.md, "L1"): auto = as the formulation says
    /// (on for tight, off for the textbook models).
    #[arg(long, value_enum, default_value_t = Toggle::Auto)]
    cuts: Toggle,
}

impl LimitArgs {
    /// `--time-limit`, `--gap` and `--threads`, when given, must be in the ranges a
    /// scenario's policy allows; the message says why not,
    /// and `Err` is the exit code.
    pub fn check(&self) -> Result<(), i32> {
        if let Some(t) = self.time_limit.filter(|t| !time_limit_ok(*t)) {
            note!(
                "error: --time-limit must be a positive number of seconds up to {MAX_TIME_LIMIT_S:e}, not {t}"
            );
            return Err(exit::BAD_INPUT);
        }
        if let Some(n) = self.threads.filter(|n| !(0..=MAX_THREADS).contains(n)) {
            note!("error: --threads must be in 0..={MAX_THREADS} (0 = all cores), not {n}");
            return Err(exit::BAD_INPUT);
        }
        if let Some(g) = self.gap.filter(|g| !gap_ok(*g)) {
            note!("error: --gap must be a relative gap in 0..=1 (0.001 = 0.1 %), not {g}");
            return Err(exit::BAD_INPUT);
        }
        Ok(())
    }

    /// `Err` with the exit code, and the message said, when `strategy` is the priority
    /// rules and a model's own flag is set: the rules build no model, so the flag would be
    /// dropped without a word.
    pub fn fit(&self, strategy: &Strategy) -> Result<(), i32> {
        let set = self.model_flags();
        if !matches!(strategy, Strategy::Rules) || set.is_empty() {
            return Ok(());
        }
        let models: Vec<&str> = recourse::optimize::formulate::registry()
            .iter()
            .map(|f| f.name())
            .collect();
        note!(
            "error: --formulation priority-rules builds no model, so {} would change nothing; \
             drop {}, or choose a formulation ({})",
            match set.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            },
            if set.len() == 1 { "it" } else { "them" },
            models.join(", ")
        );
        Err(exit::BAD_INPUT)
    }

    /// The model's own flags set away from their defaults, as written.
    fn model_flags(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        match self.guide {
            Toggle::Auto => {}
            Toggle::On => set.push("--guide on"),
            Toggle::Off => set.push("--guide off"),
        }
        if let ScopeArg::Touched = self.scope {
            set.push("--scope touched");
        }
        match self.cuts {
            Toggle::Auto => {}
            Toggle::On => set.push("--cuts on"),
            Toggle::Off => set.push("--cuts off"),
        }
        set
    }

    /// The options for solving `s`: these arguments where given, else its policy.
    pub fn options(&self, s: &Scenario) -> SolveOptions {
        let policy = SolveOptions::from_policy(&s.policy);
        SolveOptions {
            time_limit_s: self.time_limit.unwrap_or(policy.time_limit_s),
            mip_gap: self.gap.unwrap_or(policy.mip_gap),
            // In 0..=MAX_THREADS once `check` passed.
            threads: self
                .threads
                .map_or(policy.threads, |n| n.clamp(0, MAX_THREADS) as u32),
            guide: self.guide.into(),
            scope: self.scope.into(),
            cuts: self.cuts.into(),
            ..policy
        }
    }
}

/// `auto`, `on` or `off`: `--guide` and `--cuts`.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Toggle {
    Auto,
    On,
    Off,
}

impl From<Toggle> for Guide {
    fn from(g: Toggle) -> Guide {
        match g {
            Toggle::Auto => Guide::Auto,
            Toggle::On => Guide::On,
            Toggle::Off => Guide::Off,
        }
    }
}

impl From<Toggle> for Cuts {
    fn from(g: Toggle) -> Cuts {
        match g {
            Toggle::Auto => Cuts::Auto,
            Toggle::On => Cuts::On,
            Toggle::Off => Cuts::Off,
        }
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ScopeArg {
    Full,
    Touched,
}

impl From<ScopeArg> for Scope {
    fn from(g: ScopeArg) -> Scope {
        match g {
            ScopeArg::Touched => Scope::Touched,
            ScopeArg::Full => Scope::Full,
        }
    }
}

/// The strategy of that name; prints the known names and returns `None` when unknown.
pub fn strategy_by_name(name: &str) -> Option<Strategy> {
    let found = recourse::optimize::strategy::by_name(name);
    if found.is_none() {
        note!(
            "error: unknown formulation \"{name}\"; known: {}",
            recourse::optimize::strategy::names().join(", ")
        );
    }
    found
}
