//! The per-event view rules read: the encounter, the pack, and facts computed once.

use crate::domain::{BodyRegion, Diagnosis, Encounter, PlanOfCare, PlanType, ServiceLine};

use super::TRACTION_CODE;
use super::icd10::IcdCodeSet;
use super::pack::{DiagnosisClass, RulePack};

/// A diagnosis with the code lists it belongs to.
#[derive(Clone, Copy, Debug)]
pub struct PointedDiagnosis<'a> {
    pub diagnosis: &'a Diagnosis,
    pub class: DiagnosisClass,
}

pub struct Context<'a> {
    pub event: &'a Encounter,
    pub pack: &'a RulePack,
    /// Parallel to `event.diagnoses`: the lists each code belongs to (incl. BILLABLE).
    classes: Vec<DiagnosisClass>,
    /// RULES.md's "traction region" for lists C and P.
    contraindication_region: Option<BodyRegion>,
}

impl<'a> Context<'a> {
    pub fn new(event: &'a Encounter, pack: &'a RulePack, icd: &IcdCodeSet) -> Self {
        let classes = event
            .diagnoses
            .iter()
            .map(|d| {
                let class = pack.diagnoses.classify(&d.code);
                if icd.is_billable(&d.code) {
                    class.with(DiagnosisClass::BILLABLE)
                } else {
                    class
                }
            })
            .collect();
        let contraindication_region = match event.traction.as_ref().and_then(|t| t.region) {
            Some(region) => Some(region),
            None => first_traction_line(event).and_then(|line| line.body_region),
        };
        Self {
            event,
            pack,
            classes,
            contraindication_region,
        }
    }

    pub fn plan(&self) -> PlanType {
        self.event.payer.plan_type
    }

    /// The plan of care, when there is one and it is certified (TR-032, TR-033).
    pub fn certified_plan(&self) -> Option<&'a PlanOfCare> {
        self.event
            .plan_of_care
            .as_ref()
            .filter(|plan| plan.certified)
    }

    /// Service lines billed as 97012, in array order.
    pub fn traction_lines(&self) -> impl Iterator<Item = &'a ServiceLine> + 'a {
        self.event
            .service_lines
            .iter()
            .filter(|line| line.procedure_code == TRACTION_CODE)
    }

    pub fn has_traction_line(&self) -> bool {
        self.traction_lines().next().is_some()
    }

    /// The traction line with the lowest `line_number` (ties: the earlier in the array).
    pub fn first_traction_line(&self) -> Option<&'a ServiceLine> {
        first_traction_line(self.event)
    }

    /// Lines with a given procedure code, in array order.
    pub fn lines_with_code(
        &self,
        code: &'static str,
    ) -> impl Iterator<Item = &'a ServiceLine> + 'a {
        self.event
            .service_lines
            .iter()
            .filter(move |line| line.procedure_code == code)
    }

    /// Every diagnosis of the event with its lists, in array order.
    pub fn diagnoses(&self) -> impl Iterator<Item = PointedDiagnosis<'a>> + '_ {
        self.event
            .diagnoses
            .iter()
            .zip(self.classes.iter().copied())
            .map(|(diagnosis, class)| PointedDiagnosis { diagnosis, class })
    }

    /// The diagnosis a pointer refers to (the first one when pointers are duplicated).
    pub fn diagnosis(&self, pointer: i32) -> Option<PointedDiagnosis<'a>> {
        let index = self
            .event
            .diagnoses
            .iter()
            .position(|d| d.pointer == pointer)?;
        Some(PointedDiagnosis {
            diagnosis: &self.event.diagnoses[index],
            class: self.classes[index],
        })
    }

    /// The "pointed diagnoses" of a line: those whose pointer the line lists, in the
    /// line's pointer order. Pointers that match no diagnosis are skipped.
    pub fn pointed_diagnoses<'s>(
        &'s self,
        line: &'s ServiceLine,
    ) -> impl Iterator<Item = PointedDiagnosis<'a>> + 's {
        line.diagnosis_pointers
            .iter()
            .filter_map(|pointer| self.diagnosis(*pointer))
    }

    /// The traction region for lists C and P: `traction.region`, else the `body_region`
    /// of the first traction line, else unknown.
    pub fn contraindication_region(&self) -> Option<BodyRegion> {
        self.contraindication_region
    }
}

fn first_traction_line(event: &Encounter) -> Option<&ServiceLine> {
    // `min_by_key` returns the last of equal keys; fold keeps the earliest instead.
    event
        .service_lines
        .iter()
        .filter(|line| line.procedure_code == TRACTION_CODE)
        .fold(None, |best: Option<&ServiceLine>, line| match best {
            Some(b) if b.line_number <= line.line_number => Some(b),
            _ => Some(line),
        })
}
