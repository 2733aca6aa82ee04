//! TR-029: the diagnoses that justify traction must support the region treated. A line
//! whose supporting diagnoses (list S) are all lumbar while the traction is cervical, or all
//! cervical while it is lumbar or sacral, documents treatment of a region no diagnosis
//! supports. The region is `traction.region`, else the line's own `body_region`.
//! Pointed diagnoses outside list S are ignored here (TR-025 judges them); a line with no
//! supporting diagnosis, or an unknown or other region, passes.

use crate::rules::prelude::*;

pub struct RegionMismatch;

static META: RuleMeta = RuleMeta {
    id: "TR-029",
    title: "Diagnosis region does not match traction region",
    remediation: "Point the 97012 line at the diagnosis of the region actually treated, or \
                  correct the documented traction region (or the line's body region) if it \
                  was recorded wrongly.",
    reference: "Payer medical-necessity policies (e.g. Cigna CPG275): the diagnosis must \
                support the region treated with traction",
};

impl Rule for RegionMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let documented_region = ctx.event.traction.as_ref().and_then(|t| t.region);
        for line in ctx.traction_lines() {
            let Some(region) = documented_region.or(line.body_region) else {
                continue;
            };
            // The group every supporting diagnosis of the line must share to mismatch.
            let (group, group_name) = match region {
                BodyRegion::Cervical => (DiagnosisClass::SUPPORTING_LUMBAR, "lumbar"),
                BodyRegion::Lumbar | BodyRegion::Sacral => {
                    (DiagnosisClass::SUPPORTING_CERVICAL, "cervical")
                }
                _ => continue,
            };
            let mut supporting = ctx
                .pointed_diagnoses(line)
                .filter(|d| d.class.has(DiagnosisClass::SUPPORTING))
                .peekable();
            let mismatched = supporting.peek().is_some() && supporting.all(|d| d.class.has(group));
            if mismatched {
                out.line(
                    line.line_number,
                    format!(
                        "97012 on {} treats the {} region but its supporting diagnoses ({}) are \
                         all {group_name}",
                        line.date_of_service,
                        region.as_str(),
                        supporting_codes(ctx, line)
                    ),
                );
            }
        }
    }
}

