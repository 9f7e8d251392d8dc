//! What every formulation shares: the trait, its build options, the model it returns and
//! what each column means, so that a solution decodes into a plan.

use crate::optimize::highs::SolveOptions;
use crate::optimize::mip::Mip;
use crate::plan::{Plan, Shipment, Transfer};
use crate::scenario::domain::{Day, Scenario};
use crate::scenario::ids::*;

/// How to build a model.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Declare shipment and transfer quantities integer (when the policy asks for whole
    /// units). Off for the first, continuous pass: see `models/time-expanded.md`.
    pub integer_quantities: bool,
    /// Keep column and row names (for export and debugging; slower).
    pub names: bool,
    /// Link every flow on a charged lane-day to its charge (`strong_link`), not only their
    /// sum (`fixed_link`): more rows, a tighter relaxation.
    pub strong_linking: bool,
    /// Orders held at given shipments (`models/scope.md`): constants of the model, like
    /// frozen orders, with every other column, row and bound as in the whole model. Only
    /// formulations whose [`Formulation::holds`] is true read it.
    pub hold: Option<std::sync::Arc<Hold>>,
}

/// The orders a model holds fixed, and the shipments each keeps.
#[derive(Clone, Debug, Default)]
pub struct Hold {
    /// Per order (by index): `Some(shipments)` when held, `None` when the model decides it.
    /// Frozen orders are never held: their plan is theirs.
    pub shipments: Vec<Option<Vec<Shipment>>>,
    /// Transfers and expedited receipts held as constants, like the held shipments (the
    /// worker's warm solve holds those of the last plan, `models/scope.md`, "In the
    /// worker"): their cost goes to the objective's constant, their units to the
    /// right-hand sides. The model may add transfers on top, take held ones back where
    /// [`Hold::recall`] says so, and expedite the receipts not held expedited. Pricing
    /// (`Held::price`, `formulate/hold.rs`) assumes there are none.
    pub transfers: Vec<Transfer>,
    pub expedited: Vec<InboundIx>,
    /// The held orders' own columns are listed for pricing (`Model::held`), and every
    /// big-M is the whole model's, as the whole model's bound through pricing needs
    /// (`--scope touched`). Without it the model is only the restricted problem: nothing is
    /// listed, and a lane-day's big-M covers the columns it has and the held units.
    pub priced: bool,
    /// `Some(hops)`: transfers only within `hops` lanes of the pairs the decided orders
    /// draw on directly (their sources' (node, sku)), the farthest pairs keeping one
    /// `surplus` row instead of a balance per day (`models/neighbourhoods.md`, "Transfer
    /// hops"): a restriction of the model, for neighbourhoods, never with `priced`.
    /// `None`: the whole model's transfers.
    pub transfer_hops: Option<u32>,
    /// Whether the held transfers between pairs with a balance per day can be taken back
    /// (`Meaning::Recall`, `models/neighbourhoods.md`, "Held transfers"): the
    /// neighbourhoods', never with `priced`. The worker's warm solve keeps the last plan's
    /// transfers that still run as they are: it re-decides what the events touch.
    pub recall: bool,
}

impl Hold {
    /// Per order of `s`: its entries of `shipments` when it is neither `free` nor frozen
    /// (held at them), `None` otherwise (decided by the model, or frozen).
    pub fn held_shipments(
        s: &Scenario,
        shipments: &[Shipment],
        free: &[bool],
    ) -> Vec<Option<Vec<Shipment>>> {
        let mut kept: Vec<Vec<Shipment>> = vec![Vec::new(); s.orders.len()];
        for e in shipments {
            if let Some(k) = kept.get_mut(e.order.ix()) {
                k.push(*e);
            }
        }
        s.orders
            .iter()
            .zip(kept)
            .enumerate()
            .map(|(i, (o, k))| (!free[i] && !o.frozen).then_some(k))
            .collect()
    }

