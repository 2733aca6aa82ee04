//! The per-event view rules read: the encounter, the pack, and facts computed once.

use crate::domain::{
    BodyRegion, Date, Diagnosis, Encounter, PlanOfCare, PlanType, ServiceLine, Traction,
};

use super::codes::TRACTION_CODE;
use super::icd10::IcdCodeSet;
use super::pack::{DiagnosisClass, RulePack};
use crate::history::PriorClaims;

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
    history: PriorClaims<'a>,
}

impl<'a> Context<'a> {
    /// The context of an event screened alone.
    pub fn new(event: &'a Encounter, pack: &'a RulePack, icd: &IcdCodeSet) -> Self {
        Self::with_history(event, pack, icd, PriorClaims::none())
    }

    /// The context of an event screened against its prior claims (the history rules read
    /// them).
    pub fn with_history(
        event: &'a Encounter,
        pack: &'a RulePack,
        icd: &IcdCodeSet,
        history: PriorClaims<'a>,
    ) -> Self {
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
            history,
        }
    }

    /// The patient's prior claims (RULES.md "History rules"); none unless screened with
    /// history.
    pub fn history(&self) -> PriorClaims<'a> {
        self.history
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

    /// The index in `service_lines` of the traction line that counts for `day`: the
    /// lowest `line_number` of the day's traction lines, the earlier in the array on a tie
    /// (TR-002, TR-038).
    pub fn first_traction_index_on(&self, day: Date) -> Option<usize> {
        first_traction_index(self.event, |line| line.date_of_service == day)
    }

    /// The traction record, when a 97012 line is billed too (TR-007, TR-036).
    pub fn billed_traction(&self) -> Option<&'a Traction> {
        self.event
            .traction
            .as_ref()
            .filter(|_| self.has_traction_line())
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

    /// The diagnoses with `pointer`, in array order (more than one only on a TR-003 event).
    pub fn diagnoses_with_pointer(
        &self,
        pointer: i32,
    ) -> impl Iterator<Item = PointedDiagnosis<'a>> + '_ {
        self.diagnoses()
            .filter(move |d| d.diagnosis.pointer == pointer)
    }

    /// Whether some diagnosis of the event has `pointer`.
    pub fn has_diagnosis_with_pointer(&self, pointer: i32) -> bool {
        self.event.diagnoses.iter().any(|d| d.pointer == pointer)
    }

    /// The "pointed diagnoses" of a line: every diagnosis whose pointer the line lists, also
    /// when two diagnoses share a pointer (RULES.md 2026.2). In the line's pointer order (a
    /// pointer listed twice counts once), then array order; dangling pointers give nothing.
    pub fn pointed_diagnoses<'s>(
        &'s self,
        line: &'s ServiceLine,
    ) -> impl Iterator<Item = PointedDiagnosis<'a>> + 's {
        let pointers = &line.diagnosis_pointers;
        pointers
            .iter()
            .enumerate()
            .filter(|(i, pointer)| !pointers[..*i].contains(pointer))
            .flat_map(|(_, pointer)| self.diagnoses_with_pointer(*pointer))
    }

    /// The traction region for lists C and P: `traction.region`, else the `body_region`
    /// of the first traction line, else unknown.
    pub fn contraindication_region(&self) -> Option<BodyRegion> {
        self.contraindication_region
    }
}

fn first_traction_line(event: &Encounter) -> Option<&ServiceLine> {
    first_traction_index(event, |_| true).map(|index| &event.service_lines[index])
}

/// The index of the traction line with the lowest `line_number` among those `keep`
/// accepts, the earlier in the array on a tie. A handful of lines per event: a scan beats
/// building a map per call.
fn first_traction_index(event: &Encounter, keep: impl Fn(&ServiceLine) -> bool) -> Option<usize> {
    let lines = &event.service_lines;
    let mut best: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if line.procedure_code != TRACTION_CODE || !keep(line) {
            continue;
        }
        // Strictly lower only, so the earliest of equal line numbers stays.
        if best.is_none_or(|b| line.line_number < lines[b].line_number) {
            best = Some(index);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn pointed_diagnoses_are_every_diagnosis_behind_each_listed_pointer_once() {
        let mut event = clean_encounter();
        event.diagnoses = vec![
            diagnosis(2, "M5412"),
            diagnosis(1, "M5416"),
            diagnosis(2, "M542"),
            diagnosis(3, "M6281"),
        ];
        event.service_lines[0].diagnosis_pointers = vec![2, 1, 2, 7];
        let pack = RulePack::built_in();
        let ctx = Context::new(&event, &pack, IcdCodeSet::bundled());
        let codes: Vec<&str> = ctx
            .pointed_diagnoses(&event.service_lines[0])
            .map(|d| d.diagnosis.code.as_str())
            .collect();
        assert_eq!(codes, ["M5412", "M542", "M5416"]);
        assert!(ctx.has_diagnosis_with_pointer(3));
        assert!(!ctx.has_diagnosis_with_pointer(7));
    }

    #[test]
    fn the_first_traction_line_of_a_day_is_the_lowest_line_number_then_the_earlier_in_the_array() {
        let mut event = clean_encounter();
        let day = event.service_lines[0].date_of_service;
        let next_day = date(2026, 3, 3);
        event.service_lines = vec![
            line(5, "97012"),
            line(2, "97110"),
            line(3, "97012"),
            line(3, "97012"),
            line(1, "97012"),
        ];
        event.service_lines[4].date_of_service = next_day;
        let pack = RulePack::built_in();
        let ctx = Context::new(&event, &pack, IcdCodeSet::bundled());
        assert_eq!(ctx.first_traction_index_on(day), Some(2));
        assert_eq!(ctx.first_traction_index_on(next_day), Some(4));
        assert_eq!(ctx.first_traction_index_on(date(2026, 3, 4)), None);
        assert_eq!(ctx.first_traction_line().map(|l| l.line_number), Some(1));
        event.service_lines.truncate(4);
        let ctx = Context::new(&event, &pack, IcdCodeSet::bundled());
        let first = ctx.first_traction_line().unwrap();
        assert!(std::ptr::eq(first, &event.service_lines[2]));
    }
}
