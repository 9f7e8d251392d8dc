//! The scenario format (`../shared/SCENARIO.md` section 2) as serde types.
//!
//! These types are a compatibility promise: they mirror the JSON exactly, reject unknown
//! fields, and carry no derived state. Dates stay strings here so that a bad date is reported
//! by validation with its path and a hint, rather than as a bare type error.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

pub const SCENARIO_FORMAT: &str = "recourse.scenario/1";

// `O` holds the orders: read (`OrderDoc`), or their raw text while a reader takes the rest
// of the document first (`scenario::load`). (A doc comment here would be the schema's.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(bound(deserialize = "O: Deserialize<'de>"))]
#[schemars(title = "recourse scenario, format recourse.scenario/1")]
pub struct ScenarioDoc<O = OrderDoc> {
    /// Always `recourse.scenario/1`.
    #[schemars(regex(pattern = r"^recourse\.scenario/1$"))]
    pub format: String,
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    /// Day 0 of the plan, `YYYY-MM-DD`.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub as_of: String,
    /// Number of plannable days, 1..=366.
    #[schemars(range(min = 1, max = 366))]
    #[serde(deserialize_with = "whole")]
    pub horizon_days: i64,
    /// Written after every amount: a code or symbol of at most 8 characters ("EUR").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 8))]
    pub currency: Option<String>,
    pub skus: Vec<SkuDoc>,
    pub nodes: Vec<NodeDoc>,
    #[serde(default)]
    pub lanes: Vec<LaneDoc>,
    #[serde(default)]
    pub stock: Vec<StockDoc>,
    #[serde(default)]
    pub inbound: Vec<InboundDoc>,
    // The schema is the read orders' whatever `O` is, with the default `[]` schemars
    // cannot compute for a type parameter.
    #[serde(default)]
    #[schemars(with = "Vec<OrderDoc>", default = "no_orders")]
    pub orders: Vec<O>,
    #[serde(default)]
    pub disruptions: Vec<DisruptionDoc>,
    #[serde(default, skip_serializing_if = "PolicyDoc::is_empty")]
    pub policy: PolicyDoc,
}