    pub fn is_held(&self, o: OrderIx) -> bool {
        self.shipments.get(o.ix()).is_some_and(Option::is_some)
    }

    /// How many orders are held.
    pub fn len(&self) -> usize {
        self.shipments.iter().filter(|x| x.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every held shipment, in order.
    pub fn shipments(&self) -> impl Iterator<Item = &Shipment> {
        self.shipments.iter().flatten().flatten()
    }

    /// What the hold keeps: the held shipments, transfers and expedites.
    pub fn plan(&self) -> Plan {
        Plan {
            shipments: self.shipments().copied().collect(),
            transfers: self.transfers.clone(),
            expedited: self.expedited.clone(),
        }
    }
}

/// What a column stands for. Quantities and expedites are part of the plan; the yes/no
/// switches (charges, ship-complete, sources) follow from it ([`Model::start_from`]);
/// inventories and change counts are `Aux`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Meaning {
    Shipment {
        order: OrderIx,
        sku: SkuIx,
        node: NodeIx,
        lane: Option<LaneIx>,
        day: Day,
    },
    Transfer {
        lane: LaneIx,
        sku: SkuIx,
        day: Day,
    },
    Expedite(InboundIx),
    /// Units of a held transfer (`Hold::transfers`) that do not move after all.
    Recall {
        lane: LaneIx,
        sku: SkuIx,
        day: Day,
    },
    /// A lane-day's charge (`open[l,t]`): 1 when the lane is paid for that day.
    Charge {
        lane: LaneIx,
        day: Day,
    },
    /// A ship-complete order's switch (`complete[o]`): 1 when every line ships in full.
    Complete(OrderIx),
    /// Whether an order draws on a source node (`use[o,n]`, under a source limit).
    Source {
        order: OrderIx,
        node: NodeIx,
    },
    Aux,
}

impl Meaning {
    /// A shipment or a transfer: a column that moves units (whole when the policy says so).
    pub fn is_quantity(&self) -> bool {
        matches!(
            self,
            Meaning::Shipment { .. } | Meaning::Transfer { .. } | Meaning::Recall { .. }
        )
    }
}

/// A built model: the MIP and the meaning of each of its columns.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub mip: Mip,
    pub meaning: Vec<Meaning>,
    /// Orders whose frozen plan the model holds fixed (named when it is infeasible).
    pub frozen_orders: Vec<OrderIx>,
    /// With [`BuildOptions::hold`]: what pricing the held orders needs (`hold.rs`).
    pub held: Option<super::hold::Held>,
}

impl Model {
    /// The plan in a solution. Quantities within 1e-6 of a whole number are rounded to it
    /// when the scenario moves whole units; values below 1e-6 are solver noise and dropped.
    pub fn decode(&self, s: &Scenario, values: &[f64], frozen_plan: &Plan) -> Plan {
        let mut plan = frozen_plan.clone();
        let clean = |v: f64| {
            let r = v.round();
            if s.policy.integer_quantities && (v - r).abs() <= 1e-6 {
                r
            } else {
                v
            }
        };
        for (m, &v) in self.meaning.iter().zip(values) {
            match *m {
                Meaning::Shipment {
                    order,
                    sku,
                    node,
                    lane,
                    day,
                } if v > 1e-6 => plan.shipments.push(Shipment {
                    order,
                    sku,
                    node,
                    lane,
                    ship: day,
                    quantity: clean(v),
                }),
                Meaning::Transfer { lane, sku, day } if v > 1e-6 => plan.transfers.push(Transfer {
                    lane,
                    sku,
                    ship: day,
                    quantity: clean(v),
                }),
                Meaning::Recall { lane, sku, day } if v > 1e-6 => plan.transfers.push(Transfer {
                    lane,
                    sku,
                    ship: day,
                    quantity: -clean(v),
                }),
                Meaning::Expedite(r) if v > 0.5 => plan.expedited.push(r),
                _ => {}
            }
        }
        // A recall takes back at most what its transfers hold: what is left of them is at
        // least 0, and below 1e-6 only by rounding.
        let mut plan = plan.normalized();
        plan.transfers.retain(|t| t.quantity > 1e-6);
        plan
    }

