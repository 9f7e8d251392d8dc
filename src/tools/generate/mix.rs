//! The disruption mix: how the at-risk share is spread over the kinds.

use crate::scenario::wire::DISRUPTION_KINDS;

pub(super) const K_DELAY: usize = 0;
pub(super) const K_CANCEL: usize = 1;
pub(super) const K_LOSS: usize = 2;
pub(super) const K_NODE_OUT: usize = 3;
pub(super) const K_LANE_OUT: usize = 4;
pub(super) const K_LANE_DELAY: usize = 5;
pub(super) const K_SURGE: usize = 6;

/// Relative weights of the disruption kinds: roughly the share of at-risk orders each kind
/// should cause. Only the ratios matter; a weight of 0 leaves the kind out.
#[derive(Clone, Debug, PartialEq)]
pub struct DisruptionMix {
    pub inbound_delay: f64,
    pub inbound_cancel: f64,
    pub stock_loss: f64,
    pub node_outage: f64,
    pub lane_outage: f64,
    pub lane_delay: f64,
    pub demand_surge: f64,
}

impl Default for DisruptionMix {
    fn default() -> Self {
        Self {
            inbound_delay: 0.20,
            inbound_cancel: 0.08,
            stock_loss: 0.14,
            node_outage: 0.16,
            lane_outage: 0.10,
            lane_delay: 0.16,
            demand_surge: 0.16,
        }
    }
}

impl DisruptionMix {
    /// Reads `kind=weight,kind=weight` (kinds as in [`DISRUPTION_KINDS`]); kinds left out
    /// get 0. `Err` says what is wrong, as a sentence for the command line.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut w = [0.0; 7];
        let mut named = [false; 7];
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((kind, weight)) = part.split_once('=') else {
                return Err(format!(
                    "--mix: \"{part}\" is not KIND=WEIGHT (e.g. lane_outage=2)"
                ));
            };
            let kind = kind.trim();
            let Some(k) = DISRUPTION_KINDS.iter().position(|&x| x == kind) else {
                return Err(format!(
                    "--mix: unknown disruption kind \"{kind}\"; the kinds are {}",
                    DISRUPTION_KINDS.join(", ")
                ));
            };
            let weight: f64 = match weight.trim().parse() {
                Ok(x) if f64::is_finite(x) && x >= 0.0 => x,
                _ => {
                    return Err(format!(
                        "--mix: the weight of {kind} must be a number 0 or more, not \"{}\"",
                        weight.trim()
                    ))
                }
            };
            if std::mem::replace(&mut named[k], true) {
                return Err(format!("--mix: {kind} is named twice"));
            }
            w[k] = weight;
        }
        if w.iter().all(|&x| x == 0.0) {
            return Err(format!(
                "--mix: give at least one kind a weight above 0 (kinds: {}); for no disruptions use --disruption-rate 0",
                DISRUPTION_KINDS.join(", ")
            ));
        }
        Ok(Self {
            inbound_delay: w[K_DELAY],
            inbound_cancel: w[K_CANCEL],
            stock_loss: w[K_LOSS],
            node_outage: w[K_NODE_OUT],
            lane_outage: w[K_LANE_OUT],
            lane_delay: w[K_LANE_DELAY],
            demand_surge: w[K_SURGE],
        })
    }

    /// In the order of [`DISRUPTION_KINDS`], negative or non-finite weights taken as 0.
    pub fn weights(&self) -> [f64; 7] {
        [
            self.inbound_delay,
            self.inbound_cancel,
            self.stock_loss,
            self.node_outage,
            self.lane_outage,
            self.lane_delay,
            self.demand_surge,
        ]
        .map(|w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
    }
}
