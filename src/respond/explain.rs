//! Sentences for planners: what each response does and why, and why an at-risk order the
//! plan leaves late or short could not be helped. Numbers come from the checker's outcomes
//! and the scenario; nothing here claims more than it computed.

use super::response::{response_id, Inputs, Response, Unresolved};
use super::wording::and_list;
use crate::base::text::{agree, plural, qty, units};
use crate::check::OrderOutcome;
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;
use std::collections::HashMap;

/// The lateness and shortage penalty of one order's outcome.
pub fn penalty(s: &Scenario, o: OrderIx, out: &OrderOutcome) -> f64 {
    let order = s.order(o);
    out.short_units * order.short_penalty_per_unit
        + out.late_unit_days * order.late_penalty_per_unit_day
}

/// Money as a planner reads it: whole amounts without decimals, else two.
pub fn money(s: &Scenario, x: f64) -> String {
    let n = if (x - x.round()).abs() < 5e-3 {
        format!("{}", x.round() as i64)
    } else {
        format!("{x:.2}")
    };
    match &s.currency {
        Some(c) => format!("{n} {c}"),
        None => n,
    }
}

/// What an outcome leaves undone: "40 units short", "10 units 2 days late".
pub fn trouble(out: &OrderOutcome) -> String {
    let mut v = Vec::new();
    if out.short_units > 0.0 {
        v.push(format!("{} short", units(out.short_units)));
    }
    if out.late_units > 0.0 {
        v.push(format!(
            "{} late (up to {})",
            units(out.late_units),
            plural(out.max_days_late as f64, "day")
        ));
    }
    if v.is_empty() {
        "on time in full".to_owned()
    } else {
        v.join(" and ")
    }
}

fn order_label(s: &Scenario, o: OrderIx) -> String {
    format!("{} (priority {})", s.order(o).id, s.order(o).priority)
}

