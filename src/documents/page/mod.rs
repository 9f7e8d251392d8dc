//! The planner's page (`--format html`, `recourse report`): one self-contained HTML file with
//! the headline, the KPIs before and after, the network with what the disruptions hit, the
//! responses to approve and the orders left unresolved.
//!
//! What reads the same on paper (headline, KPI bars, unresolved orders, at-risk orders per due
//! day) is written here as HTML and SVG; the map and the responses, which react to the reader,
//! are drawn by `page.js` from one JSON block in the page. Nothing is fetched when the page
//! opens: the style, the script and the pictures are all inline.

mod chart;
mod data;
mod text;

pub use data::Files;
pub use text::grouped;
use text::{amounts, bdi, count, counted, esc, isolated_text, script_safe, Isolated};

use crate::documents::proposals::ProposalsDoc;
use crate::risk::kpi::Kpis;
use crate::scenario::domain::Scenario;
use std::fmt::Write;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Unresolved orders listed on the page; the rest are counted.
const UNRESOLVED_SHOWN: usize = 200;

/// The page for `doc`, made for `s` (the caller checks that `doc.scenario` names `s`).
pub fn render(s: &Scenario, doc: &ProposalsDoc, files: &Files) -> String {
    let currency = s.currency.as_deref().unwrap_or("");
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>recourse · {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        isolated_text(&doc.scenario)
    );
    let ids = page_ids(s, doc);
    header(&mut out, s, doc);
    // At the top, where a reader without JavaScript looks first for why parts are missing.
    out.push_str(
        "<noscript><p class=\"note\" id=\"noscript\">JavaScript is off: the network map and the \
         responses to approve are not drawn; the headline, the KPIs, the unresolved orders and \
         the chart by due day below do not need it.</p></noscript>\n",
    );
    headline(&mut out, doc, currency);
    kpis(
        &mut out,
        &doc.kpis.baseline,
        doc.kpis.proposed.as_ref(),
        currency,
    );
    // The disruptions are numbered from 0, as each one's text and the explanations name them
    // ("disruptions[5]").
    out.push_str(
        "<section id=\"network\"><h2>Network</h2>\
         <p class=\"note\" id=\"map-note\"></p>\
         <p class=\"note\" id=\"map-scroll\" hidden>The map is wider than the window: \
         scroll it sideways to see the rest.</p>\
         <div id=\"map-box\">\
         <svg id=\"map\" viewBox=\"0 0 1000 560\" role=\"img\" aria-label=\"network map\"></svg>\
         </div>\
         <div id=\"legend\" class=\"legend\"></div>\
         <h3>Disruptions</h3><ol id=\"disruptions\" class=\"disruptions\" start=\"0\"></ol>\
         <button type=\"button\" id=\"more-disruptions\" class=\"more\" hidden>show more</button>\
         </section>\n",
    );
    responses_section(&mut out, doc, files);
    let worse = made_late_or_short(s, doc);
    unresolved(&mut out, doc, &worse, currency, &ids);
    let worse_ids: Vec<&str> = worse.iter().map(|w| w.order.as_str()).collect();
    chart::at_risk_by_day(&mut out, s, doc, &worse_ids);
    let data = data::page_data(s, doc, files, &ids);
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "{}".to_owned());
    let _ = write!(
        out,
        "<script type=\"application/json\" id=\"data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        script_safe(&json)
    );
    out
}

fn header(out: &mut String, s: &Scenario, doc: &ProposalsDoc) {
    let sv = &doc.solve;
    let mut line = format!(
        "{} · as of {} · {} · {} by {} ({}) in {:.2} s",
        bdi(&doc.scenario),
        s.as_of,
        counted(s.horizon as f64, "day"),
        esc(&sv.status),
        esc(&sv.formulation),
        esc(&sv.solver),
        sv.seconds
    );
    if let Some(f) = &sv.fallback {
        let _ = write!(
            line,
            " · the plan is the {} plan: the solver found nothing better within the limit",
            esc(f)
        );
    }
    if let Some(i) = &sv.improved_from {
        let cost = grouped(i.cost);
        let bound = sv.bound.map(grouped);
        let bound = bound.as_deref().zip(sv.gap);
        let sentence = crate::documents::proposals_report::improved_from_sentence(i, &cost, bound);
        let _ = write!(line, " · {}", esc(&sentence));
    } else if let Some(sentence) =
        crate::documents::proposals_report::relaxation_sentence(doc, grouped)
    {
        let _ = write!(line, " · {}", esc(&sentence));
    }
    // Why there is no plan, where that is the frozen orders (the text report says it too):
    // the ones the do-nothing plan cannot keep, so releasing all of them is enough.
    let infeasible = match doc.infeasible_frozen_orders.as_slice() {
        [] => String::new(),
        orders => {
            let (it, its) = if orders.len() == 1 {
                ("it", "its plan needs")
            } else {
                ("them", "their plans need")
            };
            format!(
                "<p class=\"sub\" id=\"infeasible\"><strong>No plan keeps every frozen order's \
                 commitment: {}.</strong> Unfreeze {it}, or restore the stock or capacity {its}, \
                 and solve again.</p>",
                bdis(orders)
            )
        }
    };
    let _ = writeln!(
        out,
        "<header><h1>Order promises at risk</h1><p class=\"sub\">{line}</p>{infeasible}</header>"
    );
}

