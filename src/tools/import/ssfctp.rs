//! Single-sink fixed-charge transportation (Legault, Côté and Gendron's instances) as a
//! one-day scenario: n plants, each stocking b_i units of one product, one lane each to a
//! single customer zone with unit cost c_i and fixed cost f_i, and one order of D units.
//! Why the scenario's optimum is the instance's: `models/ssfctp-import.md`.

use super::imported::{import_policy, ImportError, Imported, AS_OF};
use super::numbers::{amount, count, Lines};
use crate::scenario::wire::*;

#[derive(Clone, Debug, PartialEq)]
pub struct Ssfctp {
    pub demand: f64,
    /// Per source: (capacity b_i, unit cost c_i, fixed cost f_i).
    pub capacity: Vec<f64>,
    pub unit_cost: Vec<f64>,
    pub fixed_cost: Vec<f64>,
}

pub fn parse(text: &str, file: &str) -> Result<Ssfctp, ImportError> {
    let mut lines = Lines::new(text, file);
    let (l, f) = lines.numbers("the first line (number of sources)", &["n"])?;
    let n = count(&lines, l, f[0], "the number of sources n", 1.0)?;
    let (l, f) = lines.numbers("the second line (demand)", &["D"])?;
    let demand = amount(&lines, l, f[0], "the demand D")?;
    let mut vector = |what: &str, name: &str| -> Result<Vec<f64>, ImportError> {
        let (l, f) = lines.numbers(what, &[])?;
        if f.len() != n {
            return Err(lines.error(
                l,
                format!(
                    "{what} has {} numbers, the first line says n = {n}",
                    f.len()
                ),
                "give one number per source, all on this line",
            ));
        }
        f.into_iter()
            .enumerate()
            .map(|(i, v)| amount(&lines, l, v, &format!("{name}_{}", i + 1)))
            .collect()
    };
    let capacity = vector("the third line (capacities)", "b")?;
    let unit_cost = vector("the fourth line (unit costs)", "c")?;
    let fixed_cost = vector("the fifth line (fixed costs)", "f")?;
    if let Some((l, _)) = lines.peek() {
        let l = *l;
        return Err(lines.error(
            l,
            "more than the five lines of the format".to_owned(),
            "check that this is a single-sink fixed-charge transportation instance",
        ));
    }
    Ok(Ssfctp {
        demand,
        capacity,
        unit_cost,
        fixed_cost,
    })
}

impl Ssfctp {
    /// The shortage penalty per unit: 1 + max c_i + max f_i. With whole capacities and
    /// demand, D units cost at most D (max c_i + max f_i) < D P, so shipping the order in
    /// full beats leaving it short (`models/ssfctp-import.md`).
    pub fn shortage_penalty(&self) -> f64 {
        let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
        (1.0 + max(&self.unit_cost) + max(&self.fixed_cost)).ceil()
    }

    /// The scenario of the instance, named `id`: its suppliers and its customer mapped to the
    /// scenario's tables in order, with warnings when the supply falls short or the numbers
    /// are not whole.
    pub fn to_scenario(&self, id: &str) -> Imported {
        let n = self.capacity.len();
        let supply: f64 = self.capacity.iter().sum();
        let penalty = self.shortage_penalty();
        let doc = ScenarioDoc {
            format: SCENARIO_FORMAT.to_owned(),
            id: id.to_owned(),
            as_of: AS_OF.to_owned(),
            horizon_days: 1,
            currency: None,
            skus: vec![SkuDoc {
                id: "P".to_owned(),
                name: None,
            }],
            nodes: node_docs(n),
            lanes: self.lane_docs(),
            stock: self.stock_docs(),
            inbound: Vec::new(),
            orders: vec![self.order_doc(supply)],
            disruptions: Vec::new(),
            policy: import_policy(penalty),
        };
        let warnings = self.warnings(supply, penalty);
        Imported {
            summary: format!(
                "SSFCTP instance: {} offering {}, demand {}; shortage penalty {penalty} per unit",
                crate::base::text::plural(n as f64, "source"),
                crate::base::text::plural(supply, "unit"),
                self.demand
            ),
            doc,
            warnings,
        }
    }