    /// The yes/no decisions of `plan`, per column: every charge, ship-complete switch,
    /// source and expedite column valued as `plan` has it, `f64::INFINITY` for every
    /// quantity and auxiliary column (not decided by them). Fixing the finite ones leaves an
    /// LP whose points include `plan`'s part in the model, when the model has its columns
    /// (`crate::optimize::neighbourhoods`).
    pub fn start_from(&self, plan: &Plan) -> Vec<f64> {
        use std::collections::HashSet;
        let charged: HashSet<(LaneIx, Day)> = plan.lane_days().collect();
        let shipping: HashSet<OrderIx> = plan.shipments.iter().map(|e| e.order).collect();
        let sources: HashSet<(OrderIx, NodeIx)> =
            plan.shipments.iter().map(|e| (e.order, e.node)).collect();
        let expedited: HashSet<InboundIx> = plan.expedited.iter().copied().collect();
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        self.meaning
            .iter()
            .map(|m| match *m {
                Meaning::Charge { lane, day } => yes(charged.contains(&(lane, day))),
                Meaning::Complete(o) => yes(shipping.contains(&o)),
                Meaning::Source { order, node } => yes(sources.contains(&(order, node))),
                Meaning::Expedite(r) => yes(expedited.contains(&r)),
                _ => f64::INFINITY,
            })
            .collect()
    }

    /// Whether every quantity column is within 1e-6 of a whole number.
    pub fn quantities_are_whole(&self, values: &[f64]) -> bool {
        self.meaning
            .iter()
            .zip(values)
            .all(|(m, v)| !m.is_quantity() || (v - v.round()).abs() <= 1e-6)
    }
}

pub trait Formulation: Sync {
    /// The name `--formulation` takes.
    fn name(&self) -> &'static str;
    /// One line for `--help` and `bench`.
    fn description(&self) -> &'static str;
    /// Builds the model. Frozen orders' plans are constants of the model; their
    /// shipments come back through `Model::decode`'s `frozen_plan`.
    fn build(&self, s: &Scenario, opts: &BuildOptions) -> Model;
    /// Adjusts the solver options this formulation's models are solved with. Only settings
    /// that cannot change the proven optimum belong here. Default: none.
    fn tune(&self, _opts: &mut SolveOptions) {}
    /// Whether `build` honours [`BuildOptions::hold`] and fills [`Model::held`], so that a
    /// restricted model's duals price the held orders (`models/scope.md`). Default: no.
    fn holds(&self) -> bool {
        false
    }
}

/// The part of a plan a model built with `hold` does not decide: the frozen orders'
/// shipments ([`frozen_plan`]) and what `hold` keeps. `Model::decode` adds the model's part.
pub fn fixed_plan(s: &Scenario, hold: Option<&Hold>) -> Plan {
    let mut fixed = frozen_plan(s);
    if let Some(h) = hold {
        let kept = h.plan();
        fixed.shipments.extend(kept.shipments);
        fixed.transfers.extend(kept.transfers);
        fixed.expedited.extend(kept.expedited);
    }
    fixed
}

/// The frozen orders' shipments exactly as planned: the part of any plan that no
/// formulation decides.
pub fn frozen_plan(s: &Scenario) -> Plan {
    let mut plan = Plan::default();
    for (oi, o) in s.orders.iter().enumerate().filter(|(_, o)| o.frozen) {
        for e in &o.plan {
            plan.shipments.push(Shipment {
                order: OrderIx::new(oi),
                sku: e.sku,
                node: e.node,
                lane: e.lane,
                ship: e.ship.into(),
                quantity: e.quantity,
            });
        }
    }
    plan
}
