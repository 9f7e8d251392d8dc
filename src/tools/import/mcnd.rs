//! Multicommodity capacitated fixed-charge network design (the "Canad" `.dow` files of
//! Crainic, Frangioni and Gendron) as a one-day scenario: every node a `dc`, every arc a
//! lane with lead time 0, every commodity a SKU stocked at its origin and ordered in a
//! customer zone behind its destination (a free lane away). Why the scenario's optimum is the instance's: `models/mcnd-import.md`.

use super::imported::{import_policy, ImportError, Imported, AS_OF};
use super::numbers::{amount, count, Lines};
use crate::base::text::plural;
use crate::scenario::wire::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Arc {
    /// 0-based node indices.
    pub tail: usize,
    pub head: usize,
    pub unit_cost: f64,
    pub capacity: f64,
    pub fixed_cost: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Commodity {
    pub origin: usize,
    pub destination: usize,
    pub demand: f64,
}

/// An instance as the file states it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mcnd {
    pub nodes: usize,
    pub arcs: Vec<Arc>,
    pub commodities: Vec<Commodity>,
}

const ARC_FIELDS: [&str; 5] = ["tail", "head", "unit_cost", "capacity", "fixed_cost"];
const COMMODITY_FIELDS: [&str; 3] = ["origin", "destination", "demand"];

/// Nodes are not listed, only numbered: more than the arcs and commodities can touch are
/// isolated, which no network design instance has, and a short file must not make a
/// scenario of a million nodes.
fn isolated_nodes(
    lines: &Lines,
    header_line: usize,
    nodes: usize,
    n_arcs: usize,
    n_commodities: usize,
) -> Result<(), ImportError> {
    let touched = 2 * (n_arcs + n_commodities);
    if nodes > touched {
        return Err(lines.error(
            header_line,
            format!(
                "the header declares {nodes} nodes, but {n_arcs} arcs and {n_commodities} commodities touch at most {touched}"
            ),
            "check the node count in the header: every node must be an arc's end or a commodity's origin or destination",
        ));
    }
    Ok(())
}

pub fn parse(text: &str, file: &str) -> Result<Mcnd, ImportError> {
    let mut lines = Lines::new(text, file);
    // The tag line (`MULTIGEN.DAT:`) carries nothing; some files omit it.
    if lines
        .peek()
        .is_some_and(|(_, l)| l.split_whitespace().any(|f| f.parse::<f64>().is_err()))
    {
        lines.next("the tag line")?;
    }
    let (hl, header) = lines.numbers("the header", &["nodes", "arcs", "commodities"])?;
    let nodes = count(&lines, hl, header[0], "the number of nodes", 1.0)?;
    let n_arcs = count(&lines, hl, header[1], "the number of arcs", 0.0)?;
    let n_commodities = count(&lines, hl, header[2], "the number of commodities", 1.0)?;
    isolated_nodes(&lines, hl, nodes, n_arcs, n_commodities)?;
    let node = |lines: &Lines, line: usize, v: f64, name: &str| -> Result<usize, ImportError> {
        if v.fract() != 0.0 || v < 1.0 || v > nodes as f64 {
            return Err(lines.error(
                line,
                format!("{name} is {v}, not a node number from 1 to {nodes}"),
                "nodes are numbered from 1 to the node count of the header",
            ));
        }
        Ok(v as usize - 1)
    };
    // Not sized from the header: a wrong count must fail on the missing line, not allocate.
    let mut arcs = Vec::new();
    for i in 0..n_arcs {
        let what = format!("arc {} of {n_arcs}", i + 1);
        let (l, f) = lines.numbers(&what, &ARC_FIELDS)?;
        let (tail, head) = (
            node(&lines, l, f[0], "tail")?,
            node(&lines, l, f[1], "head")?,
        );
        if tail == head {
            return Err(lines.error(
                l,
                format!("{what} runs from node {} to itself", tail + 1),
                "an arc must join two different nodes; drop the line and lower the arc count",
            ));
        }
        arcs.push(Arc {
            tail,
            head,
            unit_cost: amount(&lines, l, f[2], "unit_cost")?,
            capacity: amount(&lines, l, f[3], "capacity")?,
            fixed_cost: amount(&lines, l, f[4], "fixed_cost")?,
        });
    }
    let mut commodities = Vec::new();
    for k in 0..n_commodities {
        let what = format!("commodity {} of {n_commodities}", k + 1);
        let (l, f) = lines.numbers(&what, &COMMODITY_FIELDS)?;
        commodities.push(Commodity {
            origin: node(&lines, l, f[0], "origin")?,
            destination: node(&lines, l, f[1], "destination")?,
            demand: amount(&lines, l, f[2], "demand")?,
        });
    }
    if let Some((l, _)) = lines.peek() {
        let l = *l;
        return Err(lines.error(
            l,
            format!("more lines than the header's {n_arcs} arcs and {n_commodities} commodities"),
            "check the counts in the header",
        ));
    }
    Ok(Mcnd {
        nodes,
        arcs,
        commodities,
    })
}