    /// A lane per source to the sink.
    fn lane_docs(&self) -> Vec<LaneDoc> {
        // The lane capacity repeats b_i: redundant with the stock, but it gives the
        // fixed charge's big-M its tightest value, min(b_i, D).
        (0..self.capacity.len())
            .map(|i| LaneDoc {
                id: format!("L{}", i + 1),
                from: source_id(i),
                to: "SINK".to_owned(),
                mode: "arc".to_owned(),
                lead_time_days: 0,
                cost_per_unit: self.unit_cost[i],
                fixed_cost_per_day: Some(self.fixed_cost[i]),
                capacity_per_day: Some(self.capacity[i]),
                departure_days: None,
            })
            .collect()
    }

    /// Each source's capacity, on hand at the source (none where it is 0).
    fn stock_docs(&self) -> Vec<StockDoc> {
        (0..self.capacity.len())
            .filter(|&i| self.capacity[i] > 0.0)
            .map(|i| StockDoc {
                node: source_id(i),
                sku: "P".to_owned(),
                on_hand: self.capacity[i],
                reserved: None,
            })
            .collect()
    }

    /// The one order, of the demand, at the sink; ship complete when the `supply` covers it.
    fn order_doc(&self, supply: f64) -> OrderDoc {
        OrderDoc {
            id: "D".to_owned(),
            customer: None,
            destination: "SINK".to_owned(),
            due: AS_OF.to_owned(),
            priority: 1,
            lines: vec![LineDoc {
                sku: "P".to_owned(),
                quantity: self.demand,
            }],
            plan: Vec::new(),
            // Ship complete when the sources can cover D: the demand row becomes the
            // equality SSFCTP states, and HiGHS proves optimality 1.5x faster.
            allow_partial: (supply >= self.demand).then_some(false),
            max_sources: None,
            frozen: None,
            late_penalty_per_unit_day: None,
            short_penalty_per_unit: None,
        }
    }

    /// The warnings: the `supply` short of the demand, or numbers not whole (so that the
    /// shortage `penalty` may not be enough).
    fn warnings(&self, supply: f64, penalty: f64) -> Vec<String> {
        let mut warnings = Vec::new();
        if supply < self.demand {
            warnings.push(format!(
                "order D: demand {} exceeds the {supply} units all sources together offer; at least {} units will be short",
                self.demand,
                self.demand - supply
            ));
        }
        if self
            .capacity
            .iter()
            .chain([&self.demand])
            .any(|v| v.fract() != 0.0)
        {
            warnings.push(format!(
                "capacities or demand are not whole numbers: the shortage penalty {penalty} may not make a plan meet all the demand it could (models/ssfctp-import.md)"
            ));
        }
        warnings
    }
}

/// The `n` sources as plants, then the sink as a customer.
fn node_docs(n: usize) -> Vec<NodeDoc> {
    let mut nodes: Vec<NodeDoc> = (0..n)
        .map(|i| NodeDoc {
            id: source_id(i),
            kind: NodeKind::Plant,
            ship_capacity_per_day: None,
            name: None,
            location: None,
        })
        .collect();
    nodes.push(NodeDoc {
        id: "SINK".to_owned(),
        kind: NodeKind::Customer,
        ship_capacity_per_day: None,
        name: None,
        location: None,
    });
    nodes
}

/// The id of source `i` (0-based).
fn source_id(i: usize) -> String {
    format!("S{}", i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_five_lines() {
        let p = parse("3\n10\n5 5 20\n1 2 3.5\n10 0 7\n", "t").unwrap();
        assert_eq!(p.demand, 10.0);
        assert_eq!(p.capacity, vec![5.0, 5.0, 20.0]);
        assert_eq!(p.unit_cost[2], 3.5);
        assert_eq!(p.shortage_penalty(), 15.0);
        let i = p.to_scenario("t");
        assert!(i.warnings.is_empty());
        assert_eq!(i.doc.lanes.len(), 3);
        assert_eq!(i.doc.nodes.len(), 4);
        assert_eq!(i.doc.orders[0].allow_partial, Some(false));
    }

    #[test]
    fn a_short_vector_names_its_line() {
        let e = parse("3\n10\n5 5\n1 2 3\n1 1 1\n", "g.txt")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "g.txt:3: the third line (capacities) has 2 numbers, the first line says n = 3"
            ),
            "{e}"
        );
    }

    #[test]
    fn too_little_supply_is_a_warning() {
        let i = parse("2\n10\n3 4\n1 1\n1 1\n", "t")
            .unwrap()
            .to_scenario("t");
        assert!(
            i.warnings[0].contains("at least 3 units will be short"),
            "{:?}",
            i.warnings
        );
        // What the sources have still ships.
        assert_eq!(i.doc.orders[0].allow_partial, None);
    }
}
