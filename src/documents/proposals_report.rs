//! The proposals document as a planner reads it: a terminal report (`--format table`) or
//! Markdown to paste into a ticket or an e-mail (`--format markdown`). Both show the same
//! things in the same order: the solve, KPIs before and after, the ranked responses with
//! their approvals, and the at-risk orders left unresolved.

use crate::base::text::{qty, wrap};
use crate::documents::proposals::{ProposalsDoc, ResponseDoc, SolveDoc};
use crate::risk::kpi::Kpis;
use std::fmt::Write;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Plain text, its prose wrapped to this many columns.
    Table(usize),
    Markdown,
}

fn money(x: f64) -> String {
    format!("{x:.2}")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// KPI rows: label, baseline, proposed.
fn kpi_rows(b: &Kpis, p: Option<&Kpis>) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut row = |label: String, f: &dyn Fn(&Kpis) -> String| {
        rows.push((label, f(b), p.map_or("-".to_owned(), f)));
    };
    row("cost".into(), &|k| money(k.cost.total));
    row("  transport".into(), &|k| money(k.cost.transport));
    row("  fixed".into(), &|k| money(k.cost.fixed));
    row("  expedite".into(), &|k| money(k.cost.expedite));
    row("  lateness".into(), &|k| money(k.cost.lateness));
    row("  shortage".into(), &|k| money(k.cost.shortage));
    row("  change".into(), &|k| money(k.cost.change));
    row("at-risk orders".into(), &|k| k.at_risk_orders.to_string());
    row("on-time-in-full".into(), &|k| pct(k.on_time_in_full));
    row("fill rate".into(), &|k| pct(k.fill_rate));
    row("late unit-days".into(), &|k| qty(k.late_unit_days));
    row("short units".into(), &|k| qty(k.short_units));
    for (i, pp) in b.per_priority.iter().enumerate() {
        let at = |k: &Kpis| k.per_priority.get(i).cloned();
        let pr = pp.priority;
        row(format!("P{pr} at risk"), &|k| {
            at(k).map_or("-".into(), |x| x.at_risk_orders.to_string())
        });
        row(format!("P{pr} on-time-in-full"), &|k| {
            at(k).map_or("-".into(), |x| pct(x.on_time_in_full))
        });
        row(format!("P{pr} fill rate"), &|k| {
            at(k).map_or("-".into(), |x| pct(x.fill_rate))
        });
        row(format!("P{pr} late unit-days"), &|k| {
            at(k).map_or("-".into(), |x| qty(x.late_unit_days))
        });
        row(format!("P{pr} short units"), &|k| {
            at(k).map_or("-".into(), |x| qty(x.short_units))
        });
    }
    rows
}

/// How many responses protect how many orders each, and what those that protect and help
/// nobody do to the cost on their own (by the sign of the net, as their explanations say):
/// "3 responses: 1 protects one order, 1 reduces an at-risk order's penalty, 1 only lowers
/// the cost".
pub fn granularity<P>(doc: &ProposalsDoc<P>) -> String {
    use crate::base::text::{agree, plural};
    let n = doc.responses.len();
    let count = |f: &dyn Fn(&ResponseDoc) -> bool| doc.responses.iter().filter(|r| f(r)).count();
    let nobody = |r: &ResponseDoc| r.protects.is_empty() && r.helps.is_empty();
    let one = count(&|r| r.protects.len() == 1);
    let more = count(&|r| r.protects.len() > 1);
    let helps = count(&|r| r.protects.is_empty() && !r.helps.is_empty());
    let lower = count(&|r| nobody(r) && r.net_benefit >= 0.005);
    let raise = count(&|r| nobody(r) && r.net_benefit <= -0.005);
    let leave = count(&nobody) - lower - raise;
    let verb = |k: usize, one: &'static str, many: &'static str| agree(k as f64, one, many);
    let mut parts = vec![format!(
        "{one} {} one order",
        verb(one, "protects", "protect")
    )];
    let mut say = |k: usize, text: String| {
        if k > 0 {
            parts.push(format!("{k} {text}"));
        }
    };
    say(
        more,
        format!("{} several", verb(more, "protects", "protect")),
    );
    let penalty = verb(helps, "reduces", "reduce");
    say(helps, format!("{penalty} an at-risk order's penalty"));
    say(
        lower,
        format!("only {} the cost", verb(lower, "lowers", "lower")),
    );
    say(
        leave,
        format!("{} the cost as it is", verb(leave, "leaves", "leave")),
    );
    let own = verb(raise, "raises it on its own", "raise it on their own");
    say(raise, own.to_owned());
    format!("{}: {}", plural(n as f64, "response"), parts.join(", "))
}

