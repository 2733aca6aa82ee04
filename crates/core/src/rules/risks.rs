//! Lists C and P of RULES.md as reason rows: the diagnoses that make traction a
//! contraindication (TR-027) or call for caution (TR-028), and the reason a finding names
//! for each. Both rules run the one evaluation below over [`ROWS`]: a diagnosis takes the
//! reason of the first row of the rule's kind that holds for it.

use super::context::{Context, PointedDiagnosis};
use super::diagnoses::code_for_message;
use super::pack::DiagnosisClass;
use crate::domain::BodyRegion;

/// What a diagnosis means for traction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    /// List C (TR-027): traction should not be given.
    Contraindication,
    /// List P (TR-028): traction needs caution.
    Precaution,
}

/// When a row holds for a diagnosis.
#[derive(Clone, Copy, Debug)]
enum When {
    /// The code is in the list.
    Listed(DiagnosisClass),
    /// The code is in the list and the traction region of lists C and P is, or is not,
    /// CERVICAL (an unknown region is not).
    ListedWith(DiagnosisClass, TractionRegion),
    /// A vertebral fracture whose 7th character is one of the pack's for that stage.
    Fracture(Stage),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// The traction region of lists C and P, as the rows tell it apart.
enum TractionRegion {
    Cervical,
    NotCervical,
}

#[derive(Clone, Copy, Debug)]
enum Stage {
    Acute,
    Healing,
}

// Short names for the table.
use DiagnosisClass as D;
use Risk::{Contraindication as C, Precaution as P};
use TractionRegion::{Cervical, NotCervical};
use When::{Fracture, Listed, ListedWith};

/// Every reason, each rule's in the order RULES.md gives them.
#[rustfmt::skip]
const ROWS: &[(Risk, When, &str)] = &[
    (C, Fracture(Stage::Acute), "acute vertebral fracture"),
    (C, Listed(D::MALIGNANCY), "malignancy involving the spine"),
    (C, Listed(D::SPINAL_INFECTION), "spinal infection"),
    (C, Listed(D::CORD_COMPRESSION), "cord compression, cauda equina or myelopathy"),
    (C, Listed(D::INSTABILITY), "spinal instability"),
    (C, ListedWith(D::AORTIC_ANEURYSM, NotCervical), "aortic aneurysm, traction not cervical"),
    (C, ListedWith(D::INFLAMMATORY_SPINE, Cervical), "inflammatory spine disease, cervical traction"),
    (P, Fracture(Stage::Healing), "healing vertebral fracture"),
    (P, Listed(D::OSTEOPOROSIS), "osteoporosis"),
    (P, Listed(D::SPINAL_SURGERY), "spinal surgery"),
    (P, Listed(D::PREGNANCY), "pregnancy"),
    (P, Listed(D::SPONDYLOLYSIS), "spondylolysis or spondylolisthesis"),
    (P, Listed(D::HYPERMOBILITY), "hypermobility"),
    (P, Listed(D::ANTICOAGULANTS), "anticoagulant therapy"),
    (P, Listed(D::CLAUSTROPHOBIA), "claustrophobia"),
    (P, ListedWith(D::AORTIC_ANEURYSM, Cervical), "aortic aneurysm, cervical traction"),
    (P, ListedWith(D::INFLAMMATORY_SPINE, NotCervical), "inflammatory spine disease, traction not cervical"),
];

/// `CODE (reason), …` for every diagnosis of the event that is a `risk`, each code once,
/// in diagnosis order; `None` when there is none.
pub fn listed_with_reasons(ctx: &Context<'_>, risk: Risk) -> Option<String> {
    let traction = match ctx.contraindication_region() {
        Some(BodyRegion::Cervical) => Cervical,
        _ => NotCervical,
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut listed: Vec<String> = Vec::new();
    for diagnosis in ctx.diagnoses() {
        let Some(why) = reason(ctx, traction, risk, &diagnosis) else {
            continue;
        };
        let code = code_for_message(&diagnosis.diagnosis.code);
        if !seen.contains(&code) {
            seen.push(code);
            listed.push(format!("{code} ({why})"));
        }
    }
    (!listed.is_empty()).then(|| listed.join(", "))
}

/// Why `diagnosis` is a `risk`: the reason of the first of its rows that holds.
fn reason(
    ctx: &Context<'_>,
    traction: TractionRegion,
    risk: Risk,
    diagnosis: &PointedDiagnosis<'_>,
) -> Option<&'static str> {
    let holds = |when: When| match when {
        Listed(class) => diagnosis.class.has(class),
        ListedWith(class, region) => diagnosis.class.has(class) && region == traction,
        Fracture(stage) => {
            let lists = &ctx.pack.diagnoses;
            let characters = match stage {
                Stage::Acute => &lists.fracture_acute,
                Stage::Healing => &lists.fracture_healing,
            };
            diagnosis.class.has(D::VERTEBRAL_FRACTURE)
                && seventh_character(&diagnosis.diagnosis.code)
                    .is_some_and(|c| characters.contains(&c))
        }
    };
    ROWS.iter()
        .find(|(kind, when, _)| *kind == risk && holds(*when))
        .map(|(_, _, why)| *why)
}

/// The 7th character of a canonical ICD-10-CM code (the encounter type of a fracture).
fn seventh_character(code: &str) -> Option<u8> {
    code.as_bytes().get(6).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_dependent_list_is_a_contraindication_on_one_side_and_a_precaution_on_the_other() {
        for (risk, when, _) in ROWS {
            let ListedWith(class, region) = *when else {
                continue;
            };
            let (other_risk, other_region) = match (risk, region) {
                (C, Cervical) => (P, NotCervical),
                (C, NotCervical) => (P, Cervical),
                (P, Cervical) => (C, NotCervical),
                (P, NotCervical) => (C, Cervical),
            };
            let mirrored = ROWS.iter().any(|(r, w, _)| {
                *r == other_risk
                    && matches!(*w, ListedWith(c, g) if c == class && g == other_region)
            });
            assert!(mirrored, "{risk:?} {when:?}");
        }
    }
}
