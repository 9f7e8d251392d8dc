//! What to generate: the sizes, the presets, the disruption rate and mix, and whether the
//! machine has the memory for them.

use super::mix::DisruptionMix;
use chrono::NaiveDate;

/// What to generate. [`GenerateConfig::preset`] gives the documented sizes.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateConfig {
    pub seed: u64,
    /// Plants, DCs and stores together (about 1 in 8 a plant, 1 in 6 a store).
    pub stock_nodes: usize,
    pub customer_zones: usize,
    pub skus: usize,
    /// Orders with a plan, before the `demand_surge` orders are added.
    pub orders: usize,
    pub horizon_days: u32,
    /// Transport modes to build: `ground` (required) and optionally `air`.
    pub modes: Vec<String>,
    /// Target share of all orders (surge orders included) at risk in the baseline.
    pub disruption_rate: f64,
    pub mix: DisruptionMix,
    /// Day 0, `YYYY-MM-DD`.
    pub as_of: String,
    /// The scenario id; empty = `gen-<orders>o-seed<seed>`.
    pub id: String,
}

impl Default for GenerateConfig {
    /// The `small` preset with seed 1.
    fn default() -> Self {
        Self {
            seed: 1,
            stock_nodes: 6,
            customer_zones: 8,
            skus: 20,
            orders: 200,
            horizon_days: 14,
            modes: vec!["ground".into(), "air".into()],
            disruption_rate: 0.10,
            mix: DisruptionMix::default(),
            as_of: "2026-11-27".into(),
            id: String::new(),
        }
    }
}

/// The preset names, smallest first.
pub const PRESETS: [&str; 3] = ["small", "medium", "large"];

impl GenerateConfig {
    /// `small` (200 orders, 6 stock nodes, 8 zones, 20 SKUs), `medium` (5,000 orders, 30
    /// stock nodes, 40 zones, 300 SKUs), `large` (100,000 orders, 50 stock nodes, 100 zones,
    /// 2,000 SKUs); all over 14 days from 2026-11-27 with seed 1.
    pub fn preset(name: &str) -> Option<Self> {
        let (stock_nodes, customer_zones, skus, orders) = match name {
            "small" => (6, 8, 20, 200),
            "medium" => (30, 40, 300, 5_000),
            "large" => (50, 100, 2_000, 100_000),
            _ => return None,
        };
        Some(Self {
            stock_nodes,
            customer_zones,
            skus,
            orders,
            ..Self::default()
        })
    }

    /// Every problem with the configuration, as sentences for the command line.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.stock_nodes == 0 {
            p.push("--stock-nodes must be at least 1".to_string());
        }
        if self.customer_zones == 0 {
            p.push("--zones must be at least 1".to_string());
        }
        if self.skus == 0 {
            p.push("--skus must be at least 1".to_string());
        }
        if !(1..=366).contains(&self.horizon_days) {
            p.push(format!(
                "--horizon must be 1..=366 days, not {}",
                self.horizon_days
            ));
        }
        if !(self.disruption_rate.is_finite() && (0.0..=1.0).contains(&self.disruption_rate)) {
            p.push(format!(
                "--disruption-rate must be a share in 0..=1 (0.1 = 10 %), not {}",
                self.disruption_rate
            ));
        }
        if NaiveDate::parse_from_str(&self.as_of, "%Y-%m-%d").is_err() {
            p.push(format!("as_of \"{}\" is not a YYYY-MM-DD date", self.as_of));
        }
        for (i, m) in self.modes.iter().enumerate() {
            let before = self.modes[..i].iter().filter(|x| *x == m).count();
            if before == 1 {
                // As `--mix` refuses a kind named twice: a repeat is a slip, said once.
                p.push(format!("--modes: {m} is named twice"));
            } else if before == 0 && m != "ground" && m != "air" {
                p.push(format!(
                    "--modes: unknown mode \"{m}\"; the generator builds ground and air lanes"
                ));
            }
        }
        // After the unknown modes: "sea" alone is an unknown mode first.
        if !self.modes.iter().any(|m| m == "ground") {
            p.push("--modes must include ground".to_string());
        }
        p
    }

    /// An upper estimate of the memory `generate` needs for these sizes, in bytes, fitted
    /// on measured peaks (README, "Reliability"): about 3 KB per order, 0.6 KB per SKU, and
    /// per node 5 KB plus 180 bytes per day of the horizon (its lanes' and its own daily use).
    pub fn estimated_peak_bytes(&self) -> f64 {
        let nodes = (self.stock_nodes + self.customer_zones) as f64;
        16e6 + 3000.0 * self.orders as f64
            + 600.0 * self.skus as f64
            + nodes * (5000.0 + 180.0 * self.horizon_days as f64)
    }

    /// Why these sizes cannot be generated within `available` bytes of memory, if so.
    pub fn memory_problem(&self, available: u64) -> Option<String> {
        let need = self.estimated_peak_bytes();
        (need > available as f64).then(|| {
            format!(
                "these sizes need about {} of memory to generate and this machine has {} available; lower --orders, --stock-nodes, --zones, --skus or --horizon (the large preset, 100,000 orders, needs about 0.3 GB)",
                gigabytes(need),
                gigabytes(available as f64)
            )
        })
    }

    pub(super) fn scenario_id(&self) -> String {
        if self.id.is_empty() {
            format!("gen-{}o-seed{}", self.orders, self.seed)
        } else {
            self.id.clone()
        }
    }
}

fn gigabytes(bytes: f64) -> String {
    if bytes >= 1e15 {
        format!("{:.1e} GB", bytes / 1e9)
    } else {
        format!("{:.1} GB", bytes / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_beyond_memory_are_named() {
        let mut cfg = GenerateConfig::default();
        assert_eq!(cfg.memory_problem(8_000_000_000), None);
        cfg.orders = 10_000_000;
        let p = cfg.memory_problem(8_000_000_000).unwrap();
        assert!(
            p.contains("need about 30.") && p.contains("8.0 GB available"),
            "{p}"
        );
    }
}