/// The report in `style`, amounts followed by `currency`: its sections in order.
pub fn render<P>(doc: &ProposalsDoc<P>, currency: Option<&str>, style: Style) -> String {
    let mut r = Report::new(doc, currency, style);
    r.headline();
    r.fallback();
    r.bound();
    r.frozen();
    r.kpis();
    r.responses();
    r.checked_prefixes();
    r.unresolved();
    r.t
}

/// A report being written: the document, how it is written, and the text so far.
struct Report<'d, P> {
    doc: &'d ProposalsDoc<P>,
    md: bool,
    /// Plain text's width (`usize::MAX` in Markdown, whose reader reflows its own).
    width: usize,
    /// What follows an amount: a space and the currency, or nothing.
    cur: String,
    t: String,
}

/// `s` as written in Markdown (`md`), where everything a scenario names (ids, the
/// currency) must read as written; as it is in plain text.
fn esc(md: bool, s: &str) -> String {
    if md {
        md_text(s)
    } else {
        s.to_owned()
    }
}

/// The requirement of `r` as the report states it: the ids it requires, or "nothing".
fn requirement(r: &ResponseDoc) -> String {
    if r.requires.is_empty() {
        "nothing".to_owned()
    } else {
        r.requires.join(", ")
    }
}

/// The solve in a line: its status, the plan's cost against `base` (the cost if nobody
/// acts), the gap, what made the plan and how long it took; or that there is no plan.
fn solve_line(sv: &SolveDoc, base: f64, cur: &str) -> String {
    match (sv.objective, sv.gap) {
        (Some(obj), gap) => format!(
            "{}: cost {}{cur} against {}{cur} if nobody acts{}; {}, {:.2} s",
            sv.status,
            money(obj),
            money(base),
            gap.map_or(String::new(), |g| format!(" (gap {:.2}%)", 100.0 * g)),
            if sv.formulation == crate::optimize::priority_rules::NAME {
                "the priority rules, no solver".to_owned()
            } else {
                format!("{} formulation, {}", sv.formulation, sv.solver)
            },
            sv.seconds
        ),
        (None, _) => format!("{}: no plan", sv.status),
    }
}

impl<'d, P> Report<'d, P> {
    fn new(doc: &'d ProposalsDoc<P>, currency: Option<&str>, style: Style) -> Self {
        let md = style == Style::Markdown;
        let width = match style {
            Style::Table(w) => w,
            Style::Markdown => usize::MAX,
        };
        Report {
            doc,
            md,
            width,
            cur: currency
                .map(|c| format!(" {}", esc(md, c)))
                .unwrap_or_default(),
            t: String::new(),
        }
    }

    /// A paragraph of text wrapped to the width; markdown's reader reflows its own.
    fn para(&self, s: String) -> String {
        if self.md {
            s
        } else {
            wrap(&s, self.width, "", "")
        }
    }

