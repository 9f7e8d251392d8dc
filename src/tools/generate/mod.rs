//! Synthetic scenarios (`recourse generate`): a network, orders with current plans that are
//! feasible as they stand, and disruptions that put a chosen share of those orders at risk.
//!
//! The generator works in four steps, each drawing from its own random stream (so that, for
//! one seed, changing the disruption rate leaves the network and the orders as they were):
//!
//! 1. **Network.** Plants, DCs and stores are placed on a 1000 x 1000 km plane together with
//!    the customer zones. Each zone gets ground lanes from its nearest few DCs or plants (lead
//!    time and cost grow with distance) and, for some of those pairs, an air lane (1 day, 3-5x
//!    the cost, capacity limited). Plants feed their nearest DCs, neighbouring DCs are joined
//!    both ways, every store is fed by its nearest DC. Some lanes depart on weekdays only
//!    (or mon/wed/fri), some transfer lanes carry a fixed charge per departure day.
//! 2. **Orders and plans.** SKU demand is Zipf-like (a few SKUs carry most lines), customers
//!    are spread over zones of very different sizes, a few orders are collected at stores.
//!    Each order gets a plan: a source with a lane to its destination and the latest ship day
//!    (on a departure day) that still arrives by the due date, sometimes a day earlier. When
//!    no lane can make the due date, the due date moves to the earliest arrival: the current
//!    promise is always on time.
//! 3. **Supply.** Capacities are set above the plan's peak use. Stock and inbound receipts are
//!    sized per (node, SKU) so that the balance never goes negative, with some slack; some
//!    receipts can be expedited. Plants and a few DCs hold extra stock that no plan uses, so
//!    that there is something to rescue orders with. Before the disruptions the do-nothing
//!    baseline therefore ships every order on time and in full.
//! 4. **Disruptions.** Candidates of every kind are scored by the orders they would hit (a
//!    quick estimate from the plans), interleaved by the configured mix, and a prefix of that
//!    sequence is chosen so that the real baseline ([`crate::risk::baseline::simulate`]) puts the
//!    target share of orders at risk; a short deterministic search on the prefix length
//!    corrects the estimate. `demand_surge` orders (empty plans) count towards the share.
//!    Disruptions never touch what a frozen order needs, so a plan that keeps every frozen
//!    commitment always exists.
//!
//! Everything is deterministic: a hand-rolled xoshiro256** generator seeded by splitmix64,
//! only correctly rounded float operations (+ - * / sqrt, floor, ceil, round), no hash-map
//! iteration order in the output. The same configuration gives byte-identical JSON on every
//! platform.
//!
//! Each step is a file: `network.rs`, `orders.rs`, `supply.rs`, then `candidates.rs` and
//! `calibration.rs` for the disruptions; `document.rs` writes the scenario the first three
//! describe. `config.rs` holds what to generate, `mix.rs` the disruption kinds' weights, and
//! `random.rs`, `calendar.rs` and `rounding.rs` what the steps share.

mod calendar;
mod calibration;
mod candidates;
mod config;
mod document;
mod mix;
mod network;
mod orders;
mod random;
mod rounding;
mod supply;

use crate::scenario::wire::ScenarioDoc;
use calendar::Calendar;
use calibration::calibrate;
use chrono::NaiveDate;
use document::base_doc;
use network::build_network;
use orders::build_orders;
use supply::build_supply;

/// The disruption kinds, in the order the generator lists them (the format's).
pub use crate::scenario::wire::DISRUPTION_KINDS;
pub use calibration::GenerateReport;
pub use config::{GenerateConfig, PRESETS};
pub use mix::DisruptionMix;

/// Generates the scenario of `cfg`. Panics when [`GenerateConfig::problems`] is not empty.
pub fn generate(cfg: &GenerateConfig) -> ScenarioDoc {
    generate_with_report(cfg).0
}

/// [`generate`], with what the calibration measured.
pub fn generate_with_report(cfg: &GenerateConfig) -> (ScenarioDoc, GenerateReport) {
    let problems = cfg.problems();
    assert!(
        problems.is_empty(),
        "invalid generator configuration: {}",
        problems.join("; ")
    );
    let as_of = NaiveDate::parse_from_str(&cfg.as_of, "%Y-%m-%d").expect("checked above");
    let cal = Calendar::new(as_of, cfg.horizon_days as usize);
    let net = build_network(cfg, &cal);
    let book = build_orders(cfg, &net, &cal);
    let supply = build_supply(cfg, &net, &book, &cal);
    let mut doc = base_doc(cfg, &net, &book, &supply, &cal);
    let (disruptions, report) = calibrate(cfg, &net, &book, &supply, &cal, &mut doc);
    doc.disruptions = disruptions;
    (doc, report)
}
