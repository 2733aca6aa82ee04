//! TR-030: several payers (Cigna among them) consider thoracic traction unproven, so it is
//! flagged for review whether the thoracic region comes from the traction record or from a
//! 97012 line's body region. Once per event; the record, being the documentation, is named
//! first when both say thoracic.

use crate::rules::prelude::*;

pub struct ThoracicTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-030",
    title: "Thoracic traction",
    remediation: "Check the payer's traction policy before billing: many treat thoracic \
                  traction as unproven. Obtain prior authorization or an advance notice, or \
                  correct the region if it was recorded wrongly.",
    reference: "Cigna Coverage Policy CPG275: thoracic traction is unproven",
};

impl Rule for ThoracicTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let documented = ctx
            .event
            .traction
            .as_ref()
            .is_some_and(|t| t.region == Some(BodyRegion::Thoracic));
        if documented {
            out.event(
                "Traction is documented for the THORACIC region, which several payers consider \
                 unproven",
            );
            return;
        }
        let billed = ctx
            .traction_lines()
            .find(|line| line.body_region == Some(BodyRegion::Thoracic));
        if let Some(line) = billed {
            out.event(format!(
                "97012 on {} (line {}) is billed for the THORACIC region, which several payers \
                 consider unproven",
                line.date_of_service, line.line_number
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{BodyRegion, PlanType};
    use crate::testing::*;

    #[test]
    fn fires_once_when_the_traction_record_says_thoracic() {
        let event = traction_region(Some(BodyRegion::Thoracic));
        assert_eq!(findings_of(&event, "TR-030"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-030"),
            vec![
                "Traction is documented for the THORACIC region, which several payers consider unproven"
            ]
        );
    }

    #[test]
    fn fires_once_when_a_traction_line_is_thoracic() {
        let mut event = traction_region(None);
        event.service_lines[0].body_region = Some(BodyRegion::Thoracic);
        assert_eq!(findings_of(&event, "TR-030"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-030"),
            vec![
                "97012 on 2026-03-02 (line 1) is billed for the THORACIC region, which several payers consider unproven"
            ]
        );
    }

    #[test]
    fn fires_on_a_thoracic_line_even_when_the_record_names_another_region() {
        let mut event = clean_encounter();
        event.service_lines[0].body_region = Some(BodyRegion::Thoracic);
        assert_eq!(findings_of(&event, "TR-030"), vec![(Warning, None)]);
    }

    #[test]
    fn fires_once_when_record_and_several_lines_are_thoracic() {
        let mut event = traction_region(Some(BodyRegion::Thoracic));
        event.service_lines[0].body_region = Some(BodyRegion::Thoracic);
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.body_region = Some(BodyRegion::Thoracic);
        event.service_lines.push(second);
        assert_eq!(findings_of(&event, "TR-030"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-030"),
            vec![
                "Traction is documented for the THORACIC region, which several payers consider unproven"
            ]
        );
    }

    #[test]
    fn ignores_thoracic_body_region_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].body_region = Some(BodyRegion::Thoracic);
        assert_eq!(findings_of(&event, "TR-030"), vec![]);
    }

    #[test]
    fn does_not_fire_for_other_regions() {
        for region in [
            Some(BodyRegion::Cervical),
            Some(BodyRegion::Lumbar),
            Some(BodyRegion::Sacral),
            Some(BodyRegion::Pelvic),
            None,
        ] {
            assert_eq!(
                findings_of(&traction_region(region), "TR-030"),
                vec![],
                "{region:?}"
            );
        }
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_the_traction_record() {
        let mut event = traction_region(Some(BodyRegion::Thoracic));
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-030"), vec![(Warning, None)]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&traction_region(Some(BodyRegion::Thoracic)), "TR-030"),
            only_for(&PlanType::ALL, &[(Warning, None)])
        );
    }
}