impl Mcnd {
    /// The shortage penalty per unit: more than the unit cost of any simple path (at most
    /// the n-1 dearest arcs) plus every fixed cost spread over the smallest demand, so that
    /// leaving a commodity short never pays for itself (`models/mcnd-import.md`).
    pub fn shortage_penalty(&self) -> f64 {
        let mut unit: Vec<f64> = self.arcs.iter().map(|a| a.unit_cost).collect();
        unit.sort_by(|a, b| b.total_cmp(a));
        let path: f64 = unit.iter().take(self.nodes.saturating_sub(1)).sum();
        let fixed: f64 = self.arcs.iter().map(|a| a.fixed_cost).sum();
        let smallest = self
            .commodities
            .iter()
            .map(|c| c.demand)
            .filter(|&d| d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let spread = if smallest.is_finite() {
            fixed / smallest
        } else {
            0.0
        };
        (1.0 + path + spread).ceil()
    }

    /// Per commodity: the most the arcs can carry from its origin to its destination when
    /// it has them to itself (a maximum flow). Less than its demand means that part of it
    /// is short in every plan.
    pub fn max_flows(&self) -> Vec<f64> {
        self.commodities
            .iter()
            .map(|c| {
                if c.origin == c.destination {
                    f64::INFINITY
                } else {
                    max_flow(self.nodes, &self.arcs, c.origin, c.destination, c.demand)
                }
            })
            .collect()
    }

    /// The scenario of the instance, named `id`: its nodes, arcs and commodities mapped to
    /// the scenario's tables in order, with a warning per commodity the arcs cannot carry.
    pub fn to_scenario(&self, id: &str) -> Imported {
        let mut destinations: Vec<usize> = self.commodities.iter().map(|c| c.destination).collect();
        destinations.sort_unstable();
        destinations.dedup();
        let penalty = self.shortage_penalty();
        let doc = ScenarioDoc {
            format: SCENARIO_FORMAT.to_owned(),
            id: id.to_owned(),
            as_of: AS_OF.to_owned(),
            horizon_days: 1,
            currency: None,
            skus: self.sku_docs(),
            nodes: self.node_docs(&destinations),
            lanes: self.lane_docs(&destinations),
            stock: self.stock_docs(),
            inbound: Vec::new(),
            orders: self.order_docs(),
            disruptions: Vec::new(),
            policy: import_policy(penalty),
        };
        let warnings = self.short_warnings();
        Imported {
            summary: self.summary(penalty),
            doc,
            warnings,
        }
    }

    /// A SKU per commodity, named after its demand, origin and destination.
    fn sku_docs(&self) -> Vec<SkuDoc> {
        (0..self.commodities.len())
            .map(|k| {
                let c = &self.commodities[k];
                SkuDoc {
                    id: sku_id(k),
                    name: Some(format!(
                        "commodity {}: {} units from node {} to node {}",
                        k + 1,
                        c.demand,
                        c.origin + 1,
                        c.destination + 1
                    )),
                }
            })
            .collect()
    }

    /// A `dc` per node, then a customer zone per node in `destinations`.
    fn node_docs(&self, destinations: &[usize]) -> Vec<NodeDoc> {
        // Every node holds stock so that flow through it is a transfer; ship capacity
        // stays unlimited, as MCND limits only arcs. Each destination gets a customer
        // zone of its own behind a free lane: ordered at the node itself, every arc into
        // it would carry a shipment column beside the transfer column for the same flow,
        // and those twins made HiGHS up to 10x slower (models/mcnd-import.md).
        (0..self.nodes)
            .map(|i| NodeDoc {
                id: node_id(i),
                kind: NodeKind::Dc,
                ship_capacity_per_day: None,
                name: None,
                location: None,
            })
            .chain(destinations.iter().map(|&i| NodeDoc {
                id: zone_id(i),
                kind: NodeKind::Customer,
                ship_capacity_per_day: None,
                name: None,
                location: None,
            }))
            .collect()
    }

    /// A lane per arc, then a free delivery lane from each node in `destinations` to its zone.
    fn lane_docs(&self, destinations: &[usize]) -> Vec<LaneDoc> {
        self.arcs
            .iter()
            .enumerate()
            .map(|(j, a)| LaneDoc {
                id: format!("A{}", j + 1),
                from: node_id(a.tail),
                to: node_id(a.head),
                mode: "arc".to_owned(),
                lead_time_days: 0,
                cost_per_unit: a.unit_cost,
                fixed_cost_per_day: Some(a.fixed_cost),
                capacity_per_day: Some(a.capacity),
                departure_days: None,
            })
            .chain(destinations.iter().map(|&i| LaneDoc {
                id: format!("D{}", i + 1),
                from: node_id(i),
                to: zone_id(i),
                mode: "delivery".to_owned(),
                lead_time_days: 0,
                cost_per_unit: 0.0,
                fixed_cost_per_day: None,
                capacity_per_day: None,
                departure_days: None,
            }))
            .collect()
    }

    /// Each commodity's demand, on hand at its origin.
    fn stock_docs(&self) -> Vec<StockDoc> {
        self.commodities
            .iter()
            .enumerate()
            .map(|(k, c)| StockDoc {
                node: node_id(c.origin),
                sku: sku_id(k),
                on_hand: c.demand,
                reserved: None,
            })
            .collect()
    }

    /// An order per commodity, of its demand, due at once in its destination's zone.
    fn order_docs(&self) -> Vec<OrderDoc> {
        self.commodities
            .iter()
            .enumerate()
            .map(|(k, c)| OrderDoc {
                id: sku_id(k),
                customer: None,
                destination: zone_id(c.destination),
                due: AS_OF.to_owned(),
                priority: 1,
                lines: vec![LineDoc {
                    sku: sku_id(k),
                    quantity: c.demand,
                }],
                plan: Vec::new(),
                allow_partial: None,
                max_sources: None,
                frozen: None,
                late_penalty_per_unit_day: None,
                short_penalty_per_unit: None,
            })
            .collect()
    }

    /// A warning per commodity whose demand exceeds what the arc capacities can carry.
    fn short_warnings(&self) -> Vec<String> {
        self
        .commodities
        .iter()
        .zip(self.max_flows())
        .enumerate()
        .filter(|(_, (c, f))| *f < c.demand - 1e-9)
        .map(|(k, (c, f))| {
            format!(
                "order {} (commodity {}): demand {} exceeds the {} units the arc capacities can carry from node {} to node {}; at least {} units will be short",
                sku_id(k),
                k + 1,
                c.demand,
                f,
                c.origin + 1,
                c.destination + 1,
                c.demand - f
            )
        })
        .collect()
    }

    /// The one-line summary of the instance, with the shortage `penalty`.
    fn summary(&self, penalty: f64) -> String {
        format!(
            "MCND instance: {}, {}, {} {} ({}); shortage penalty {penalty} per unit",
            plural(self.nodes as f64, "node"),
            plural(self.arcs.len() as f64, "arc"),
            self.commodities.len(),
            if self.commodities.len() == 1 {
                "commodity"
            } else {
                "commodities"
            },
            plural(
                self.commodities.iter().map(|c| c.demand).sum::<f64>(),
                "unit"
            )
        )
    }
}

/// The id of node `i` (0-based).
fn node_id(i: usize) -> String {
    format!("N{}", i + 1)
}

/// The id of commodity `k`'s SKU and order (0-based).
fn sku_id(k: usize) -> String {
    format!("K{}", k + 1)
}

/// The id of the customer zone behind node `i` (0-based).
fn zone_id(i: usize) -> String {
    format!("Z{}", i + 1)
}

/// Maximum flow from `s` to `t` (Edmonds-Karp), stopping once `enough` is reached.
fn max_flow(n: usize, arcs: &[Arc], s: usize, t: usize, enough: f64) -> f64 {
    // Residual graph: edge 2j is arc j, edge 2j+1 its reverse.
    let mut cap: Vec<f64> = Vec::with_capacity(2 * arcs.len());
    let mut to: Vec<usize> = Vec::with_capacity(2 * arcs.len());
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for a in arcs {
        out[a.tail].push(cap.len());
        cap.push(a.capacity);
        to.push(a.head);
        out[a.head].push(cap.len());
        cap.push(0.0);
        to.push(a.tail);
    }
    let mut flow = 0.0;
    while flow < enough {
        let mut via: Vec<Option<usize>> = vec![None; n];
        let mut queue = std::collections::VecDeque::from([s]);
        let mut seen = vec![false; n];
        seen[s] = true;
        while let Some(v) = queue.pop_front() {
            for &e in &out[v] {
                let w = to[e];
                if !seen[w] && cap[e] > 1e-9 {
                    seen[w] = true;
                    via[w] = Some(e);
                    queue.push_back(w);
                }
            }
        }
        if !seen[t] {
            break;
        }
        let mut push = enough - flow;
        let mut v = t;
        while let Some(e) = via[v] {
            push = push.min(cap[e]);
            v = to[e ^ 1];
        }
        let mut v = t;
        while let Some(e) = via[v] {
            cap[e] -= push;
            cap[e ^ 1] += push;
            v = to[e ^ 1];
        }
        flow += push;
    }
    flow
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: &str =
        "MULTIGEN.DAT:\n 3 3 1\n 1 2 1 10 100 1 1\n 2 3 1 10 100 1 2\n 1 3 5 4 10 1 3\n 1 3 12\n";

    #[test]
    fn a_header_with_more_nodes_than_arcs_and_commodities_touch_is_refused() {
        let err = parse("MULTIGEN.DAT:\n 699664 0 2\n 1 2 7\n 2 1 7\n", "f.dow")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "the header declares 699664 nodes, but 0 arcs and 2 commodities touch at most 4"
            ),
            "{err}"
        );
    }

    #[test]
    fn parses_arcs_and_commodities() {
        let m = parse(TINY, "tiny.dow").unwrap();
        assert_eq!(m.nodes, 3);
        assert_eq!(m.arcs.len(), 3);
        assert_eq!(m.arcs[2].tail, 0);
        assert_eq!(m.arcs[2].head, 2);
        assert_eq!(m.commodities[0].demand, 12.0);
    }

    #[test]
    fn max_flow_sees_every_path() {
        let m = parse(TINY, "tiny.dow").unwrap();
        assert_eq!(m.max_flows(), vec![12.0]);
        let tight = TINY.replace(" 1 3 12\n", " 1 3 15\n");
        assert_eq!(parse(&tight, "t.dow").unwrap().max_flows(), vec![14.0]);
        let imported = parse(&tight, "t.dow").unwrap().to_scenario("t");
        assert_eq!(imported.warnings.len(), 1);
        assert!(
            imported.warnings[0].contains("order K1"),
            "{:?}",
            imported.warnings
        );
        assert!(imported.warnings[0].contains("at least 1 units will be short"));
    }

    #[test]
    fn errors_name_the_line_and_the_field() {
        let bad = TINY.replace(" 2 3 1 10 100 1 2", " 2 3 x 10 100 1 2");
        let e = parse(&bad, "bad.dow").unwrap_err().to_string();
        assert!(
            e.starts_with("bad.dow:4: field 3 (unit_cost) of arc 2 of 3 is \"x\""),
            "{e}"
        );
        let e = parse(&TINY.replace(" 1 3 12\n", ""), "cut.dow")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the file ends where commodity 1 of 1 should follow"),
            "{e}"
        );
        let e = parse(&TINY.replace(" 1 2 1 10", " 1 4 1 10"), "n.dow")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("head is 4, not a node number from 1 to 3"),
            "{e}"
        );
        let e = parse(&TINY.replace(" 1 2 1 10", " 2 2 1 10"), "l.dow")
            .unwrap_err()
            .to_string();
        assert!(e.contains("runs from node 2 to itself"), "{e}");
    }
}