/// The line's supporting codes, each once, in pointer order. Codes are safe to show: the
/// codec admits only short alphanumeric codes, and these matched a list-S prefix.
fn supporting_codes(ctx: &Context<'_>, line: &ServiceLine) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for d in ctx.pointed_diagnoses(line) {
        let code = d.diagnosis.code.as_str();
        if d.class.has(DiagnosisClass::SUPPORTING) && !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.join(", ")
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{BodyRegion, PlanType};
    use crate::testing::*;

    /// The clean encounter (lumbar diagnosis M5416 on pointer 1) with the documented
    /// traction region changed.
    #[test]
    fn fires_when_lumbar_diagnoses_support_cervical_traction() {
        let event = traction_region(Some(BodyRegion::Cervical));
        assert_eq!(findings_of(&event, "TR-029"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-029"),
            vec![
                "97012 on 2026-03-02 treats the CERVICAL region but its supporting diagnoses (M5416) are all lumbar"
            ]
        );
    }

    #[test]
    fn fires_when_cervical_diagnoses_support_lumbar_or_sacral_traction() {
        for region in [BodyRegion::Lumbar, BodyRegion::Sacral] {
            let mut event = traction_region(Some(region));
            event.diagnoses = vec![diagnosis(1, "M5412"), diagnosis(2, "M5022")];
            event.service_lines[0].diagnosis_pointers = vec![1, 2];
            assert_eq!(
                findings_of(&event, "TR-029"),
                vec![(Warning, Some(1))],
                "{region:?}"
            );
            assert_eq!(
                messages_of(&event, "TR-029"),
                vec![format!(
                    "97012 on 2026-03-02 treats the {} region but its supporting diagnoses (M5412, M5022) are all cervical",
                    region.as_str()
                )]
            );
        }
    }

    #[test]
    fn does_not_fire_when_the_diagnosis_matches_the_region() {
        assert_eq!(findings_of(&clean_encounter(), "TR-029"), vec![]);
        let mut cervical = traction_region(Some(BodyRegion::Cervical));
        cervical.diagnoses = vec![diagnosis(1, "M5412")];
        assert_eq!(findings_of(&cervical, "TR-029"), vec![]);
    }

    #[test]
    fn does_not_fire_when_one_supporting_diagnosis_matches_the_region() {
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses.push(diagnosis(2, "M5412"));
        event.service_lines[0].diagnosis_pointers = vec![1, 2];
        assert_eq!(findings_of(&event, "TR-029"), vec![]);
    }

    #[test]
    fn does_not_fire_when_a_matching_diagnosis_shares_the_pointer() {
        // Two diagnoses with pointer 1 (a TR-003 event): both are pointed diagnoses.
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses.push(diagnosis(1, "M5412"));
        assert_eq!(findings_of(&event, "TR-029"), vec![]);
    }

    #[test]
    fn names_every_supporting_diagnosis_behind_a_shared_pointer_once() {
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses.push(diagnosis(1, "M5417"));
        event.service_lines[0].diagnosis_pointers = vec![1, 1];
        assert_eq!(
            messages_of(&event, "TR-029"),
            vec![
                "97012 on 2026-03-02 treats the CERVICAL region but its supporting diagnoses (M5416, M5417) are all lumbar"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_a_thoracic_diagnosis_joins_the_lumbar_one() {
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses.push(diagnosis(2, "M5414"));
        event.service_lines[0].diagnosis_pointers = vec![1, 2];
        assert_eq!(findings_of(&event, "TR-029"), vec![]);
    }

    #[test]
    fn ignores_pointed_diagnoses_outside_list_s() {
        // M542 (weak) and M6281 (no list) do not count either way: the lumbar one decides.
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event
            .diagnoses
            .extend([diagnosis(2, "M542"), diagnosis(3, "M6281")]);
        event.service_lines[0].diagnosis_pointers = vec![2, 1, 3];
        assert_eq!(findings_of(&event, "TR-029"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-029"),
            vec![
                "97012 on 2026-03-02 treats the CERVICAL region but its supporting diagnoses (M5416) are all lumbar"
            ]
        );
    }

    #[test]
    fn does_not_fire_without_a_supporting_diagnosis() {
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses = vec![diagnosis(1, "M542")];
        assert_eq!(findings_of(&event, "TR-029"), vec![]);
    }

    #[test]
    fn ignores_supporting_diagnoses_the_line_does_not_point_at() {
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.diagnoses.push(diagnosis(2, "M5412"));
        assert_eq!(findings_of(&event, "TR-029"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn uses_the_line_body_region_when_the_traction_region_is_absent() {
        let mut event = traction_region(None);
        event.service_lines[0].body_region = Some(BodyRegion::Cervical);
        assert_eq!(findings_of(&event, "TR-029"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn prefers_the_documented_traction_region_over_the_line_body_region() {
        let mut event = traction_region(Some(BodyRegion::Lumbar));
        event.service_lines[0].body_region = Some(BodyRegion::Cervical);
        assert_eq!(findings_of(&event, "TR-029"), vec![]);
    }

    #[test]
    fn does_not_fire_when_the_region_is_unknown_or_another_region() {
        let mut unknown = traction_region(None);
        unknown.service_lines[0].body_region = None;
        assert_eq!(findings_of(&unknown, "TR-029"), vec![]);
        for region in [
            BodyRegion::Thoracic,
            BodyRegion::Pelvic,
            BodyRegion::UpperExtremity,
            BodyRegion::LowerExtremity,
        ] {
            let event = traction_region(Some(region));
            assert_eq!(findings_of(&event, "TR-029"), vec![], "{region:?}");
        }
    }

    #[test]
    fn judges_each_traction_line_on_its_own_pointers_and_region() {
        let mut event = traction_region(None);
        event.diagnoses.push(diagnosis(2, "M5412"));
        event.service_lines[0].body_region = Some(BodyRegion::Cervical);
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.body_region = Some(BodyRegion::Cervical);
        second.diagnosis_pointers = vec![2];
        let mut third = line(4, "97012");
        third.date_of_service = date(2026, 3, 6);
        third.body_region = Some(BodyRegion::Lumbar);
        third.diagnosis_pointers = vec![2];
        event.service_lines.extend([second, third]);
        assert_eq!(
            findings_of(&event, "TR-029"),
            vec![(Warning, Some(1)), (Warning, Some(4))]
        );
    }

    #[test]
    fn fires_even_when_a_pointer_dangles() {
        // TR-024 reports the dangling pointer; TR-029 judges the diagnoses that exist.
        let mut event = traction_region(Some(BodyRegion::Cervical));
        event.service_lines[0].diagnosis_pointers = vec![1, 7];
        assert_eq!(findings_of(&event, "TR-029"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&traction_region(Some(BodyRegion::Cervical)), "TR-029"),
            only_for(&PlanType::ALL, &[(Warning, Some(1))])
        );
    }
}