/// What the first response repairs, from the rules the baseline breaks: rule 6 when the
/// scenario's plan ships an order from more nodes than its `max_sources`, the others when
/// the baseline cannot keep a frozen commitment.
fn repairs(x: &Inputs<'_>) -> &'static str {
    let rules = &x.baseline_eval.violations;
    let sources = rules.iter().any(|v| v.rule == 6);
    let frozen = rules.iter().any(|v| v.rule != 6);
    match (frozen, sources) {
        (true, true) => "Keeps the frozen commitments the baseline cannot keep, and ships every order from no more nodes than its max_sources, which the current plan does not",
        (false, true) => "Ships every order from no more nodes than its max_sources, which the current plan does not",
        _ => "Keeps the frozen commitments the baseline cannot keep",
    }
}

/// The money sentence: what the response spends or saves in running costs, what it saves
/// in penalties and, when running costs fall, what its donors' penalties add. Which form
/// follows the running costs' sign, not the cost's: a response whose donors' penalties
/// outweigh the running costs it saves still saves those.
fn money_sentence(s: &Scenario, r: &Response) -> String {
    let saves = r.cost + r.net_benefit;
    if r.running >= -1e-9 {
        return format!(
            "Costs {}, saves {} in penalties: net {}",
            money(s, r.cost.max(0.0)),
            money(s, saves),
            money(s, r.net_benefit)
        );
    }
    let saved = if saves > 1e-9 {
        format!(" and {} in penalties", money(s, saves))
    } else {
        String::new()
    };
    if r.cost - r.running > 1e-9 {
        format!(
            "Saves {} in running costs{saved}, and adds {} in its donors' penalties: net {}",
            money(s, -r.running),
            money(s, r.cost - r.running),
            money(s, r.net_benefit)
        )
    } else {
        format!(
            "Saves {} in running costs and {} in penalties: net {}",
            money(s, -r.cost),
            money(s, saves),
            money(s, r.net_benefit)
        )
    }
}

/// What a response that protects and helps nobody does to the cost, on its own (half a
/// cent either way is no change, as the money sentence rounds it), and whether any order
/// it changes, a donor or not, is late or short after.
/// One that does not lower the cost names the later responses that require it, which are
/// what it is worth approving for.
fn cost_effect(s: &Scenario, r: &Response, required_by: &[usize], x: &Inputs<'_>) -> String {
    let mut effect = if r.net_benefit >= 0.005 {
        "Lowers the cost".to_owned()
    } else if r.net_benefit <= -0.005 {
        format!("Raises the cost by {} on its own", money(s, -r.net_benefit))
    } else {
        "Leaves the cost as it is".to_owned()
    };
    if r.net_benefit < 0.005 && !required_by.is_empty() {
        effect.push_str(&format!(" ({})", needed_by(required_by)));
    }
    let late_after = r
        .actions
        .iter()
        .flat_map(|a| &a.orders)
        .chain(&r.donors)
        .any(|o| x.plan_eval.orders[o.ix()].at_risk());
    if late_after {
        format!("{effect}, though it leaves an order late or short")
    } else {
        format!("{effect} without changing who is at risk")
    }
}

/// "R40 requires it", "R40 and R41 require it", "R40, R41, R45 and 2 more require it".
fn needed_by(later: &[usize]) -> String {
    const NAMED: usize = 3;
    let mut names: Vec<String> = later.iter().take(NAMED).map(|&k| response_id(k)).collect();
    if later.len() > NAMED {
        names.push(format!("{} more", later.len() - NAMED));
    }
    format!(
        "{} {} it",
        and_list(&names),
        agree(later.len() as f64, "requires", "require")
    )
}

/// The explanation of `r`; `required_by` are the later responses that require it.
pub fn response(s: &Scenario, r: &Response, required_by: &[usize], x: &Inputs<'_>) -> String {
    let what: Vec<&str> = r.actions.iter().map(|a| a.text.as_str()).collect();
    let what = what.join("; ");
    let first = if r.repairs_baseline {
        format!("{}: {what}.", repairs(x))
    } else {
        let mut who: Vec<String> = Vec::new();
        if !r.protects.is_empty() {
            let protected: Vec<String> = r
                .protects
                .iter()
                .map(|o| {
                    let was = trouble(&x.baseline_eval.orders[o.ix()]);
                    match x.reasons.get(o) {
                        Some(why) => format!("{} from {} ({})", order_label(s, *o), was, why),
                        None => format!("{} from {}", order_label(s, *o), was),
                    }
                })
                .collect();
            who.push(format!("Protects {}", protected.join("; ")));
        }
        // At risk before and after, but better off: say by how much.
        let helped: Vec<String> = r
            .helps
            .iter()
            .map(|&o| {
                format!(
                    "{} from {} to {}",
                    order_label(s, o),
                    trouble(&x.baseline_eval.orders[o.ix()]),
                    trouble(&x.plan_eval.orders[o.ix()])
                )
            })
            .collect();
        if !helped.is_empty() {
            who.push(format!(
                "{} {}",
                if who.is_empty() { "Helps" } else { "helps" },
                helped.join("; ")
            ));
        }
        if who.is_empty() {
            format!("{}: {what}.", cost_effect(s, r, required_by, x))
        } else {
            format!("{}: {what}.", who.join("; "))
        }
    };
    let mut second = money_sentence(s, r);
    let gives: Vec<String> = r
        .donors
        .iter()
        .map(|o| {
            format!(
                "{} is then {}{}",
                order_label(s, *o),
                trouble(&x.plan_eval.orders[o.ix()]),
                new_days(s, r, *o)
            )
        })
        .collect();
    if !gives.is_empty() {
        second.push_str("; ");
        second.push_str(&gives.join(", "));
    }
    format!("{first} {second}.")
}

/// For a donor whose units leave on other days now: ", its units now leaving on D (q)", the
/// days and units of its shipments the response adds; empty when it adds none (it only
/// gives units up).
fn new_days(s: &Scenario, r: &Response, o: OrderIx) -> String {
    let mut days: std::collections::BTreeMap<Day, f64> = std::collections::BTreeMap::new();
    for x in r.add.shipments.iter().filter(|x| x.order == o) {
        *days.entry(x.ship).or_insert(0.0) += x.quantity;
    }
    if days.is_empty() {
        return String::new();
    }
    let days: Vec<(Day, f64)> = days.into_iter().collect();
    format!(
        ", its units now leaving on {}",
        super::wording::day_units(s, &days)
    )
}

/// Projected stock per (node, sku) and day under a plan, for the pairs asked for.
fn balances(
    s: &Scenario,
    x: &Inputs<'_>,
    pairs: &[(NodeIx, SkuIx)],
) -> HashMap<(NodeIx, SkuIx), Vec<f64>> {
    let h = s.horizon as usize;
    let mut flow: HashMap<(NodeIx, SkuIx), Vec<f64>> =
        pairs.iter().map(|p| (*p, vec![0.0; h])).collect();
    let mut add = |k: (NodeIx, SkuIx), d: Day, q: f64| {
        if let Some(f) = flow.get_mut(&k) {
            if (0..h as Day).contains(&d) {
                f[d as usize] += q;
            }
        }
    };
    for sh in &x.plan.shipments {
        add((sh.node, sh.sku), sh.ship.max(0), -sh.quantity);
    }
    for t in &x.plan.transfers {
        let l = s.lane(t.lane);
        add((l.from, t.sku), t.ship.max(0), -t.quantity);
        add((l.to, t.sku), t.ship + Day::from(l.lead_time), t.quantity);
    }
    let expedited = super::units::flags(s, x.plan);
    for (i, r) in s.inbound.iter().enumerate() {
        if let Some(d) = r.arrival(expedited[i]) {
            add((r.node, r.sku), Day::from(d), r.quantity);
        }
    }
    for ((n, k), f) in flow.iter_mut() {
        let mut b = s.available_at_start(*n, *k);
        for v in f.iter_mut() {
            b += *v;
            *v = b;
        }
    }
    flow
}

/// Ways to bring stock from a node to an order's destination: (node, lane).
fn routes(s: &Scenario, dest: NodeIx) -> Vec<(NodeIx, Option<LaneIx>)> {
    let mut v = Vec::new();
    if s.node(dest).holds_stock() {
        v.push((dest, None));
    }
    for (i, l) in s.lanes.iter().enumerate() {
        if l.to == dest && s.node(l.from).holds_stock() {
            v.push((l.from, Some(LaneIx::new(i))));
        }
    }
    v
}

pub fn unresolved(
    s: &Scenario,
    x: &Inputs<'_>,
    after: &[bool],
    merged: &std::collections::BTreeMap<crate::plan::ShipmentKey, f64>,
) -> Vec<Unresolved> {
    let orders: Vec<OrderIx> = (0..s.orders.len())
        .map(OrderIx::new)
        .filter(|o| x.at_risk[o.ix()] && after[o.ix()])
        .collect();
    let mut pairs: Vec<(NodeIx, SkuIx)> = Vec::new();
    for &o in &orders {
        for (n, _) in routes(s, s.order(o).destination) {
            for l in &s.order(o).lines {
                pairs.push((n, l.sku));
            }
        }
    }
    pairs.sort();
    pairs.dedup();
    let bal = balances(s, x, &pairs);
    let mut lane_used: HashMap<(LaneIx, Day), f64> = HashMap::new();
    let mut node_used: HashMap<(NodeIx, Day), f64> = HashMap::new();
    for sh in &x.plan.shipments {
        *node_used.entry((sh.node, sh.ship)).or_default() += sh.quantity;
        if let Some(l) = sh.lane {
            *lane_used.entry((l, sh.ship)).or_default() += sh.quantity;
        }
    }
    for t in &x.plan.transfers {
        *node_used.entry((s.lane(t.lane).from, t.ship)).or_default() += t.quantity;
        *lane_used.entry((t.lane, t.ship)).or_default() += t.quantity;
    }
    // Per (node, sku) of interest: the last day a shipment leaves, and who ships from it;
    // per order, its shipments. Built once: the reasons are asked for thousands of orders.
    let mut last_ship: HashMap<(NodeIx, SkuIx), Day> = HashMap::new();
    let mut shippers: HashMap<(NodeIx, SkuIx), Vec<OrderIx>> = HashMap::new();
    for sh in &x.plan.shipments {
        if bal.contains_key(&(sh.node, sh.sku)) && sh.quantity > 0.0 {
            let d = last_ship.entry((sh.node, sh.sku)).or_insert(sh.ship);
            *d = (*d).max(sh.ship);
            shippers
                .entry((sh.node, sh.sku))
                .or_default()
                .push(sh.order);
        }
    }
    // Suffix minima and maxima once, so each (route, day) reads them in O(1).
    let suffix: HashMap<(NodeIx, SkuIx), (Vec<f64>, Vec<f64>)> = bal
        .iter()
        .map(|(k, b)| {
            let (mut lo, mut hi) = (b.clone(), b.clone());
            for t in (0..b.len().saturating_sub(1)).rev() {
                lo[t] = lo[t].min(lo[t + 1]);
                hi[t] = hi[t].max(hi[t + 1]);
            }
            (*k, (lo, hi))
        })
        .collect();
    let ctx = Why {
        s,
        x,
        suffix: &suffix,
        lane_used: &lane_used,
        node_used: &node_used,
        last_ship: &last_ship,
        shippers: &shippers,
        merged,
    };
    orders
        .into_iter()
        .map(|o| Unresolved {
            order: o,
            why: ctx.why(o),
        })
        .collect()
}

/// The smallest and the largest projected balance from each day on.
type Extremes = (Vec<f64>, Vec<f64>);

/// The line an explanation is about: order `o` lacks `sku` on time, each unit brought
/// would save `avoided`, said "per {per}" (unit short, or unit late).
struct Want<'a> {
    o: OrderIx,
    sku: SkuIx,
    per: &'a str,
    avoided: f64,
}

