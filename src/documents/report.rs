//! Documents and readable reports. Builds strings and serde values; `main` prints them.

use crate::base::text::{clip, plural, qty, wrap, MAX_COLUMN, TEXT_WIDTH};
use crate::check::{CostBreakdown, Evaluation, Violation};
use crate::plan::{PlanDoc, PlanView};
use crate::risk::kpi::{kpis, Kpis};
use crate::risk::{Analysis, Reason};
use crate::scenario::domain::Scenario;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// Defined beside the plan reader, which takes a risk document's `baseline_plan`.
pub use crate::plan::RISK_FORMAT;

/// `recourse risk --format json`.
/// `P` is how the baseline plan is held: [`PlanDoc`] as read, or [`PlanView`] as built
/// for writing (the same JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RiskDoc<P = PlanDoc> {
    pub format: String,
    pub scenario: String,
    pub as_of: String,
    pub horizon_days: u32,
    /// False when the baseline cannot keep a frozen commitment (see `violations`).
    pub baseline_feasible: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    pub kpis: Kpis,
    pub at_risk: Vec<AtRiskDoc>,
    pub baseline_plan: P,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AtRiskDoc {
    pub order: String,
    pub priority: u32,
    pub due: String,
    pub late_unit_days: f64,
    pub days_late: i64,
    pub short_units: f64,
    pub reasons: Vec<Reason>,
}

pub fn risk_doc<'a>(s: &'a Scenario, a: &Analysis) -> RiskDoc<PlanView<'a>> {
    RiskDoc {
        format: RISK_FORMAT.to_owned(),
        scenario: s.id.clone(),
        as_of: s.date_string(0),
        horizon_days: s.horizon,
        baseline_feasible: a.eval.feasible(),
        violations: a.eval.violations.clone(),
        kpis: kpis(s, &a.eval, &a.flags),
        at_risk: a
            .at_risk
            .iter()
            .map(|r| {
                let o = s.order(r.order);
                let out = &a.eval.orders[r.order.ix()];
                AtRiskDoc {
                    order: o.id.0.clone(),
                    priority: o.priority,
                    due: s.date_string(o.due),
                    late_unit_days: out.late_unit_days,
                    days_late: out.max_days_late,
                    short_units: out.short_units,
                    reasons: r.reasons.clone(),
                }
            })
            .collect(),
        baseline_plan: a.baseline.plan.view(s),
    }
}

/// Why the do-nothing plan is not feasible, rule by rule. Rule 6 is broken by the
/// scenario's own plan (an order planned from more nodes than its max_sources); every other
/// rule by frozen commitments that do not fit.
fn baseline_rules(t: &mut String, violations: &[Violation], width: usize) {
    let what = if violations.iter().all(|v| v.rule == 6) {
        "The do-nothing plan is not feasible: the scenario plans an order from more nodes than its max_sources:"
    } else {
        "The do-nothing plan cannot keep every frozen commitment:"
    };
    let _ = writeln!(t, "{}", wrap(what, width, "", "  "));
    for v in violations {
        let line = format!("rule {}: {}", v.rule, v.message);
        let _ = writeln!(t, "{}", wrap(&line, width, "  ", "    "));
    }
}

/// `recourse risk --format table`.
/// The risk report as text, each reason wrapped to `width` under the REASONS column.
pub fn risk_table<P>(doc: &RiskDoc<P>, currency: Option<&str>, width: usize) -> String {
    let mut t = String::new();
    let k = &doc.kpis;
    let head = format!(
        "Scenario {} as of {}, {}: {} of {} at risk if nobody acts",
        doc.scenario,
        doc.as_of,
        plural(doc.horizon_days as f64, "day"),
        k.at_risk_orders,
        plural(k.orders as f64, "order")
    );
    let _ = writeln!(t, "{}", wrap(&head, width, "", "  "));
    if !doc.baseline_feasible {
        baseline_rules(&mut t, &doc.violations, width);
    }
    if !doc.at_risk.is_empty() {
        let w = doc
            .at_risk
            .iter()
            .map(|r| r.order.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, MAX_COLUMN);
        let _ = writeln!(
            t,
            "\n{:<w$}  PRI  DUE         LATE u-d  DAYS  SHORT  REASONS",
            "ORDER"
        );
        for r in &doc.at_risk {
            let mut first = true;
            let lead = format!(
                "{:<w$}  {:<3}  {}  {:>8}  {:>4}  {:>5}",
                clip(&r.order, MAX_COLUMN),
                r.priority,
                r.due,
                qty(r.late_unit_days),
                r.days_late,
                qty(r.short_units)
            );
            let blank = " ".repeat(lead.chars().count());
            for reason in &r.reasons {
                let code = serde_json::to_value(reason.code)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let head = format!("{}  ", if first { &lead } else { &blank });
                let line = format!("{code}: {}", reason.message);
                // Under its column while that leaves room for a few words a line, else on
                // lines of its own below the order's.
                if width.saturating_sub(head.chars().count()) >= 40 {
                    let hang = " ".repeat(head.chars().count() + 2);
                    let _ = writeln!(t, "{}", wrap(&line, width, &head, &hang));
                } else {
                    if first {
                        let _ = writeln!(t, "{lead}");
                    }
                    let _ = writeln!(t, "{}", wrap(&line, width, "    ", "      "));
                }
                first = false;
            }
            if first {
                let _ = writeln!(t, "{lead}");
            }
        }
    }
    let _ = writeln!(t, "\nBaseline KPIs");
    kpi_table(&mut t, k);
    let _ = writeln!(
        t,
        "\n{}",
        wrap(&cost_line(&k.cost, currency), width, "", "  ")
    );
    t
}