    /// "### " before a section's title in Markdown; nothing in plain text.
    fn heading(&self) -> &'static str {
        if self.md {
            "### "
        } else {
            ""
        }
    }

    /// The scenario and the solve's headline.
    fn headline(&mut self) {
        let doc = self.doc;
        let head = solve_line(&doc.solve, doc.kpis.baseline.cost.total, &self.cur);
        if self.md {
            let _ = writeln!(
                self.t,
                "## Proposals for scenario {}\n\n{}\n",
                md_code(&doc.scenario),
                md_text(&head)
            );
        } else {
            let line = self.para(format!("Scenario {}: {head}", doc.scenario));
            let _ = writeln!(self.t, "{line}");
        }
    }

    /// The plan a limit fell back on, when it did.
    fn fallback(&mut self) {
        match self.doc.solve.fallback.as_deref() {
            Some("baseline") => {
                let _ = writeln!(
                    self.t,
                    "The plan is the do-nothing baseline: the solver found nothing better within the limit.\n"
                );
            }
            Some(other) => {
                let _ = writeln!(
                    self.t,
                    "The plan is the {other} plan: the solver found nothing better within the limit.\n"
                );
            }
            None => {}
        }
    }

    /// Where an improved plan started and what bounds it, or the relaxation's bound when
    /// it was the better one; nothing otherwise.
    fn bound(&mut self) {
        let doc = self.doc;
        let sv = &doc.solve;
        if let Some(i) = &sv.improved_from {
            let bound = sv.bound.map(money);
            let bound = bound.as_deref().zip(sv.gap);
            let sentence = self.para(improved_from_sentence(i, &money(i.cost), bound));
            let _ = writeln!(self.t, "{sentence}\n");
        } else if let Some(sentence) = relaxation_sentence(doc, money) {
            let sentence = self.para(sentence);
            let _ = writeln!(self.t, "{sentence}\n");
        }
    }

    /// The frozen orders whose commitments no plan keeps, when there are any.
    fn frozen(&mut self) {
        let orders = &self.doc.infeasible_frozen_orders;
        if !orders.is_empty() {
            let orders = esc(self.md, &orders.join(", "));
            let _ = writeln!(
                self.t,
                "No plan keeps every frozen order's commitment: {orders}\n"
            );
        }
    }

    /// The key figures, baseline beside proposed.
    fn kpis(&mut self) {
        let rows = kpi_rows(&self.doc.kpis.baseline, self.doc.kpis.proposed.as_ref());
        if self.md {
            let _ = writeln!(
                self.t,
                "### Key figures\n\n| | baseline | proposed |\n|---|---:|---:|"
            );
            for (l, b, p) in &rows {
                let _ = writeln!(self.t, "| {} | {b} | {p} |", l.trim());
            }
        } else {
            let _ = writeln!(
                self.t,
                "\n{:<22}{:>14}{:>14}",
                "KPIs", "baseline", "proposed"
            );
            for (l, b, p) in &rows {
                let _ = writeln!(self.t, "{l:<22}{b:>14}{p:>14}");
            }
        }
    }

    /// The responses, most valuable first, under a title that counts them when there is
    /// a plan; why there is none when there is none.
    fn responses(&mut self) {
        let doc = self.doc;
        if doc.plan.is_some() {
            let title = self.para(format!(
                "{}Responses ({}), most valuable first; approve any set that includes what each requires",
                self.heading(),
                granularity(doc)
            ));
            let _ = writeln!(self.t, "\n{title}\n");
        }
        for r in &doc.responses {
            if self.md {
                self.response_md(r);
            } else {
                self.response_text(r);
            }
        }
        if doc.responses.is_empty() {
            let _ = writeln!(
                self.t,
                "{}",
                if doc.plan.is_some() {
                    "No response: the plan is the baseline."
                } else {
                    "\nNo response: without a plan there is nothing to approve."
                }
            );
        }
    }

    /// One response in Markdown: its figures in bold, its explanation, its actions listed.
    fn response_md(&mut self, r: &ResponseDoc) {
        let cur = &self.cur;
        let _ = writeln!(
            self.t,
            "**{}** · net benefit {}{cur} · cost {}{cur} · approvals: {} · requires: {}\n\n{}\n",
            md_text(&r.id),
            money(r.net_benefit),
            money(r.cost),
            md_text(&r.approvals.join(", ")),
            md_text(&requirement(r)),
            md_text(&r.explanation)
        );
        for a in &r.actions {
            let _ = writeln!(
                self.t,
                "- {} {} ({}): {}",
                md_code(&a.id),
                md_text(&a.kind),
                md_text(&a.owner),
                md_text(&a.text)
            );
        }
        let _ = writeln!(self.t);
    }

    /// One response in plain text: a line of figures, its explanation and its actions
    /// indented below.
    fn response_text(&mut self, r: &ResponseDoc) {
        let width = self.width;
        let _ = writeln!(
            self.t,
            "{:<5} net {:>12}  cost {:>10}  approvals {:<28} requires {}",
            r.id,
            money(r.net_benefit),
            money(r.cost),
            r.approvals.join(","),
            requirement(r)
        );
        let _ = writeln!(
            self.t,
            "{}",
            wrap(&r.explanation, width, "      ", "      ")
        );
        for a in &r.actions {
            let head = format!("      {:<7} {:<18} ", a.id, a.kind);
            let hang = " ".repeat(head.chars().count());
            let _ = writeln!(self.t, "{}", wrap(&a.text, width, &head, &hang));
        }
    }

    /// How many prefixes the checker evaluated, when not every one.
    fn checked_prefixes(&mut self) {
        let doc = self.doc;
        if doc.checked_prefixes < doc.responses.len() {
            let sentence = self.para(format!(
                "The checker evaluated {} of the {} prefixes (evenly spaced, and the last): checking every one of a plan this size costs responses x plan size; the construction's prediction matched it on each.",
                doc.checked_prefixes,
                doc.responses.len()
            ));
            let _ = writeln!(self.t, "\n{sentence}");
        }
    }

    /// The at-risk orders left late or short, each with why, when there are any.
    fn unresolved(&mut self) {
        let doc = self.doc;
        if doc.unresolved.is_empty() {
            return;
        }
        let _ = writeln!(
            self.t,
            "\n{}At-risk orders left late or short ({})\n",
            self.heading(),
            doc.unresolved.len()
        );
        for u in &doc.unresolved {
            if self.md {
                let _ = writeln!(
                    self.t,
                    "- **{}** (priority {}): {}",
                    md_text(&u.order),
                    u.priority,
                    md_text(&u.why)
                );
            } else {
                let line = format!("{} (priority {}): {}", u.order, u.priority, u.why);
                let _ = writeln!(self.t, "{}", wrap(&line, self.width, "", "    "));
            }
        }
    }
}