/// What one pass over the routes to an order's destination and the days of the horizon
/// found for one of its lines ([`Why::scan`]).
struct Scan {
    /// The cheapest on-time option: its cost per unit, and its sentence.
    best: Option<(f64, String)>,
    /// The nodes in reach that hold the SKU but have none of it free in time.
    held_nodes: Vec<NodeIx>,
    /// The earliest arrival of stock in reach: the day, the node and the lane.
    earliest: Option<(Day, NodeIx, Option<LaneIx>)>,
    /// The first route and day with stock free in time but no capacity left.
    no_room: Option<(Day, NodeIx, Option<LaneIx>)>,
}

struct Why<'a> {
    s: &'a Scenario,
    x: &'a Inputs<'a>,
    /// Per (node, sku): the smallest and the largest projected balance from each day on.
    suffix: &'a HashMap<(NodeIx, SkuIx), Extremes>,
    lane_used: &'a HashMap<(LaneIx, Day), f64>,
    node_used: &'a HashMap<(NodeIx, Day), f64>,
    last_ship: &'a HashMap<(NodeIx, SkuIx), Day>,
    shippers: &'a HashMap<(NodeIx, SkuIx), Vec<OrderIx>>,
    merged: &'a std::collections::BTreeMap<crate::plan::ShipmentKey, f64>,
}