fn headline(out: &mut String, doc: &ProposalsDoc, currency: &str) {
    let base = &doc.kpis.baseline;
    let plan = doc.kpis.proposed.as_ref();
    let gap = match (doc.solve.gap, doc.solve.bound) {
        (Some(g), _) => format!("{:.2}%", 100.0 * g),
        (None, Some(_)) => "—".to_owned(),
        (None, None) => "none proven".to_owned(),
    };
    let card = |out: &mut String, id: &str, label: &str, value: String, note: &str| {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"label\">{label}</div>\
             <div class=\"value\" id=\"{id}\">{value}</div><div class=\"note\">{note}</div></div>"
        );
    };
    out.push_str("<section id=\"headline\" class=\"cards\">");
    card(
        out,
        "cost-baseline",
        "Cost if nobody acts",
        card_money(base.cost.total, currency),
        "penalties included",
    );
    card(
        out,
        "cost-plan",
        "Cost of the plan",
        plan.map_or("no plan".to_owned(), |k| card_money(k.cost.total, currency)),
        &plan.map_or(String::new(), |k| {
            format!("saves {}", money(base.cost.total - k.cost.total, currency))
        }),
    );
    card(
        out,
        "gap",
        "Proven gap",
        gap,
        &doc.solve.bound.map_or("no bound".to_owned(), |b| {
            format!("bound {}", money(b, currency))
        }),
    );
    card(
        out,
        "at-risk-before",
        "At-risk orders, before",
        count(base.at_risk_orders as f64),
        &format!("of {}", counted(base.orders as f64, "order")),
    );
    card(
        out,
        "at-risk-after",
        "At-risk orders, after",
        plan.map_or("—".to_owned(), |k| count(k.at_risk_orders as f64)),
        &counted(doc.responses.len() as f64, "response"),
    );
    out.push_str("</section>\n");
}

/// One KPI as two bars on a common scale: before (the baseline) and after (the plan).
struct Bar {
    label: String,
    before: f64,
    after: Option<f64>,
    show: fn(f64) -> String,
    /// Whether more is better (on-time-in-full) or worse (cost, at-risk orders).
    higher_is_better: bool,
    /// False for a share of no orders (on-time-in-full, fill rate): written "n/a", no bars.
    defined: bool,
}

impl Bar {
    fn of(
        label: &str,
        before: f64,
        after: Option<f64>,
        show: fn(f64) -> String,
        higher_is_better: bool,
    ) -> Bar {
        Bar {
            label: label.to_owned(),
            before,
            after,
            show,
            higher_is_better,
            defined: true,
        }
    }

    /// The bar of a share of `orders` orders: undefined for none (the proposals document
    /// writes 1.0 then, which the page does not show as 100.0%).
    fn share_of(self, orders: usize) -> Bar {
        Bar {
            defined: orders > 0,
            ..self
        }
    }
}

const PERCENT: fn(f64) -> String = |x| format!("{:.1}%", 100.0 * x);
const COUNT: fn(f64) -> String = count;

