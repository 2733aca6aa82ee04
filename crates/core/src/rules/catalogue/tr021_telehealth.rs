//! TR-021: mechanical traction needs the patient on the table with a clinician present;
//! 97012 is not a telehealth service. Fires on each traction line of a claim billed with
//! a telehealth place of service, and on each traction line carrying a telehealth
//! modifier (both lists are pack data).

use crate::rules::prelude::*;

pub struct Telehealth;

static META: RuleMeta = RuleMeta {
    id: "TR-021",
    title: "97012 billed as telehealth",
    remediation: "Bill 97012 only for traction given in person, with the in-person place of \
                  service and without telehealth modifiers (95, GT, 93, FQ); remove it from a \
                  telehealth claim.",
    reference: "97012 is not on the CMS list of telehealth services; supervised modalities \
                need the patient present",
};

impl Rule for Telehealth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let procedures = &ctx.pack.procedures;
        let place = ctx.event.place_of_service.as_str();
        let telehealth_place = procedures
            .telehealth_places_of_service
            .iter()
            .any(|p| p == place);
        let is_telehealth_modifier = |m: &&String| procedures.telehealth_modifiers.contains(*m);
        for line in ctx.traction_lines() {
            if !telehealth_place && !line.modifiers.iter().any(|m| is_telehealth_modifier(&m)) {
                continue;
            }
            let mut reasons: Vec<String> = Vec::new();
            if telehealth_place {
                reasons.push(format!("place of service {place}"));
            }
            reasons.extend(
                line.modifiers
                    .iter()
                    .filter(is_telehealth_modifier)
                    .map(|m| format!("modifier {m}")),
            );
            out.line(
                line.line_number,
                format!(
                    "97012 on {} is billed as telehealth ({}); traction is not a telehealth \
                     service",
                    line.date_of_service,
                    reasons.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_on_a_telehealth_place_of_service() {
        let mut event = clean_encounter();
        event.place_of_service = "02".into();
        assert_eq!(findings_of(&event, "TR-021"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-021"),
            vec![
                "97012 on 2026-03-02 is billed as telehealth (place of service 02); traction is not a telehealth service"
            ]
        );
        event.place_of_service = "10".into();
        assert_eq!(findings_of(&event, "TR-021"), vec![(Error, Some(1))]);
    }

    #[test]
    fn fires_on_each_telehealth_modifier() {
        for modifier in ["95", "GT", "93", "FQ"] {
            let mut event = clean_encounter();
            event.service_lines[0].modifiers.push(modifier.into());
            assert_eq!(
                findings_of(&event, "TR-021"),
                vec![(Error, Some(1))],
                "{modifier}"
            );
        }
    }

    #[test]
    fn names_the_place_and_every_telehealth_modifier() {
        let mut event = clean_encounter();
        event.place_of_service = "10".into();
        event.service_lines[0].modifiers = vec!["GT".into(), "GP".into(), "95".into()];
        assert_eq!(
            messages_of(&event, "TR-021"),
            vec![
                "97012 on 2026-03-02 is billed as telehealth (place of service 10, modifier GT, modifier 95); traction is not a telehealth service"
            ]
        );
    }

    #[test]
    fn does_not_fire_in_the_office_without_telehealth_modifiers() {
        let mut event = clean_encounter();
        event.place_of_service = "22".into();
        assert_eq!(findings_of(&event, "TR-021"), vec![]);
    }

    #[test]
    fn ignores_telehealth_modifiers_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers.push("95".into());
        assert_eq!(findings_of(&event, "TR-021"), vec![]);
    }

    #[test]
    fn fires_only_on_the_traction_line_with_the_modifier() {
        let mut event = clean_encounter();
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.modifiers.push("FQ".into());
        event.service_lines.push(second);
        assert_eq!(findings_of(&event, "TR-021"), vec![(Error, Some(3))]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let mut event = clean_encounter();
        event.place_of_service = "02".into();
        assert_eq!(
            findings_by_plan(&event, "TR-021"),
            only_for(&PlanType::ALL, &[(Error, Some(1))])
        );
    }
}
