//! `EncounterEvent`: one billed PT/rehab encounter (CONTRACT.md §1).
//!
//! These are plain data types. Decoding (and the normalisation RULES.md asks for before
//! any rule: trimmed upper-case codes, blank optional strings treated as absent, dotless
//! diagnosis codes) happens in `codec`; after that every `Encounter` the rules see is
//! normalised.

use serde::{Deserialize, Deserializer, Serialize};

use super::time::{Date, Timestamp, optional_date};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encounter {
    pub event_id: String,
    pub event_time: Timestamp,
    pub claim_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub claim_frequency: ClaimFrequency,
    pub patient_id: String,
    pub payer: Payer,
    pub rendering_provider: RenderingProvider,
    #[serde(default)]
    pub referring_provider_npi: Option<String>,
    pub place_of_service: String,
    #[serde(default)]
    pub plan_of_care: Option<PlanOfCare>,
    pub diagnoses: Vec<Diagnosis>,
    pub service_lines: Vec<ServiceLine>,
    #[serde(default)]
    pub traction: Option<Traction>,
    #[serde(default)]
    pub episode: Option<Episode>,
    #[serde(default)]
    pub therapy_spend_ytd_cents: Option<i64>,
}

/// X12 CLM05-3 claim frequency: 1 original, 7 replacement, 8 void.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClaimFrequency {
    #[default]
    Original,
    Replacement,
    Void,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    pub payer_id: String,
    pub plan_type: PlanType,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanType {
    MedicarePartB,
    MedicareAdvantage,
    Medicaid,
    Commercial,
    WorkersComp,
    Auto,
    Other,
}

impl PlanType {
    pub const ALL: [PlanType; 7] = [
        PlanType::MedicarePartB,
        PlanType::MedicareAdvantage,
        PlanType::Medicaid,
        PlanType::Commercial,
        PlanType::WorkersComp,
        PlanType::Auto,
        PlanType::Other,
    ];

    /// Position in [`PlanType::ALL`], for per-plan lookup tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The contract's spelling, e.g. `MEDICARE_PART_B`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanType::MedicarePartB => "MEDICARE_PART_B",
            PlanType::MedicareAdvantage => "MEDICARE_ADVANTAGE",
            PlanType::Medicaid => "MEDICAID",
            PlanType::Commercial => "COMMERCIAL",
            PlanType::WorkersComp => "WORKERS_COMP",
            PlanType::Auto => "AUTO",
            PlanType::Other => "OTHER",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderingProvider {
    pub npi: String,
    pub discipline: Discipline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Discipline {
    PhysicalTherapist,
    PhysicalTherapistAssistant,
    OccupationalTherapist,
    Chiropractor,
    Physician,
    NursePractitioner,
    PhysicianAssistant,
    AthleticTrainer,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOfCare {
    pub certified: bool,
    pub start_date: Date,
    #[serde(default, deserialize_with = "optional_date")]
    pub certified_through: Option<Date>,
    #[serde(default)]
    pub certifying_npi: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub pointer: i32,
    /// ICD-10-CM code; canonical (dotless, upper case) once decoded.
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceLine {
    pub line_number: i32,
    /// CPT/HCPCS code; trimmed and upper case once decoded.
    pub procedure_code: String,
    /// Two-character modifiers; trimmed and upper case once decoded.
    #[serde(default, deserialize_with = "null_as_default")]
    pub modifiers: Vec<String>,
    pub units: i32,
    #[serde(default)]
    pub minutes: Option<i32>,
    pub date_of_service: Date,
    pub diagnosis_pointers: Vec<i32>,
    pub charge_cents: i64,
    #[serde(default)]
    pub body_region: Option<BodyRegion>,
}

impl ServiceLine {
    pub fn has_modifier(&self, modifier: &str) -> bool {
        self.modifiers.iter().any(|m| m == modifier)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BodyRegion {
    Cervical,
    Thoracic,
    Lumbar,
    Sacral,
    Pelvic,
    UpperExtremity,
    LowerExtremity,
}

impl BodyRegion {
    pub fn as_str(self) -> &'static str {
        match self {
            BodyRegion::Cervical => "CERVICAL",
            BodyRegion::Thoracic => "THORACIC",
            BodyRegion::Lumbar => "LUMBAR",
            BodyRegion::Sacral => "SACRAL",
            BodyRegion::Pelvic => "PELVIC",
            BodyRegion::UpperExtremity => "UPPER_EXTREMITY",
            BodyRegion::LowerExtremity => "LOWER_EXTREMITY",
        }
    }
}

/// Documentation of the traction given at the visit (not billing data).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Traction {
    pub method: TractionMethod,
    #[serde(default)]
    pub device_name: Option<String>,
    #[serde(default)]
    pub mode: Option<TractionMode>,
    #[serde(default)]
    pub region: Option<BodyRegion>,
    #[serde(default)]
    pub force_lbs: Option<f64>,
    #[serde(default)]
    pub duration_minutes: Option<i32>,
    #[serde(default)]
    pub patient_position: Option<String>,
    /// Free text that may hold PHI: never logged, never copied into messages.
    #[serde(default)]
    pub patient_response: Option<String>,
    #[serde(default)]
    pub performed_by: Option<PerformedBy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TractionMethod {
    Mechanical,
    Manual,
    Positional,
    DecompressionDevice,
    IntersegmentalTable,
    FlexionDistraction,
    Inversion,
    HomeUnit,
}

impl TractionMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            TractionMethod::Mechanical => "MECHANICAL",
            TractionMethod::Manual => "MANUAL",
            TractionMethod::Positional => "POSITIONAL",
            TractionMethod::DecompressionDevice => "DECOMPRESSION_DEVICE",
            TractionMethod::IntersegmentalTable => "INTERSEGMENTAL_TABLE",
            TractionMethod::FlexionDistraction => "FLEXION_DISTRACTION",
            TractionMethod::Inversion => "INVERSION",
            TractionMethod::HomeUnit => "HOME_UNIT",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TractionMode {
    Static,
    Intermittent,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PerformedBy {
    Therapist,
    Assistant,
    Aide,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Episode {
    pub start_date: Date,
    pub visit_number: i32,
    #[serde(default)]
    pub visits_since_progress_report: Option<i32>,
    #[serde(default, deserialize_with = "optional_date")]
    pub last_progress_report_date: Option<Date>,
}

/// CONTRACT.md: "any field that has a default may also be absent or null, and both mean
/// the default".
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