/// The schema's default for a scenario's orders.
fn no_orders() -> Vec<OrderDoc> {
    Vec::new()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkuDoc {
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Plant,
    Dc,
    Store,
    Customer,
}

impl NodeKind {
    pub const ALL: [NodeKind; 4] = [
        NodeKind::Plant,
        NodeKind::Dc,
        NodeKind::Store,
        NodeKind::Customer,
    ];

    pub fn holds_stock(self) -> bool {
        self != NodeKind::Customer
    }

    /// The name the format writes (`plant`).
    pub fn name(self) -> &'static str {
        ["plant", "dc", "store", "customer"][self as usize]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeDoc {
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    pub kind: NodeKind,
    /// Units that may leave per day, shipments and transfers together; absent = unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub ship_capacity_per_day: Option<f64>,
    /// A display name, for people only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where the node is, for pictures only (never for cost or feasibility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A point on the earth in degrees: latitude -90..90, longitude -180..180.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    #[schemars(range(min = -90, max = 90))]
    pub lat: f64,
    #[schemars(range(min = -180, max = 180))]
    pub lon: f64,
}

/// A location is read from an object only. serde's derived reader would also take `[a, b]`
/// by position, and GeoJSON and most map tools write `[lon, lat]`: `[3.06, 50.63]` would
/// put Lille at latitude 3 without a word.
impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Location, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields, rename = "Location")]
        struct Fields {
            lat: f64,
            lon: f64,
        }
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Location;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                // An array is refused: tools disagree on which of the two comes first.
                f.write_str("an object {\"lat\": ..., \"lon\": ...}, named because tools write [lat, lon] and [lon, lat] alike")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Location, A::Error> {
                let f = Fields::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Location {
                    lat: f.lat,
                    lon: f.lon,
                })
            }
        }
        d.deserialize_map(Visit)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 = Monday, as chrono's `num_days_from_monday`.
    pub fn index(self) -> u32 {
        self as u32
    }

    /// The name the format writes (`mon`).
    pub fn name(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][self as usize]
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaneDoc {
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    pub from: String,
    pub to: String,
    pub mode: String,
    #[schemars(range(min = 0, max = 1464))]
    #[serde(deserialize_with = "whole")]
    pub lead_time_days: i64,
    #[schemars(range(min = 0, max = 1e12))]
    pub cost_per_unit: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub fixed_cost_per_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub capacity_per_day: Option<f64>,
    /// Weekdays on which the lane departs; absent = every day, `[]` = never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departure_days: Option<Vec<Weekday>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StockDoc {
    pub node: String,
    pub sku: String,
    #[schemars(range(min = 0, max = 1e12))]
    pub on_hand: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub reserved: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundDoc {
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    pub node: String,
    pub sku: String,
    #[schemars(range(min = 0, max = 1e12))]
    pub quantity: f64,
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub eta: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expedite: Option<ExpediteDoc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpediteDoc {
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub eta: String,
    #[schemars(range(min = 0, max = 1e12))]
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderDoc {
    #[schemars(length(min = 1, max = 200))]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    pub destination: String,
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub due: String,
    /// 1 is the most important.
    #[schemars(range(min = 1))]
    #[serde(deserialize_with = "whole")]
    pub priority: i64,
    pub lines: Vec<LineDoc>,
    #[serde(default)]
    pub plan: Vec<PlanEntryDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_partial: Option<bool>,
    #[serde(
        default,
        deserialize_with = "optional_whole",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 1))]
    pub max_sources: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub late_penalty_per_unit_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub short_penalty_per_unit: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineDoc {
    pub sku: String,
    #[schemars(range(min = 0, max = 1e12))]
    pub quantity: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanEntryDoc {
    pub sku: String,
    pub node: String,
    /// `null` when `node` is the destination itself (local fulfilment). Required: a plan
    /// entry that leaves the lane out is more likely a broken export than a local shipment.
    #[serde(deserialize_with = "required_nullable")]
    #[schemars(with = "RequiredNullableString")]
    pub lane: Option<String>,
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub ship: String,
    #[schemars(range(min = 0, max = 1e12))]
    pub quantity: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DisruptionDoc {
    InboundDelay {
        inbound: String,
        #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
        eta: String,
    },
    InboundCancel {
        inbound: String,
    },
    StockLoss {
        node: String,
        sku: String,
        #[schemars(range(min = 0, max = 1e12))]
        quantity: f64,
    },
    NodeOutage {
        node: String,
        #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
        from: String,
        #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
        until: String,
    },
    LaneOutage {
        lane: String,
        #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
        from: String,
        #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
        until: String,
    },
    LaneDelay {
        lane: String,
        #[schemars(range(min = 0, max = 1464))]
        #[serde(deserialize_with = "whole")]
        extra_days: i64,
    },
    DemandSurge {
        orders: Vec<OrderDoc>,
    },
}

/// The disruption kinds, as `kind` spells them, in SCENARIO.md's order.
pub const DISRUPTION_KINDS: [&str; 7] = [
    "inbound_delay",
    "inbound_cancel",
    "stock_loss",
    "node_outage",
    "lane_outage",
    "lane_delay",
    "demand_surge",
];

impl DisruptionDoc {
    pub fn kind(&self) -> &'static str {
        match self {
            DisruptionDoc::InboundDelay { .. } => "inbound_delay",
            DisruptionDoc::InboundCancel { .. } => "inbound_cancel",
            DisruptionDoc::StockLoss { .. } => "stock_loss",
            DisruptionDoc::NodeOutage { .. } => "node_outage",
            DisruptionDoc::LaneOutage { .. } => "lane_outage",
            DisruptionDoc::LaneDelay { .. } => "lane_delay",
            DisruptionDoc::DemandSurge { .. } => "demand_surge",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDoc {
    /// Replaces the default list when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_penalties: Option<Vec<PriorityPenaltyDoc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e12))]
    pub change_penalty_per_unit: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integer_quantities: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid: Vec<ForbidDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1e7))]
    pub time_limit_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub mip_gap: Option<f64>,
    #[serde(
        default,
        deserialize_with = "optional_whole",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(range(min = 0, max = 1024))]
    pub threads: Option<i64>,
}

impl PolicyDoc {
    pub fn is_empty(&self) -> bool {
        *self == PolicyDoc::default()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityPenaltyDoc {
    #[schemars(range(min = 1))]
    #[serde(deserialize_with = "whole")]
    pub priority: i64,
    #[schemars(range(min = 0, max = 1e12))]
    pub late_per_unit_day: f64,
    #[schemars(range(min = 0, max = 1e12))]
    pub short_per_unit: f64,
}

/// A movement a person rejected.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ForbidDoc {
    Shipment(ForbidShipmentDoc),
    Transfer(ForbidTransferDoc),
    ExpediteInbound(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForbidShipmentDoc {
    pub order: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// Absent: any lane; `null`: local shipments only; a string: that lane.
    #[serde(
        default,
        deserialize_with = "present_or_null",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<String>")]
    pub lane: Option<Option<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForbidTransferDoc {
    pub lane: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
}

/// A whole number as JSON may write it: `2`, and also `2.0` or `2e0`, the same number
/// (JSON Schema's `"integer"`, which `recourse schema` gives these fields, accepts them, and
/// so do spreadsheets' exports). A fraction, or a number beyond `i64`, is refused with the
/// value: "invalid type: floating point `1.5`, expected a whole number".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Whole(pub i64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // `deserialize_any`: a disruption's fields come from serde's buffered content,
        // whose `deserialize_i64` refuses a float before the visitor sees it.
        d.deserialize_any(WholeVisitor).map(Whole)
    }
}

struct WholeVisitor;

impl serde::de::Visitor<'_> for WholeVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a whole number")
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<i64, E> {
        // -2^63 and 2^63 are exact as f64; every whole f64 in [-2^63, 2^63) is an i64.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-LIMIT..LIMIT).contains(&v) {
            Ok(v as i64)
        } else {
            Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
        }
    }
}

/// Reads a [`Whole`] into an `i64` field.
fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Whole::deserialize(d).map(|w| w.0)
}

/// Reads an optional [`Whole`] (with `default`: absent is `None`, as is `null`).
fn optional_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<Whole>::deserialize(d).map(|w| w.map(|w| w.0))
}

/// Tells a field given as `null` (`Some(None)`) from one left out (`None`, via `default`).
fn present_or_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A field that must be present and may be `null`: serde reads a missing `Option` field as
/// `None` unless a `deserialize_with` is given, and then reports it missing.
pub fn required_nullable<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

/// The schema of a field `required_nullable` reads: a string or `null`, listed as required
/// (schemars would leave an `Option` field out of `required`).
pub struct RequiredNullableString;

impl JsonSchema for RequiredNullableString {
    fn is_referenceable() -> bool {
        false
    }
    fn schema_name() -> String {
        "Nullable_String".to_string()
    }
    fn json_schema(generator: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        <Option<String>>::json_schema(generator)
    }
}