/// `s` as Markdown text that reads as written: the ASCII punctuation that Markdown can take
/// as formatting (emphasis, code, links, HTML and entities, table cells, headings,
/// strikethrough) escaped with a backslash, which CommonMark allows before any ASCII
/// punctuation.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `s` as a Markdown code span that shows it as written: fenced by one backtick more than
/// its longest run of backticks, with a space inside each fence when it starts or ends
/// with a backtick or a space (CommonMark 6.1 strips one such space on each side).
pub fn md_code(s: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// What a planner reads when the plan is another plan improved one neighbourhood at a time
/// (`solve.improved_from`): where it started, and what bounds it (`bound`: the
/// relaxation's bound and the plan's gap to it), or that nothing does. `cost` and the bound
/// are written as the caller writes amounts.
pub fn improved_from_sentence(
    i: &crate::documents::proposals::ImprovedFrom,
    cost: &str,
    bound: Option<(&str, f64)>,
) -> String {
    let start = match i.plan.as_str() {
        "last-plan" => {
            "the worker's last plan without the orders the events since touched".to_owned()
        }
        other => format!("the {other} plan"),
    };
    // "by <what> (once|twice|n times) and ", or nothing when it never lowered the cost.
    let by = |what: &str, n: usize| match n {
        0 => String::new(),
        1 => format!("by {what} (once) and "),
        2 => format!("by {what} (twice) and "),
        n => format!("by {what} ({n} times) and "),
    };
    let routed = by(
        "serving short lines from stock it left unused or from orders cheaper to leave short",
        i.routed,
    );
    let closed = by(
        "giving up lane-days and expedites it paid for without needing them",
        i.closed,
    );
    let bounded = match bound {
        Some((b, gap)) => format!(
            "; a relaxation that moves each SKU on its own, without capacities and with only part of the charges, proves that no plan costs less than {b} (a gap of {:.1} %)",
            100.0 * gap
        ),
        None => ", and nothing bounds how far this plan is from optimal".to_owned(),
    };
    format!(
        "The plan is {start} ({cost}) improved {routed}{closed}one neighbourhood at a time, the late or short orders first and then the orders holding what they lack ({} of {} neighbourhoods lowered the cost): the whole model did not fit the limit{bounded}.",
        i.improved, i.neighbourhoods
    )
}

/// What a planner reads when the whole model ran but the gap is to the transportation
/// relaxation (`solve.relaxation` without `solve.improved_from`): the model's own bound
/// was weaker within the limit. `None` otherwise. `money` writes amounts as the caller does.
pub fn relaxation_sentence<P>(
    doc: &ProposalsDoc<P>,
    money: impl Fn(f64) -> String,
) -> Option<String> {
    let sv = &doc.solve;
    if sv.improved_from.is_some() {
        return None;
    }
    sv.relaxation.as_ref()?;
    let (bound, gap) = (sv.bound?, sv.gap?);
    Some(format!(
        "A relaxation that moves each SKU on its own, without capacities and with only part of the charges, proves that no plan costs less than {} (a gap of {:.1} %): the model's own bound was weaker within the limit.",
        money(bound),
        100.0 * gap
    ))
}

#[cfg(test)]
mod tests {
    use super::{improved_from_sentence, md_code, md_text};
    use crate::documents::proposals::ImprovedFrom;

    #[test]
    fn the_starting_plan_is_named_for_a_planner() {
        let from = |plan: &str| ImprovedFrom {
            plan: plan.to_owned(),
            cost: 1234.5,
            neighbourhoods: 3,
            improved: 2,
            routed: 0,
            closed: 0,
        };
        assert_eq!(
            improved_from_sentence(&from("priority-rules"), "1,234.5", None),
            "The plan is the priority-rules plan (1,234.5) improved one neighbourhood at a time, the late or short orders first and then the orders holding what they lack (2 of 3 neighbourhoods lowered the cost): the whole model did not fit the limit, and nothing bounds how far this plan is from optimal."
        );
        assert!(improved_from_sentence(&from("last-plan"), "1234.50", None).starts_with(
            "The plan is the worker's last plan without the orders the events since touched (1234.50) improved"
        ));
        let routed = ImprovedFrom {
            routed: 3,
            ..from("priority-rules")
        };
        assert_eq!(
            improved_from_sentence(&routed, "1,234.5", None),
            "The plan is the priority-rules plan (1,234.5) improved by serving short lines from stock it left unused or from orders cheaper to leave short (3 times) and one neighbourhood at a time, the late or short orders first and then the orders holding what they lack (2 of 3 neighbourhoods lowered the cost): the whole model did not fit the limit, and nothing bounds how far this plan is from optimal."
        );
        let closed = ImprovedFrom {
            closed: 2,
            ..routed.clone()
        };
        assert!(improved_from_sentence(&closed, "1,234.5", None).starts_with(
            "The plan is the priority-rules plan (1,234.5) improved by serving short lines from stock it left unused or from orders cheaper to leave short (3 times) and by giving up lane-days and expedites it paid for without needing them (twice) and one neighbourhood at a time,"
        ));
        assert_eq!(
            improved_from_sentence(&routed, "1,234.5", Some(("987.6", 0.19997))),
            "The plan is the priority-rules plan (1,234.5) improved by serving short lines from stock it left unused or from orders cheaper to leave short (3 times) and one neighbourhood at a time, the late or short orders first and then the orders holding what they lack (2 of 3 neighbourhoods lowered the cost): the whole model did not fit the limit; a relaxation that moves each SKU on its own, without capacities and with only part of the charges, proves that no plan costs less than 987.6 (a gap of 20.0 %)."
        );
    }

    #[test]
    fn a_code_span_is_fenced_longer_than_any_backtick_run_it_holds() {
        assert_eq!(md_code("demo-eu"), "`demo-eu`");
        assert_eq!(md_code("a``b"), "```a``b```");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_text("a|b*c_d"), "a\\|b\\*c\\_d");
    }
}
