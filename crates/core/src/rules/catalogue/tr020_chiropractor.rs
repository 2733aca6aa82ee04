//! TR-020: Medicare never covers therapy services, traction included, furnished by a
//! chiropractor. The only correct way to bill it is as an excluded service with GP and GY
//! (the patient is liable); that case is reported as INFO whatever the pack says, any
//! other traction line as the resolved severity.

use std::borrow::Cow;

use crate::rules::prelude::*;

pub struct Chiropractor;

static META: RuleMeta = RuleMeta {
    id: "TR-020",
    title: "Traction billed by a chiropractor to Medicare",
    remediation: "Do not bill 97012 by a chiropractor to Medicare as a covered service: if the \
                  patient asked for it, bill it with GP and GY (statutorily excluded, patient \
                  liable); otherwise remove the line.",
    reference: "Medicare covers only chiropractors' manual manipulation of the spine; therapy \
                they furnish is excluded (Medicare Benefit Policy Manual ch. 15 §30.5 and \
                §240.1.1; MAC chiropractic pages)",
};

/// The INFO case needs no correction: say so instead of the default remediation.
const EXCLUDED_REMEDIATION: &str = "No correction needed if the patient was told the service \
                                    is not covered by Medicare: it will be denied as excluded \
                                    and the patient is liable.";

impl Rule for Chiropractor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        if ctx.event.rendering_provider.discipline != Discipline::Chiropractor {
            return;
        }
        for line in ctx.traction_lines() {
            if line.has_modifier("GP") && line.has_modifier("GY") {
                let finding = out.line(
                    line.line_number,
                    format!(
                        "97012 on {} by a chiropractor is billed with GP and GY as a service \
                         Medicare excludes; the patient is liable",
                        line.date_of_service
                    ),
                );
                finding.severity = Severity::Info;
                finding.remediation = Some(Cow::Borrowed(EXCLUDED_REMEDIATION));
            } else {
                out.line(
                    line.line_number,
                    format!(
                        "97012 on {} is billed by a chiropractor as a covered service; \
                         Medicare excludes therapy furnished by chiropractors",
                        line.date_of_service
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Info, Warning};
    use crate::domain::{Discipline, Encounter, PlanType};
    use crate::testing::*;

    fn by_chiropractor() -> Encounter {
        let mut event = clean_encounter();
        event.rendering_provider.discipline = Discipline::Chiropractor;
        event
    }

    #[test]
    fn cites_the_coverage_of_manual_manipulation_only() {
        let reference = reference_of(&by_chiropractor(), "TR-020");
        assert!(
            reference.contains("ch. 15 §30.5 and §240.1.1"),
            "{reference}"
        );
    }

    #[test]
    fn fires_as_an_error_on_traction_by_a_chiropractor() {
        let event = by_chiropractor();
        assert_eq!(findings_of(&event, "TR-020"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-020"),
            vec![
                "97012 on 2026-03-02 is billed by a chiropractor as a covered service; Medicare excludes therapy furnished by chiropractors"
            ]
        );
    }

    #[test]
    fn is_info_when_the_line_carries_gp_and_gy() {
        let mut event = by_chiropractor();
        event.service_lines[0].modifiers = vec!["GY".into(), "GP".into()];
        assert_eq!(findings_of(&event, "TR-020"), vec![(Info, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-020"),
            vec![
                "97012 on 2026-03-02 by a chiropractor is billed with GP and GY as a service Medicare excludes; the patient is liable"
            ]
        );
        let finding = screen(&event)
            .findings
            .into_iter()
            .find(|f| f.rule_id == "TR-020")
            .expect("TR-020 fired");
        assert_eq!(
            finding.remediation.as_deref(),
            Some(super::EXCLUDED_REMEDIATION)
        );
    }

    #[test]
    fn is_an_error_with_gy_but_no_gp() {
        let mut event = by_chiropractor();
        event.service_lines[0].modifiers = vec!["GO".into(), "GY".into()];
        assert_eq!(findings_of(&event, "TR-020"), vec![(Error, Some(1))]);
    }

    #[test]
    fn judges_each_traction_line_on_its_own_modifiers() {
        let mut event = by_chiropractor();
        let mut excluded = line(3, "97012");
        excluded.date_of_service = date(2026, 3, 4);
        excluded.modifiers.push("GY".into());
        event.service_lines.push(excluded);
        assert_eq!(
            findings_of(&event, "TR-020"),
            vec![(Error, Some(1)), (Info, Some(3))]
        );
    }

    #[test]
    fn a_payer_profile_changes_the_error_case_but_never_the_info_case() {
        let mut event = by_chiropractor();
        event.payer.payer_id = PROFILED_PAYER.into();
        let mut excluded = line(3, "97012");
        excluded.date_of_service = date(2026, 3, 4);
        excluded.modifiers.push("GY".into());
        event.service_lines.push(excluded);
        let warning = engine_with_profile(r#"severity = { "TR-020" = "WARNING" }"#);
        assert_eq!(
            findings_with(&warning, &event, "TR-020"),
            vec![(Warning, Some(1)), (Info, Some(3))]
        );
        let disabled = engine_with_profile(r#"disable = ["TR-020"]"#);
        assert_eq!(findings_with(&disabled, &event, "TR-020"), vec![]);
    }

    #[test]
    fn does_not_fire_for_other_disciplines() {
        for discipline in [
            Discipline::PhysicalTherapist,
            Discipline::Physician,
            Discipline::Other,
        ] {
            let mut event = clean_encounter();
            event.rendering_provider.discipline = discipline;
            assert_eq!(findings_of(&event, "TR-020"), vec![], "{discipline:?}");
        }
    }

    #[test]
    fn does_not_fire_without_a_traction_line() {
        let mut event = by_chiropractor();
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-020"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        assert_eq!(
            findings_by_plan(&by_chiropractor(), "TR-020"),
            only_for(&[PlanType::MedicarePartB], &[(Error, Some(1))])
        );
    }
}
