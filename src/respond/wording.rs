//! The sentence a planner reads for each action (`Action::text`), from the action's own
//! fields: `actions` decides what an action is, this module only words it.

use super::response::{Action, ActionKind};
use crate::base::text::{agree, qty};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;

/// "SRC via LANE", or "SRC (local)" for a shipment that needs no lane.
fn route(s: &Scenario, node: NodeIx, lane: Option<LaneIx>) -> String {
    match lane {
        Some(l) => format!("{} via {}", s.node(node).id, s.lane(l).id),
        None => format!("{} (local)", s.node(node).id),
    }
}

fn names(s: &Scenario, orders: &[OrderIx]) -> String {
    let v: Vec<&str> = orders.iter().map(|o| s.order(*o).id.as_str()).collect();
    v.join(", ")
}

/// "ship O's q x K from `<route>` on `<day>` instead of `<before>`": the old day when only the
/// day changed, else the old route.
pub(super) fn shipment(s: &Scenario, a: &Action) -> String {
    let (Some(to_node), Some(to_lane), Some(to_day), Some(sku)) =
        (a.to_node, a.to_lane, a.to_day, a.sku)
    else {
        unreachable!("a shipment action names where it ships from")
    };
    let head = format!(
        "ship {}'s {} x {} from {} on {}",
        s.order(a.orders[0]).id,
        qty(a.quantity),
        s.sku(sku).id,
        route(s, to_node, to_lane),
        days(s, to_day, &a.to_days),
    );
    if a.short_before {
        return format!("{head}, units it was short of");
    }
    let (Some(from_node), Some(from_lane), Some(from_day)) = (a.from_node, a.from_lane, a.from_day)
    else {
        unreachable!("a shipment action that replaces one names it")
    };
    if !a.instead.is_empty() {
        let mut parts: Vec<String> = a
            .instead
            .iter()
            .map(|&(n, l, q)| format!("{} instead of {}", qty(q), route(s, n, l)))
            .collect();
        if a.short_units > 1e-9 {
            parts.push(format!("{} it was short of", qty(a.short_units)));
        }
        return format!("{head}: {}", and_list(&parts));
    }
    let instead = if (from_node, from_lane) == (to_node, to_lane) {
        days(s, from_day, &a.from_days)
    } else {
        route(s, from_node, from_lane)
    };
    format!("{head} instead of {instead}")
}

/// Days with the units leaving on each, in day order.
type DayUnits = [(Day, f64)];

/// "; its 2 other units from DC-14 via DC14-Z057-G now leave 2026-11-30 instead of
/// 2026-11-28": after a shipment action, the units of a route it names that stay there and
/// leave later.
pub(super) fn own_later(
    s: &Scenario,
    (node, lane): (NodeIx, Option<LaneIx>),
    units: f64,
    (from, to): (&DayUnits, &DayUnits),
) -> String {
    let when = |d: &[(Day, f64)]| match d {
        [(day, _)] => s.date_string(*day),
        several => day_units(s, several),
    };
    format!(
        "; its {} other {} from {} now {} {} instead of {}",
        qty(units),
        agree(units, "unit", "units"),
        route(s, node, lane),
        agree(units, "leaves", "leave"),
        when(to),
        when(from)
    )
}

/// `day`, or, when units leave on several days, each day with its units:
/// "2026-11-27 (10) and 2026-12-02 (10)".
fn days(s: &Scenario, day: Day, several: &[(Day, f64)]) -> String {
    if several.len() < 2 {
        return s.date_string(day);
    }
    day_units(s, several)
}

/// Each day with its units, "2026-11-27 (10) and 2026-12-02 (10)" (one day: "2026-12-02
/// (20)"); `days` must not be empty.
pub(super) fn day_units(s: &Scenario, days: &[(Day, f64)]) -> String {
    let each: Vec<String> = days
        .iter()
        .map(|&(d, q)| format!("{} ({})", s.date_string(d), qty(q)))
        .collect();
    and_list(&each)
}

/// "a", "a and b", "a, b and c"; `items` must not be empty.
pub(super) fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => unreachable!("a list names something"),
    }
}