fn kpis(out: &mut String, b: &Kpis, p: Option<&Kpis>, currency: &str) {
    out.push_str(
        "<section id=\"kpis\"><h2>KPIs before and after</h2>\
         <p class=\"legend\"><span class=\"swatch before\"></span>if nobody acts \
         <span class=\"swatch after\"></span>with the plan</p><div class=\"kpi-grid\">",
    );
    out.push_str("<div><h3>Overall</h3>");
    bars(out, &overall(b, p, currency));
    out.push_str("</div>");
    for (i, pp) in b.per_priority.iter().enumerate() {
        let after = p.and_then(|k| k.per_priority.get(i));
        let _ = write!(
            out,
            "<div><h3>Priority {} <span class=\"note\">({})</span></h3>",
            pp.priority,
            counted(pp.orders as f64, "order")
        );
        let rows = [
            Bar::of(
                "on-time-in-full",
                pp.on_time_in_full,
                after.map(|a| a.on_time_in_full),
                PERCENT,
                true,
            )
            .share_of(pp.orders),
            Bar::of(
                "fill rate",
                pp.fill_rate,
                after.map(|a| a.fill_rate),
                PERCENT,
                true,
            )
            .share_of(pp.orders),
            Bar::of(
                "at-risk orders",
                pp.at_risk_orders as f64,
                after.map(|a| a.at_risk_orders as f64),
                COUNT,
                false,
            ),
        ];
        bars(out, &rows);
        out.push_str("</div>");
    }
    out.push_str("</div></section>\n");
}

fn overall(b: &Kpis, p: Option<&Kpis>, currency: &str) -> Vec<Bar> {
    let cost = format!(
        "cost ({})",
        if currency.is_empty() {
            "total"
        } else {
            currency
        }
    );
    vec![
        Bar::of(&cost, b.cost.total, p.map(|k| k.cost.total), grouped, false),
        Bar::of(
            "on-time-in-full",
            b.on_time_in_full,
            p.map(|k| k.on_time_in_full),
            PERCENT,
            true,
        )
        .share_of(b.orders),
        Bar::of(
            "fill rate",
            b.fill_rate,
            p.map(|k| k.fill_rate),
            PERCENT,
            true,
        )
        .share_of(b.orders),
        Bar::of(
            "at-risk orders",
            b.at_risk_orders as f64,
            p.map(|k| k.at_risk_orders as f64),
            COUNT,
            false,
        ),
        Bar::of(
            "late unit-days",
            b.late_unit_days,
            p.map(|k| k.late_unit_days),
            COUNT,
            false,
        ),
        Bar::of(
            "short units",
            b.short_units,
            p.map(|k| k.short_units),
            COUNT,
            false,
        ),
    ]
}

fn bars(out: &mut String, rows: &[Bar]) {
    out.push_str("<table class=\"bars\">");
    for r in rows {
        if !r.defined {
            let _ = write!(
                out,
                "<tr class=\"undefined\" title=\"no orders\"><th>{}</th><td></td><td class=\"num\">n/a</td>\
                 <td class=\"num\">n/a</td></tr>",
                esc(&r.label)
            );
            continue;
        }
        let top = r.before.max(r.after.unwrap_or(0.0)).max(f64::MIN_POSITIVE);
        let width = |v: f64| (100.0 * v / top).clamp(0.0, 100.0);
        let better = r.after.map(|a| {
            if (a - r.before).abs() <= 1e-9 * r.before.abs().max(1.0) {
                "same"
            } else if (a > r.before) == r.higher_is_better {
                "better"
            } else {
                "worse"
            }
        });
        let _ = write!(
            out,
            "<tr><th>{}</th><td><div class=\"bar before\" style=\"width:{:.1}%\"></div>\
             <div class=\"bar after\" style=\"width:{:.1}%\"></div></td>\
             <td class=\"num\">{}</td><td class=\"num {}\">{}</td></tr>",
            esc(&r.label),
            width(r.before),
            r.after.map_or(0.0, width),
            (r.show)(r.before),
            better.unwrap_or(""),
            r.after.map_or("—".to_owned(), r.show)
        );
    }
    out.push_str("</table>");
}

