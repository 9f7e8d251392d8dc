//! The proposals document (`../shared/SCENARIO.md` section 5) that `recourse solve` writes.
//! Responses and unresolved orders come with the next stage; this carries the solve
//! report, the KPIs before and after, the at-risk orders and the plans.

use crate::domain::Scenario;
use crate::kpi::{kpis, Kpis};
use crate::optimize::Outcome;
use crate::plan::PlanDoc;
use crate::risk::Analysis;
use serde::{Deserialize, Serialize};

pub const PROPOSALS_FORMAT: &str = "recourse.proposals/1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProposalsDoc {
    pub format: String,
    pub scenario: String,
    pub solve: SolveDoc,
    pub kpis: KpisDoc,
    pub at_risk: Vec<AtRiskEntry>,
    /// Orders the plan still leaves short or late (SCENARIO.md section 5), each with why:
    /// demand no plan can meet shows up here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<UnresolvedEntry>,
    /// Frozen orders, when the scenario is infeasible (only they can make it so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub infeasible_frozen_orders: Vec<String>,
    pub baseline_plan: PlanDoc,
    /// Absent when no plan is in hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanDoc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SolveDoc {
    /// `optimal`, `feasible`, `no_solution` or `infeasible`.
    pub status: String,
    /// The limit that stopped the solver (`time`, ...), for `feasible` and `no_solution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    pub objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub seconds: f64,
    pub build_seconds: f64,
    pub passes: u32,
    pub formulation: String,
    pub solver: String,
    pub model: ModelSize,
    /// True when the solver stopped at a limit with nothing better than the do-nothing
    /// baseline, which is then the plan.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline_kept: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSize {
    pub rows: usize,
    pub columns: usize,
    pub nonzeros: usize,
    pub integer_columns: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpisDoc {
    pub baseline: Kpis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed: Option<Kpis>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnresolvedEntry {
    pub order: String,
    pub why: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AtRiskEntry {
    pub order: String,
    pub priority: u32,
    pub reasons: Vec<String>,
}

pub fn proposals_doc(s: &Scenario, a: &Analysis, o: &Outcome, seconds: f64) -> ProposalsDoc {
    let proposed = o.eval.as_ref().map(|e| {
        let flags: Vec<bool> = e.orders.iter().map(|x| x.at_risk()).collect();
        kpis(s, e, &flags)
    });
    ProposalsDoc {
        format: PROPOSALS_FORMAT.to_owned(),
        scenario: s.id.clone(),
        solve: SolveDoc {
            status: o.status.as_str().to_owned(),
            limit: o.status.limit().map(|l| l.as_str().to_owned()),
            objective: o.objective,
            bound: o.bound,
            gap: o.gap,
            seconds,
            build_seconds: o.build_seconds,
            passes: o.passes,
            formulation: o.formulation.to_owned(),
            solver: o.solver.clone(),
            model: ModelSize {
                rows: o.rows,
                columns: o.cols,
                nonzeros: o.nonzeros,
                integer_columns: o.integer_cols,
            },
            baseline_kept: o.fell_back,
        },
        kpis: KpisDoc {
            baseline: kpis(s, &a.eval, &a.flags),
            proposed,
        },
        at_risk: a
            .at_risk
            .iter()
            .map(|r| AtRiskEntry {
                order: s.order(r.order).id.0.clone(),
                priority: s.order(r.order).priority,
                reasons: r.reasons.iter().map(|x| x.message.clone()).collect(),
            })
            .collect(),
        unresolved: o.eval.as_ref().map_or_else(Vec::new, |e| unresolved(s, e)),
        infeasible_frozen_orders: o
            .frozen_orders
            .iter()
            .map(|x| s.order(*x).id.0.clone())
            .collect(),
        baseline_plan: a.baseline.plan.to_doc(s),
        plan: o.plan.as_ref().map(|p| p.to_doc(s)),
    }
}

/// The orders a plan leaves short or late, with the units and days.
fn unresolved(s: &Scenario, e: &crate::check::Evaluation) -> Vec<UnresolvedEntry> {
    use crate::check::{num, TOLERANCE};
    let mut out = Vec::new();
    for (o, r) in s.orders.iter().zip(&e.orders) {
        let ordered: f64 = o.lines.iter().map(|l| l.quantity).sum();
        let mut why = Vec::new();
        if r.short_units > TOLERANCE {
            why.push(format!("{} of {} units short", num(r.short_units), num(ordered)));
        }
        if r.late_units > TOLERANCE {
            why.push(format!(
                "{} units late, up to {} days",
                num(r.late_units),
                r.max_days_late
            ));
        }
        if why.is_empty() {
            continue;
        }
        out.push(UnresolvedEntry {
            order: o.id.0.clone(),
            why: why.join("; "),
        });
    }
    out
}