impl Why<'_> {
    /// Order `o`'s shipments of `sku` in the plan that move something, in key order.
    fn shipments_of(
        &self,
        o: OrderIx,
        sku: SkuIx,
    ) -> impl Iterator<Item = (&crate::plan::ShipmentKey, &f64)> {
        self.merged
            .range((o, sku, NodeIx(0), None, Day::MIN)..)
            .take_while(move |((oo, k, ..), _)| *oo == o && *k == sku)
            .filter(|(_, q)| **q > 0.0)
    }

    fn why(&self, o: OrderIx) -> String {
        let s = self.s;
        let order = s.order(o);
        let out = &self.x.plan_eval.orders[o.ix()];
        let mut parts = vec![format!("Still {}.", trouble(out))];
        // Ship complete and shipping nothing: a line that cannot be sent in full in time
        // on any day is the reason, whatever the other lines could do.
        if !order.allow_partial && out.shipped.iter().all(|q| *q <= 1e-9) {
            if let Some(text) = self.incomplete(o) {
                parts.push(text);
                return parts.join(" ");
            }
        }
        for (j, line) in order.lines.iter().enumerate() {
            let short = (line.quantity - out.shipped[j]).max(0.0);
            let late: f64 = self
                .shipments_of(o, line.sku)
                .filter(|((_, _, _, lane, day), _)| day + lead(s, *lane) > order.due)
                .map(|(_, q)| q)
                .sum();
            let need = short + late;
            if need <= 1e-9 {
                continue;
            }
            parts.push(self.line(o, line.sku, need, short > 0.0, out.max_days_late.max(1)));
        }
        parts.join(" ")
    }

    /// Why `need` units of `sku` could not reach order `o` on time: the cheapest on-time
    /// option left, else what holds the stock in reach, else why none can arrive in time.
    fn line(&self, o: OrderIx, sku: SkuIx, need: f64, short: bool, days_late: i64) -> String {
        let order = self.s.order(o);
        // Per unit brought on time: its shortage penalty, or its lateness penalty.
        let avoided = if short {
            order.short_penalty_per_unit
        } else {
            order.late_penalty_per_unit_day * days_late as f64
        };
        let per = if short { "unit short" } else { "unit late" };
        let want = Want {
            o,
            sku,
            per,
            avoided,
        };
        let scan = self.scan(&want, need);
        if let Some((_, text)) = scan.best {
            let mut t = text;
            if !order.allow_partial {
                t.push_str(" It ships complete or not at all, which limits what can be combined.");
            }
            if let Some(n) = order.max_sources {
                t.push_str(&self.sources_rule(o, n));
            }
            return t;
        }
        if !scan.held_nodes.is_empty() {
            if let Some(text) = self.held(&want, &scan.held_nodes) {
                return text;
            }
        }
        self.none_in_time(&want, scan.earliest, scan.no_room)
    }

    /// One pass over each route to `w`'s order and each day of the horizon: the cheapest
    /// on-time option for `need` units, and what else stands in the way of each unit.
    fn scan(&self, w: &Want<'_>, need: f64) -> Scan {
        let (s, sku) = (self.s, w.sku);
        let order = s.order(w.o);
        let mut best: Option<(f64, String)> = None;
        let mut held_nodes: Vec<NodeIx> = Vec::new();
        let mut earliest: Option<(Day, NodeIx, Option<LaneIx>)> = None;
        // The first route and day with stock free in time but no capacity left.
        let mut no_room: Option<(Day, NodeIx, Option<LaneIx>)> = None;
        for (node, lane) in routes(s, order.destination) {
            let Some((min_from, max_from)) = self.suffix.get(&(node, sku)) else {
                continue;
            };
            let lead = lead(s, lane);
            for t in 0..Day::from(s.horizon) {
                let open = s.node(node).is_open(t) && lane.is_none_or(|l| s.lane(l).departs_on(t));
                if !open {
                    continue;
                }
                // Stock free from day t on: the smallest projected balance from t.
                let free = min_from[t as usize].max(0.0);
                let holds = max_from[t as usize] > 0.0
                    || self.last_ship.get(&(node, sku)).is_some_and(|d| *d >= t);
                if holds && earliest.is_none_or(|(d, ..)| t + lead < d) {
                    earliest = Some((t + lead, node, lane));
                }
                if t + lead > order.due {
                    continue;
                }
                if free <= 1e-9 {
                    if holds && !held_nodes.contains(&node) {
                        held_nodes.push(node);
                    }
                    continue;
                }
                let q = need.min(free).min(self.room(node, lane, t));
                if q <= 1e-9 {
                    no_room = no_room.or(Some((t, node, lane)));
                    continue;
                }
                let (per_unit, text) = self.on_time_option(w, q, node, lane, t);
                if best.as_ref().is_none_or(|(c, _)| per_unit < *c) {
                    best = Some((per_unit, text));
                }
            }
        }
        Scan {
            best,
            held_nodes,
            earliest,
            no_room,
        }
    }

    /// Shipping `q` units for `w` from `node` on `lane` (or locally) on day `t`: its cost per
    /// unit, and the sentence that offers it.
    fn on_time_option(
        &self,
        w: &Want<'_>,
        q: f64,
        node: NodeIx,
        lane: Option<LaneIx>,
        t: Day,
    ) -> (f64, String) {
        let s = self.s;
        let (sku_id, per, avoided) = (&s.sku(w.sku).id, w.per, w.avoided);
        let unit = lane.map_or(0.0, |l| s.lane(l).cost_per_unit);
        let fixed = lane
            .filter(|l| self.lane_used.get(&(*l, t)).copied().unwrap_or(0.0) <= 1e-9)
            .map_or(0.0, |l| s.lane(l).fixed_cost_per_day);
        let total = q * unit + fixed;
        let route = match lane {
            Some(l) => format!("via {}", s.lane(l).id),
            None => "locally".to_owned(),
        };
        let text = format!(
            "The cheapest on-time option left for {sku_id} ships {} from {} {route} on {} for {}{}, against {} of penalty avoided ({} per {per}).",
            units(q),
            s.node(node).id,
            s.date_string(t),
            money(s, total),
            if fixed > 0.0 {
                format!(" (a {} fixed charge included)", money(s, fixed))
            } else {
                String::new()
            },
            money(s, q * avoided),
            money(s, avoided)
        );
        (total / q, text)
    }

    /// Why the stock at `held_nodes` (in reach, none of it free in time) is not `w`'s: the
    /// other orders it is promised to, else this order's own shipments; `None` when neither
    /// says it (the stock comes too late).
    fn held(&self, w: &Want<'_>, held_nodes: &[NodeIx]) -> Option<String> {
        let s = self.s;
        let mut holders: Vec<(u32, String)> = held_nodes
            .iter()
            .filter_map(|n| self.shippers.get(&(*n, w.sku)))
            .flatten()
            .filter(|x| **x != w.o)
            .map(|x| (s.order(*x).priority, s.order(*x).id.0.clone()))
            .collect();
        holders.sort();
        holders.dedup();
        // Held by nobody else: this order's own shipments, or stock that comes too late.
        if holders.is_empty() {
            self.own_stock(w, held_nodes)
        } else {
            Some(self.promised(w, held_nodes, &holders))
        }
    }

    /// Why no unit of `w` arrives in time when no option and no holder says it: the
    /// `earliest` arrival from stock in reach, and the first route-day with `no_room`.
    fn none_in_time(
        &self,
        w: &Want<'_>,
        earliest: Option<(Day, NodeIx, Option<LaneIx>)>,
        no_room: Option<(Day, NodeIx, Option<LaneIx>)>,
    ) -> String {
        let s = self.s;
        let order = s.order(w.o);
        let sku_id = &s.sku(w.sku).id;
        match earliest {
            // In time, but nothing there is left to take: said as what holds it.
            Some((d, node, lane)) if d <= order.due => {
                let via = |lane: Option<LaneIx>| {
                    lane.map_or(String::new(), |l| format!(" via {}", s.lane(l).id))
                };
                match no_room {
                    Some((t, n, l)) => format!(
                        "{sku_id} could leave {}{} on {} in time for {}, but the capacity there is used up that day.",
                        s.node(n).id,
                        via(l),
                        s.date_string(t),
                        s.date_string(order.due)
                    ),
                    None => self.sent_away(w, &[node]).unwrap_or_else(|| {
                        format!(
                            "{sku_id} could arrive at {} by {} (from {}{}, on {}), but the plan leaves none of it free there in time.",
                            s.node(order.destination).id,
                            s.date_string(order.due),
                            s.node(node).id,
                            via(lane),
                            s.date_string(d)
                        )
                    }),
                }
            }
            Some((d, node, lane)) => format!(
                "No {sku_id} can reach {} by {}: the earliest arrival is {} from {}{}.",
                s.node(order.destination).id,
                s.date_string(order.due),
                s.date_string(d),
                s.node(node).id,
                lane.map_or(String::new(), |l| format!(" via {}", s.lane(l).id))
            ),
            None => {
                let nodes: Vec<NodeIx> = routes(s, order.destination)
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
                self.sent_away(w, &nodes).unwrap_or_else(|| format!(
                    "No node with a lane (or local hand-over) to {} holds {sku_id} within the horizon, and the plan brings none there by transfer: no transfer route has the room, or it costs more than the penalty.",
                    s.node(order.destination).id
                ))
            }
        }
    }

    /// For a ship-complete order `o`: its first line of which no day lets the whole quantity
    /// leave in time to arrive by the due date, with the most that could (an upper bound:
    /// on each day, the free stock on every route, each within its node's and lane's room
    /// left, added up). `None` when every line could on some day (then the lines together,
    /// or their cost, are what stopped it, and the lines are explained one by one).
    fn incomplete(&self, o: OrderIx) -> Option<String> {
        let s = self.s;
        let order = s.order(o);
        let routes = routes(s, order.destination);
        for line in &order.lines {
            let mut most: f64 = 0.0;
            for t in 0..Day::from(s.horizon) {
                let mut day = 0.0;
                for &(node, lane) in &routes {
                    let lead = lead(s, lane);
                    let open =
                        s.node(node).is_open(t) && lane.is_none_or(|l| s.lane(l).departs_on(t));
                    let Some((min_from, _)) = self.suffix.get(&(node, line.sku)) else {
                        continue;
                    };
                    if !open || t + lead > order.due {
                        continue;
                    }
                    day += min_from[t as usize]
                        .max(0.0)
                        .min(self.room(node, lane, t))
                        .max(0.0);
                }
                most = most.max(day);
            }
            if most + 1e-9 < line.quantity {
                return Some(format!(
                    "It ships complete or not at all (every line in full, leaving on one day), and at most {} of the {} of {} it needs can leave on any one day in time to arrive by {}.",
                    qty(most),
                    units(line.quantity),
                    s.sku(line.sku).id,
                    s.date_string(order.due)
                ));
            }
        }
        None
    }

    /// Why `sku` could not reach order `o`: what the nodes that serve its destination
    /// (`nodes`) hold is shipped to other orders (`holders`: priority and id, sorted).
    fn promised(&self, w: &Want<'_>, nodes: &[NodeIx], holders: &[(u32, String)]) -> String {
        let names: Vec<String> = holders
            .iter()
            .take(4)
            .map(|(p, id)| format!("{id} (priority {p})"))
            .collect();
        let more = holders.len().saturating_sub(4);
        format!(
            "{} is promised to {}{}; {}.",
            self.in_reach(w, nodes),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            self.penalty(w)
        )
    }

    /// "All SKU that can reach DEST by DUE (at NODES)".
    fn in_reach(&self, w: &Want<'_>, nodes: &[NodeIx]) -> String {
        let s = self.s;
        let order = s.order(w.o);
        format!(
            "All {} that can reach {} by {} (at {})",
            s.sku(w.sku).id,
            s.node(order.destination).id,
            s.date_string(order.due),
            names(s, nodes)
        )
    }

    /// "this order's penalty is P per unit short (late)".
    fn penalty(&self, w: &Want<'_>) -> String {
        let order = self.s.order(w.o);
        // A unit late costs the rate per unit-day times the days it is late: say both.
        let rate =
            if w.per == "unit late" && (w.avoided - order.late_penalty_per_unit_day).abs() > 1e-9 {
                format!(
                    " ({} per unit-day)",
                    money(self.s, order.late_penalty_per_unit_day)
                )
            } else {
                String::new()
            };
        format!(
            "this order's penalty is {} per {}{rate}",
            money(self.s, w.avoided),
            w.per
        )
    }

    /// Why more of `sku` could not reach order `o` when no other order ships from the nodes
    /// that serve its destination (`nodes`) and `o` ships from some of them: the first
    /// node-day or lane-day with no room left among those shipments and the plan's
    /// transfers of `sku` into their nodes, or else the cost of bringing more there. When
    /// `o` ships nothing from them, the plan's transfers out that take their stock, or
    /// `None` when there are none (their stock comes too late, which the caller says).
    fn own_stock(&self, w: &Want<'_>, nodes: &[NodeIx]) -> Option<String> {
        let (s, o, sku) = (self.s, w.o, w.sku);
        let order = s.order(o);
        let shipments: Vec<_> = self
            .shipments_of(o, sku)
            .filter(|((_, _, n, _, _), _)| nodes.contains(n))
            .map(|(k, _)| *k)
            .collect();
        // Only the nodes this order ships from: what the others hold may go elsewhere
        // (transfers out), so nothing is said of them.
        let mut sources: Vec<NodeIx> = shipments.iter().map(|(_, _, n, _, _)| *n).collect();
        sources.sort();
        sources.dedup();
        if sources.is_empty() {
            return self.sent_away(w, nodes);
        }
        let first = format!(
            "{} all the {} at {} that could reach {} by {}",
            if self.transfers_out(sku, &sources) {
                "This order and the plan's transfers out already take"
            } else {
                "This order already takes"
            },
            s.sku(sku).id,
            names(s, &sources),
            s.node(order.destination).id,
            s.date_string(order.due),
        );
        let penalty = self.penalty(w);
        // Only what leaves in time to arrive by the due date says why no more came in time.
        let out_of = shipments
            .iter()
            .filter(|(_, _, _, lane, day)| day + lead(s, *lane) <= order.due)
            .map(|(_, _, n, lane, day)| (*n, *lane, *day));
        if let Some(full) = self.no_room(out_of) {
            return Some(format!("{first}, and {full}; {penalty}."));
        }
        let into = self
            .x
            .plan
            .transfers
            .iter()
            .filter(|t| t.sku == sku && sources.contains(&s.lane(t.lane).to))
            .filter(|t| t.ship + lead(s, Some(t.lane)) <= order.due)
            .map(|t| (s.lane(t.lane).from, Some(t.lane), t.ship));
        if let Some(full) = self.no_room(into) {
            return Some(format!(
                "{first}; more would come by transfer, and {full}; {penalty}."
            ));
        }
        Some(format!(
            "{first}; the plan found no way to bring more there in time for less than the {} per {} it would save.",
            money(s, w.avoided),
            w.per
        ))
    }

    /// " It may ship from at most N nodes, and ships from A, B already." for order `o` with
    /// `max_sources` N (the sources of every line of its in the plan).
    fn sources_rule(&self, o: OrderIx, n: u32) -> String {
        let s = self.s;
        let mut from: Vec<NodeIx> = self
            .merged
            .range((o, SkuIx(0), NodeIx(0), None, Day::MIN)..)
            .take_while(|((oo, ..), _)| *oo == o)
            .filter(|(_, q)| **q > 0.0)
            .map(|((_, _, node, _, _), _)| *node)
            .collect();
        from.sort();
        from.dedup();
        let limit = format!(" It may ship from at most {}", plural(f64::from(n), "node"));
        if from.is_empty() {
            format!("{limit}.")
        } else {
            format!("{limit}, and ships from {} already.", names(s, &from))
        }
    }

    /// Units that can still leave `node` on `lane` (or locally) on day `t` in the plan:
    /// the node's and the lane's capacity left that day (unlimited without one).
    fn room(&self, node: NodeIx, lane: Option<LaneIx>, t: Day) -> f64 {
        let s = self.s;
        let node_room = s
            .node(node)
            .ship_capacity_per_day
            .map_or(f64::INFINITY, |c| {
                c - self.node_used.get(&(node, t)).copied().unwrap_or(0.0)
            });
        let lane_room = lane.map_or(f64::INFINITY, |l| {
            s.lane(l).capacity_per_day.map_or(f64::INFINITY, |c| {
                c - self.lane_used.get(&(l, t)).copied().unwrap_or(0.0)
            })
        });
        node_room.min(lane_room)
    }

    /// The first of `moves` (a node, the lane it leaves on, the day) whose node-day or
    /// lane-day has no room left in the plan, said as "X sends (carries) nothing more on
    /// D: all N units ...".
    fn no_room(
        &self,
        moves: impl Iterator<Item = (NodeIx, Option<LaneIx>, Day)>,
    ) -> Option<String> {
        let s = self.s;
        for (n, lane, day) in moves {
            let node = s.node(n);
            if let Some(c) = node.ship_capacity_per_day {
                if c - self.node_used.get(&(n, day)).copied().unwrap_or(0.0) <= 1e-9 {
                    return Some(format!(
                        "{} sends nothing more on {}: all {} it can send that day (shipments and transfers together) are taken",
                        node.id,
                        s.date_string(day),
                        units(c)
                    ));
                }
            }
            if let Some((l, c)) = lane.and_then(|l| s.lane(l).capacity_per_day.map(|c| (l, c))) {
                if c - self.lane_used.get(&(l, day)).copied().unwrap_or(0.0) <= 1e-9 {
                    return Some(format!(
                        "{} carries nothing more on {}: all {} it can carry that day are taken",
                        s.lane(l).id,
                        s.date_string(day),
                        units(c)
                    ));
                }
            }
        }
        None
    }

    /// Whether the plan transfers `sku` out of any of `nodes`.
    fn transfers_out(&self, sku: SkuIx, nodes: &[NodeIx]) -> bool {
        self.x
            .plan
            .transfers
            .iter()
            .any(|t| t.sku == sku && nodes.contains(&self.s.lane(t.lane).from))
    }

    /// When the plan transfers `sku` out of the nodes that serve order `o` (`nodes`) and `o`
    /// gets none of it from them: that the stock in reach leaves by those transfers.
    fn sent_away(&self, w: &Want<'_>, nodes: &[NodeIx]) -> Option<String> {
        let from: Vec<NodeIx> = nodes
            .iter()
            .copied()
            .filter(|n| self.transfers_out(w.sku, &[*n]))
            .collect();
        (!from.is_empty()).then(|| {
            format!(
                "{} leaves by the plan's transfers; {}.",
                self.in_reach(w, &from),
                self.penalty(w)
            )
        })
    }
}

/// The ids of `nodes`, comma-separated.
fn names(s: &Scenario, nodes: &[NodeIx]) -> String {
    nodes
        .iter()
        .map(|n| s.node(*n).id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Days from leaving on `lane` to arriving (0 for a local hand-over).
fn lead(s: &Scenario, lane: Option<LaneIx>) -> Day {
    Day::from(lane.map_or(0, |l| s.lane(l).lead_time))
}