fn responses_section(out: &mut String, doc: &ProposalsDoc, files: &Files) {
    let _ = writeln!(
        out,
        "<section id=\"responses-section\"><h2>Responses to approve \
         <span class=\"note\">({} in all, most valuable first)</span></h2>\
         <p class=\"note\" id=\"tick-rules\">Ticking a response ticks the ones it requires; \
         unticking or rejecting one unticks the ones that require it. A response that requires \
         one you rejected stays unticked until you un-reject that one.</p>\
         <div class=\"controls\">\
         <label>Approved by <select id=\"owner\"><option value=\"\">any function</option>\
         <option value=\"inventory\">inventory</option><option value=\"supply\">supply</option>\
         <option value=\"logistics\">logistics</option></select></label>\
         <label>Search <input id=\"search\" type=\"search\" placeholder=\"order, node, SKU, R12\"></label>\
         <span id=\"shown\" class=\"note\"></span>\
         <button type=\"button\" id=\"tick-matching\" class=\"more\" hidden>tick all</button></div>\
         <div class=\"selection\" id=\"selection\">\
         <div>Net benefit approved: <strong id=\"approved-total\"></strong> \
         <span id=\"approved-count\" class=\"note\"></span> \
         <span id=\"restored\" class=\"note\" hidden>(ticks restored from an earlier visit: this \
         browser keeps them for these responses)</span></div>\
         <pre id=\"command\" tabindex=\"0\"></pre>\
         <a id=\"download\" download=\"approvals.json\" href=\"#\">approvals as JSON</a>{}\
         </div>\
         <div id=\"responses\"></div>\
         <p id=\"printed\" class=\"note print-only\"></p>\
         <button type=\"button\" id=\"more-responses\" class=\"more\" hidden>show more</button>\
         </section>",
        count(doc.responses.len() as f64),
        if files.proposals.is_none() {
            " <span class=\"note\">(this page was written by <code>recourse solve --format html</code>, \
             without the proposals document that approvals are made on, and a new solve can rank the \
             responses differently: to approve, write it with <code>recourse solve SCENARIO -o proposals.json</code>, \
             make its page with <code>recourse report proposals.json --scenario SCENARIO -o report.html</code> \
             and tick there)</span>"
        } else {
            ""
        }
    );
}

/// An order the plan leaves late or short although it was not at risk: it gives up stock
/// or capacity to protect others.
struct MadeWorse {
    order: String,
    priority: u32,
    why: String,
}

/// The orders the plan leaves late or short that were not at risk if nobody acts, read off
/// the checker's evaluation of the plan (none without a plan). The KPIs after count them;
/// the unresolved orders, at-risk orders by definition, do not.
fn made_late_or_short(s: &Scenario, doc: &ProposalsDoc) -> Vec<MadeWorse> {
    let Some(plan) = doc.plan.as_ref().and_then(|p| p.to_domain(s, "plan").ok()) else {
        return Vec::new();
    };
    let before: std::collections::HashSet<&str> =
        doc.at_risk.iter().map(|a| a.order.as_str()).collect();
    let eval = crate::check::evaluate(s, &plan);
    let mut out = Vec::new();
    for (o, outcome) in eval.orders.iter().enumerate() {
        let order = &s.orders[o];
        if !outcome.at_risk() || before.contains(order.id.0.as_str()) {
            continue;
        }
        let by: Vec<&str> = doc
            .responses
            .iter()
            .filter(|r| r.donors.contains(&order.id.0))
            .map(|r| r.id.as_str())
            .collect();
        let mut parts = Vec::new();
        if outcome.short_units > 0.0 {
            parts.push(format!("{} short", counted(outcome.short_units, "unit")));
        }
        if outcome.late_units > 0.0 {
            parts.push(format!(
                "{} late (up to {})",
                counted(outcome.late_units, "unit"),
                counted(outcome.max_days_late as f64, "day")
            ));
        }
        let given = if by.is_empty() {
            "gives up stock or capacity to protect other orders".to_owned()
        } else {
            format!("gives up stock or capacity in {}", by.join(", "))
        };
        out.push(MadeWorse {
            order: order.id.0.clone(),
            priority: order.priority,
            why: format!(
                "Not at risk if nobody acts; {given}: {}.",
                parts.join(" and ")
            ),
        });
    }
    out
}

fn unresolved(
    out: &mut String,
    doc: &ProposalsDoc,
    worse: &[MadeWorse],
    currency: &str,
    ids: &Isolated,
) {
    if doc.plan.is_none() {
        return no_plan(out, doc, currency, ids);
    }
    let n = doc.unresolved.len() + worse.len();
    let _ = write!(
        out,
        "<section id=\"unresolved\"><h2>Unresolved orders <span class=\"note\">({} still late or short with the plan)</span></h2>",
        count(n as f64)
    );
    if n == 0 {
        out.push_str("<p>None: every at-risk order is protected.</p></section>\n");
        return;
    }
    let rows = doc
        .unresolved
        .iter()
        .map(|u| (u.order.as_str(), u.priority, amounts(&u.why, currency)))
        .chain(
            worse
                .iter()
                .map(|w| (w.order.as_str(), w.priority, w.why.clone())),
        )
        .collect();
    order_table(
        out,
        rows,
        "the proposals document lists the unresolved ones; the responses' explanations name \
         the orders they make late or short",
        ids,
    );
    out.push_str("</section>\n");
}