fn kpi_table(t: &mut String, k: &Kpis) {
    let mut header = format!("{:<17}{:>9}", "", "all");
    for p in &k.per_priority {
        let _ = write!(header, "{:>9}", format!("P{}", p.priority));
    }
    let _ = writeln!(t, "{header}");
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let mut row = |name: &str, all: String, per: Vec<String>| {
        let mut line = format!("{name:<17}{all:>9}");
        for v in per {
            let _ = write!(line, "{v:>9}");
        }
        let _ = writeln!(t, "{line}");
    };
    row(
        "orders",
        k.orders.to_string(),
        k.per_priority
            .iter()
            .map(|p| p.orders.to_string())
            .collect(),
    );
    row(
        "at risk",
        k.at_risk_orders.to_string(),
        k.per_priority
            .iter()
            .map(|p| p.at_risk_orders.to_string())
            .collect(),
    );
    row(
        "on-time-in-full",
        pct(k.on_time_in_full),
        k.per_priority
            .iter()
            .map(|p| pct(p.on_time_in_full))
            .collect(),
    );
    row(
        "fill rate",
        pct(k.fill_rate),
        k.per_priority.iter().map(|p| pct(p.fill_rate)).collect(),
    );
    row(
        "late unit-days",
        qty(k.late_unit_days),
        k.per_priority
            .iter()
            .map(|p| qty(p.late_unit_days))
            .collect(),
    );
    row(
        "short units",
        qty(k.short_units),
        k.per_priority.iter().map(|p| qty(p.short_units)).collect(),
    );
}

pub fn cost_line(c: &CostBreakdown, currency: Option<&str>) -> String {
    format!(
        "Cost{}: transport {:.2}, fixed {:.2}, expedite {:.2}, lateness {:.2}, shortage {:.2}, change {:.2}; total {:.2}",
        currency.map(|c| format!(" ({c})")).unwrap_or_default(),
        c.transport,
        c.fixed,
        c.expedite,
        c.lateness,
        c.shortage,
        c.change,
        c.total
    )
}

/// `recourse check --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckDoc {
    pub format: String,
    pub scenario: String,
    pub feasible: bool,
    pub violations: Vec<Violation>,
    pub cost: CostBreakdown,
}

pub const CHECK_FORMAT: &str = "recourse.check/1";

pub fn check_doc(s: &Scenario, eval: &Evaluation) -> CheckDoc {
    CheckDoc {
        format: CHECK_FORMAT.to_owned(),
        scenario: s.id.clone(),
        feasible: eval.feasible(),
        violations: eval.violations.clone(),
        cost: eval.cost,
    }
}

pub fn check_text(s: &Scenario, eval: &Evaluation) -> String {
    let mut t = String::new();
    if eval.feasible() {
        let _ = writeln!(
            t,
            "feasible: the plan keeps every rule of scenario {}",
            s.id
        );
    } else {
        let _ = writeln!(
            t,
            "infeasible: {}",
            crate::base::text::plural(eval.violations.len() as f64, "violation")
        );
        for v in &eval.violations {
            let line = format!("rule {} [{}]: {}", v.rule, v.code, v.message);
            let _ = writeln!(t, "{}", wrap(&line, TEXT_WIDTH, "  ", "    "));
        }
    }
    let cost = cost_line(&eval.cost, s.currency.as_deref());
    let _ = writeln!(t, "{}", wrap(&cost, TEXT_WIDTH, "", "  "));
    t
}
