//! The at-risk orders over the days of the horizon: per due day, how many are at risk if
//! nobody acts and how many the plan leaves late or short. Static SVG, so it prints.

use super::text::{count, esc};
use crate::documents::proposals::ProposalsDoc;
use crate::scenario::domain::{Day, Scenario};
use std::fmt::Write;

/// Counts per bucket: due before the horizon, each plannable day, due after it.
pub(super) fn counts<'a>(s: &Scenario, orders: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let h = s.horizon as usize;
    let mut out = vec![0; h + 2];
    for id in orders {
        let Some(o) = s.index.orders.get(id) else {
            continue;
        };
        let due: Day = s.order(*o).due;
        let bucket = if due < 0 {
            0
        } else if (due as usize) < h {
            due as usize + 1
        } else {
            h + 1
        };
        out[bucket] += 1;
    }
    out
}

/// The count between gridlines: 1, 2 or 5 times a power of ten, at most four steps up to
/// `most`.
fn tick_step(most: usize) -> usize {
    let mut unit = 1;
    loop {
        for k in [1, 2, 5] {
            if most <= 4 * k * unit {
                return k * unit;
            }
        }
        unit *= 10;
    }
}

/// The y axis: a gridline with its count at 0 and every `step` up to `top`; `(left, right,
/// bottom)` of the plot, whose height is `bottom`.
fn y_axis(out: &mut String, top: usize, step: usize, (left, right, bottom): (f64, f64, f64)) {
    for v in (0..=top).step_by(step) {
        let y = bottom - bottom * v as f64 / top as f64;
        let class = if v == 0 { "axis" } else { "grid" };
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" class=\"{class}\"/>\
             <text x=\"{}\" y=\"{:.1}\" class=\"tick y\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 4.0,
            count(v as f64)
        );
    }
}

/// `worse`: the orders the plan makes late or short, which count among "after".
pub(super) fn at_risk_by_day(out: &mut String, s: &Scenario, doc: &ProposalsDoc, worse: &[&str]) {
    let before = counts(s, doc.at_risk.iter().map(|a| a.order.as_str()));
    let after = counts(
        s,
        doc.unresolved
            .iter()
            .map(|u| u.order.as_str())
            .chain(worse.iter().copied()),
    );
    let h = s.horizon as usize;
    let most = before.iter().chain(&after).copied().max().unwrap_or(0);
    let step = tick_step(most);
    // The scale runs to the gridline at or above the tallest bar.
    let top = most.div_ceil(step).max(1) * step;
    // The plot from y 0 to `plot_h`; the view begins 12 above it, room for the top count.
    let (w, plot_h, left, bottom) = (1000.0_f64, 200.0_f64, 40.0_f64, 40.0_f64);
    let slot = (w - left) / (h + 2) as f64;
    let bar = (slot * 0.4).min(18.0);
    // Without a plan nothing is drawn for it, and the legend does not name it.
    let with_plan = if doc.plan.is_some() {
        "<span class=\"swatch after\"></span>still late or short with the plan"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<section id=\"by-day\"><h2>At-risk orders by due day</h2>\
         <p class=\"legend\"><span class=\"swatch before\"></span>at risk if nobody acts \
         {with_plan}</p>\
         <svg viewBox=\"0 -12 {w} {}\" class=\"chart\" role=\"img\" aria-label=\"at-risk orders by due day\">",
        plot_h + bottom + 12.0
    );
    y_axis(out, top, step, (left, w, plot_h));
    for k in 0..h + 2 {
        let x = left + slot * k as f64 + slot / 2.0;
        let label = match k {
            0 => "earlier".to_owned(),
            k if k == h + 1 => "later".to_owned(),
            k => s.date((k - 1) as Day).format("%m-%d").to_string(),
        };
        for (i, (class, v)) in [("before", before[k]), ("after", after[k])]
            .iter()
            .enumerate()
        {
            if *v == 0 {
                continue;
            }
            let height = plot_h * *v as f64 / top as f64;
            let _ = write!(
                out,
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\">\
                 <title>{}: {} {}</title></rect>",
                x - bar + bar * i as f64,
                plot_h - height,
                esc(&label),
                count(*v as f64),
                if *class == "before" { "at risk if nobody acts" } else { "left by the plan" }
            );
        }
        // Every date would crowd a long horizon: label about 15 of them.
        let every = (h + 2).div_ceil(15).max(1);
        if k % every == 0 || k == h + 1 {
            let _ = write!(
                out,
                "<text x=\"{x:.1}\" y=\"{}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                plot_h + 16.0,
                esc(&label)
            );
        }
    }
    out.push_str("</svg></section>\n");
}