/// "reallocate", "allocate" (nobody gives the stock up: it was free) or "gives up"
/// (nobody in the response takes it). A reallocation's quantity is what passes from the
/// givers to the takers; `(given, gained)` are each side's units, and what one side has
/// beyond the other is said after it, then the units of takers (`own`) that they shipped
/// there before and that now leave `later`, which pass to nobody.
pub(super) fn reallocation(
    s: &Scenario,
    a: &Action,
    (given, gained): (f64, f64),
    (own, later): (&[OrderIx], f64),
) -> String {
    let head = stock_passing(s, a, (given, gained));
    if own.is_empty() || later <= 1e-9 {
        return head;
    }
    let whose = match own {
        [o] => format!("{}'s", s.order(*o).id),
        _ => format!("{}'", names(s, own)),
    };
    format!(
        "{head} ({whose} own {} there now {} later)",
        qty(later),
        agree(later, "leaves", "leave")
    )
}

/// The reallocation's sentence without what its takers' own units do.
fn stock_passing(s: &Scenario, a: &Action, (given, gained): (f64, f64)) -> String {
    debug_assert_eq!(a.kind, ActionKind::Reallocate);
    let (Some(sku), Some(node)) = (a.sku, a.from_node) else {
        unreachable!("a reallocation names its SKU and node")
    };
    match (a.from_orders.is_empty(), a.to_orders.is_empty()) {
        (false, false) => {
            let rest = if given > gained + 1e-9 {
                format!(
                    " ({} give{} up {}: {} more freed)",
                    names(s, &a.from_orders),
                    if a.from_orders.len() == 1 { "s" } else { "" },
                    qty(given),
                    qty(given - gained)
                )
            } else if gained > given + 1e-9 {
                format!(
                    ", and {} free unit{} besides",
                    qty(gained - given),
                    if (gained - given - 1.0).abs() < 1e-9 {
                        ""
                    } else {
                        "s"
                    }
                )
            } else {
                String::new()
            };
            format!(
                "reallocate {} x {} at {} from {} to {}{rest}",
                qty(a.quantity),
                s.sku(sku).id,
                s.node(node).id,
                names(s, &a.from_orders),
                names(s, &a.to_orders)
            )
        }
        (true, _) => format!(
            "allocate {} x {} at {} to {}",
            qty(a.quantity),
            s.sku(sku).id,
            s.node(node).id,
            names(s, &a.to_orders)
        ),
        (false, true) => format!(
            "{} {} up {} x {} at {}",
            names(s, &a.from_orders),
            agree(a.from_orders.len() as f64, "gives", "give"),
            qty(a.quantity),
            s.sku(sku).id,
            s.node(node).id
        ),
    }
}

/// "SO-1 changes its shipments (n moved) to free capacity", naming the SKU ("its SKU-2
/// shipments") where other actions say the order's other changes.
pub(super) fn freed_capacity(s: &Scenario, o: OrderIx, sku: Option<SkuIx>, moved: f64) -> String {
    let which = sku.map_or(String::new(), |k| format!("{} ", s.sku(k).id));
    format!(
        "{} changes its {which}shipments ({} moved) to free capacity",
        s.order(o).id,
        crate::base::text::units(moved)
    )
}

/// "transfer q x K from A to B on LANE, leaving DAY", or the cancelled part of a planned
/// transfer when the quantity falls.
pub(super) fn transfer(s: &Scenario, a: &Action) -> String {
    let (Some(sku), Some(Some(lane)), Some(day)) = (a.sku, a.to_lane, a.to_day) else {
        unreachable!("a transfer names its SKU, lane and day")
    };
    let l = s.lane(lane);
    if a.quantity >= 0.0 {
        format!(
            "transfer {} x {} from {} to {} on {}, leaving {}",
            qty(a.quantity),
            s.sku(sku).id,
            s.node(l.from).id,
            s.node(l.to).id,
            l.id,
            s.date_string(day)
        )
    } else {
        format!(
            "cancel {} x {} of the transfer on {} leaving {}",
            qty(-a.quantity),
            s.sku(sku).id,
            l.id,
            s.date_string(day)
        )
    }
}

/// "expedite PO (q x K into N): arrives DAY instead of DAY" (`now`), or "do not expedite
/// PO" when a planned expedite is given up.
pub(super) fn expedite_inbound(s: &Scenario, a: &Action, now: bool) -> String {
    let Some(i) = a.inbound else {
        unreachable!("an expedite names its receipt")
    };
    let r = s.inbound(i);
    if !now {
        return format!("do not expedite {}", r.id);
    }
    let day = |d: Option<Day>| d.map_or("after the horizon".to_owned(), |d| s.date_string(d));
    format!(
        "expedite {} ({} x {} into {}): arrives {} instead of {}",
        r.id,
        qty(r.quantity),
        s.sku(r.sku).id,
        s.node(r.node).id,
        day(a.to_day),
        day(a.from_day)
    )
}
