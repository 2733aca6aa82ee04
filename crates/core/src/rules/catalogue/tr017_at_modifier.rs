//! TR-017: the AT modifier (acute treatment) belongs on chiropractic manipulation
//! (98940–98942); on 97012 it signals a chiropractic claim template or a coding slip.

use crate::rules::prelude::*;

pub struct AtModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-017",
    title: "AT modifier on 97012",
    remediation: "Remove AT from the 97012 line; AT is reported only on chiropractic \
                  manipulative treatment (98940-98942).",
    reference: "HCPCS modifier AT descriptor: acute treatment, reported with chiropractic \
                manipulative treatment (CPT 98940-98942); Medicare Benefit Policy Manual ch. 15 \
                §240.1.3",
};

impl Rule for AtModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.traction_lines().filter(|line| line.has_modifier("AT")) {
            out.line(
                line.line_number,
                format!(
                    "97012 on {} carries AT, a modifier for chiropractic manipulation only",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Warning;
    use crate::testing::*;

    #[test]
    fn cites_the_at_descriptor_and_the_benefit_policy_manual() {
        let reference = reference_of(&with_modifiers(&["GP", "AT"]), "TR-017");
        assert!(
            reference.contains("HCPCS modifier AT descriptor"),
            "{reference}"
        );
        assert!(reference.contains("ch. 15 §240.1.3"), "{reference}");
    }

    #[test]
    fn fires_on_a_traction_line_carrying_at() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = vec!["GP".into(), "AT".into()];
        assert_eq!(findings_of(&event, "TR-017"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-017"),
            vec!["97012 on 2026-03-02 carries AT, a modifier for chiropractic manipulation only"]
        );
    }

    #[test]
    fn does_not_fire_without_at() {
        assert_eq!(findings_of(&clean_encounter(), "TR-017"), vec![]);
    }

    #[test]
    fn ignores_at_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers = vec!["GP".into(), "AT".into()];
        assert_eq!(findings_of(&event, "TR-017"), vec![]);
    }

    #[test]
    fn fires_once_per_traction_line_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = vec!["AT".into(), "GP".into()];
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.modifiers.push("AT".into());
        event.service_lines.push(second);
        assert_eq!(
            findings_by_plan(&event, "TR-017"),
            only_for(&PlanType::ALL, &[(Warning, Some(1)), (Warning, Some(3))])
        );
    }
}