/// Without a plan nothing is resolved: the orders at risk if nobody acts stay so. The section
/// says why there is no plan and lists them with why they are at risk, as the unresolved
/// orders are listed when there is one (a count of "0 still late or short with the plan"
/// would read as if all were well).
fn no_plan(out: &mut String, doc: &ProposalsDoc, currency: &str, ids: &Isolated) {
    let n = doc.at_risk.len();
    let _ = write!(
        out,
        "<section id=\"unresolved\"><h2>Unresolved orders <span class=\"note\">(no plan: {} at \
         risk if nobody acts)</span></h2>",
        count(n as f64)
    );
    let why = match doc.infeasible_frozen_orders.as_slice() {
        [] => format!("the solve found none ({})", esc(&doc.solve.status)),
        [one] => format!(
            "no plan keeps the commitment of frozen order {} (the top of the page says what to \
             do about it)",
            bdi(one)
        ),
        many => format!(
            "no plan keeps the commitments of frozen orders {} (the top of the page says what \
             to do about them)",
            bdis(many)
        ),
    };
    let _ = write!(
        out,
        "<p>No plan: the orders stay as they are if nobody acts, because {why}. No response \
         can be approved until there is a plan. "
    );
    if n == 0 {
        out.push_str("No order is at risk if nobody acts.</p></section>\n");
        return;
    }
    let _ = write!(
        out,
        "{}, with why:</p>",
        if n == 1 {
            "The order at risk then".to_owned()
        } else {
            format!("The {} orders at risk then", count(n as f64))
        }
    );
    let rows = doc
        .at_risk
        .iter()
        .map(|a| {
            let why = capital(&amounts(&a.reasons.join("; "), currency));
            (a.order.as_str(), a.priority, format!("{why}."))
        })
        .collect();
    order_table(
        out,
        rows,
        "the proposals document lists them all under at_risk",
        ids,
    );
    out.push_str("</section>\n");
}

/// "abc" as "Abc".
fn capital(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// Orders with their priority and why, the most important first (priority 1), so that those
/// shown are the ones that matter most when not all are; within a priority, as given. `rest`
/// says where the ones left out are; `ids`, the ids to isolate in the why.
fn order_table(out: &mut String, mut rows: Vec<(&str, u32, String)>, rest: &str, ids: &Isolated) {
    out.push_str("<table class=\"list\"><tr><th>order</th><th>priority</th><th>why</th></tr>");
    rows.sort_by_key(|r| r.1);
    for (order, priority, why) in rows.iter().take(UNRESOLVED_SHOWN) {
        let _ = write!(
            out,
            "<tr><td class=\"id\">{}</td><td>{priority}</td><td>{}</td></tr>",
            esc(order),
            ids.html(why)
        );
    }
    out.push_str("</table>");
    if rows.len() > UNRESOLVED_SHOWN {
        let _ = write!(
            out,
            "<p class=\"note\">and {} more of lower or equal priority ({rest}).</p>",
            count((rows.len() - UNRESOLVED_SHOWN) as f64)
        );
    }
}

/// The ids the page's sentences may name: the scenario's, its SKUs', nodes', lanes',
/// receipts', orders' and customers', and the responses'.
fn page_ids<'a>(s: &'a Scenario, doc: &'a ProposalsDoc) -> Isolated<'a> {
    let orders = s.orders.iter();
    Isolated::new(
        std::iter::once(doc.scenario.as_str())
            .chain(s.skus.iter().map(|x| x.id.0.as_str()))
            .chain(s.nodes.iter().map(|x| x.id.0.as_str()))
            .chain(s.lanes.iter().map(|x| x.id.0.as_str()))
            .chain(s.inbound.iter().map(|x| x.id.0.as_str()))
            .chain(
                orders
                    .flat_map(|o| [Some(o.id.0.as_str()), o.customer.as_deref()])
                    .flatten(),
            )
            .chain(doc.responses.iter().map(|r| r.id.as_str())),
    )
}

/// Ids written into a sentence as a list, each isolated.
fn bdis(ids: &[String]) -> String {
    let each: Vec<String> = ids.iter().map(|id| bdi(id)).collect();
    each.join(", ")
}

/// Money on a headline card: the currency smaller than the amount, so that the two fit a
/// narrow card on one line more often.
fn card_money(x: f64, currency: &str) -> String {
    if currency.is_empty() {
        grouped(x)
    } else {
        format!(
            "{} <span class=\"cur\">{}</span>",
            grouped(x),
            esc(currency)
        )
    }
}

fn money(x: f64, currency: &str) -> String {
    if currency.is_empty() {
        grouped(x)
    } else {
        format!("{} {}", grouped(x), esc(currency))
    }
}
