//! TR-035: billed traction must be backed by documentation of the traction given. An event
//! that bills 97012 but carries no `traction` record fails once, naming the first traction
//! line. What a present record lacks is TR-036's concern.

use crate::rules::prelude::*;

pub struct UndocumentedTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-035",
    title: "Traction billed without documentation",
    remediation: "Attach the traction documentation of the visit (method, mode, region, force, \
                  duration and the patient's response) before billing 97012, or remove the \
                  97012 line if no traction was given.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.3 and payer documentation \
                requirements: the record must show the service billed",
};

impl Rule for UndocumentedTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        if ctx.event.traction.is_some() {
            return;
        }
        if let Some(line) = ctx.first_traction_line() {
            out.event(format!(
                "97012 is billed (line {} on {}) but the encounter has no traction documentation",
                line.line_number, line.date_of_service
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    fn undocumented() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.traction = None;
        event
    }

    #[test]
    fn fires_once_when_97012_is_billed_without_a_traction_record() {
        let event = undocumented();
        assert_eq!(findings_of(&event, "TR-035"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-035"),
            vec![
                "97012 is billed (line 1 on 2026-03-02) but the encounter has no traction documentation"
            ]
        );
    }

    #[test]
    fn fires_once_for_several_traction_lines_naming_the_lowest_line_number() {
        let mut event = undocumented();
        event.service_lines[0].line_number = 4;
        let mut lower = line(3, "97012");
        lower.date_of_service = date(2026, 2, 27);
        event.service_lines.push(lower);
        assert_eq!(findings_of(&event, "TR-035"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-035"),
            vec![
                "97012 is billed (line 3 on 2026-02-27) but the encounter has no traction documentation"
            ]
        );
    }

    #[test]
    fn does_not_fire_with_a_traction_record() {
        assert_eq!(findings_of(&clean_encounter(), "TR-035"), vec![]);
    }

    #[test]
    fn does_not_fire_on_an_s9090_line_without_a_traction_line() {
        let mut event = with_plan(undocumented(), PlanType::Commercial);
        event.service_lines[0].procedure_code = "S9090".into();
        assert_eq!(findings_of(&event, "TR-035"), vec![]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&undocumented(), "TR-035"),
            only_for(&PlanType::ALL, &[(Error, None)])
        );
    }
}
