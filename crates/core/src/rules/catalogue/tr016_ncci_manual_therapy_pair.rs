//! TR-016: 97012 and 97140 on one date of service form a reported NCCI
//! procedure-to-procedure pair; billed together, one of the two lines needs a
//! distinct-service modifier (59 or XE/XS/XP/XU). Fires once per traction line. The real
//! PTP table is quarterly data that comes later (RULES.md); until then this is a warning.

use crate::rules::modifiers::has_distinct_service_modifier;
use crate::rules::prelude::*;

pub struct ManualTherapyPair;

static META: RuleMeta = RuleMeta {
    id: "TR-016",
    title: "97012 with 97140 without a distinct-service modifier",
    remediation: "If the manual therapy was separate and distinct from the traction (another \
                  region or a separate session), append 59 or the fitting X modifier (XS for a \
                  separate structure) to the 97140 line and document why; otherwise bill only \
                  one of the two codes. Check the pair in the current quarter's NCCI PTP table.",
    reference: "Reported NCCI procedure-to-procedure pair 97012/97140; verify against the \
                current quarter's CMS PTP table",
};

impl Rule for ManualTherapyPair {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for traction in ctx.traction_lines() {
            if has_distinct_service_modifier(traction) {
                continue;
            }
            let unmodified_pair = ctx.lines_with_code(MANUAL_THERAPY_CODE).find(|manual| {
                manual.date_of_service == traction.date_of_service
                    && !has_distinct_service_modifier(manual)
            });
            if let Some(manual) = unmodified_pair {
                out.line(
                    traction.line_number,
                    format!(
                        "97012 and 97140 (line {}) are billed on {} with no 59, XE, XS, XP or XU \
                         on either line; they are a reported NCCI pair",
                        manual.line_number, traction.date_of_service
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{PlanType, ServiceLine};
    use crate::testing::*;

    fn manual_therapy(line_number: i32, modifiers: &[&str]) -> ServiceLine {
        ServiceLine {
            minutes: Some(15),
            modifiers: modifiers.iter().map(|m| (*m).to_owned()).collect(),
            ..line(line_number, "97140")
        }
    }

    #[test]
    fn fires_on_the_traction_line_when_97140_on_the_same_day_has_no_modifier() {
        let mut event = clean_encounter();
        event.service_lines.push(manual_therapy(3, &["GP"]));
        assert_eq!(findings_of(&event, "TR-016"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-016"),
            vec![
                "97012 and 97140 (line 3) are billed on 2026-03-02 with no 59, XE, XS, XP or XU on either line; they are a reported NCCI pair"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_97140_carries_59_or_an_x_modifier() {
        for modifier in ["59", "XE", "XS", "XP", "XU"] {
            let mut event = clean_encounter();
            event
                .service_lines
                .push(manual_therapy(3, &["GP", modifier]));
            assert_eq!(findings_of(&event, "TR-016"), vec![], "{modifier}");
        }
    }

    #[test]
    fn does_not_fire_when_the_traction_line_carries_the_modifier() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = vec!["GP".into(), "XS".into()];
        event.service_lines.push(manual_therapy(3, &["GP"]));
        assert_eq!(findings_of(&event, "TR-016"), vec![]);
    }

    #[test]
    fn does_not_fire_when_97140_is_on_another_day() {
        let mut event = clean_encounter();
        let mut manual = manual_therapy(3, &["GP"]);
        manual.date_of_service = date(2026, 3, 3);
        event.service_lines.push(manual);
        assert_eq!(findings_of(&event, "TR-016"), vec![]);
    }

    #[test]
    fn fires_once_per_traction_line_even_with_two_unmodified_97140_lines() {
        let mut event = clean_encounter();
        event.service_lines.push(manual_therapy(3, &["GP"]));
        event.service_lines.push(manual_therapy(4, &["GP"]));
        assert_eq!(findings_of(&event, "TR-016"), vec![(Warning, Some(1))]);
    }

    #[test]
    fn fires_when_any_97140_line_of_the_day_forms_an_unmodified_pair() {
        let mut event = clean_encounter();
        event.service_lines.push(manual_therapy(3, &["GP", "59"]));
        event.service_lines.push(manual_therapy(4, &["GP"]));
        assert_eq!(findings_of(&event, "TR-016"), vec![(Warning, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-016"),
            vec![
                "97012 and 97140 (line 4) are billed on 2026-03-02 with no 59, XE, XS, XP or XU on either line; they are a reported NCCI pair"
            ]
        );
    }

    #[test]
    fn fires_only_on_the_traction_line_of_the_day_with_97140() {
        let mut event = clean_encounter();
        let mut second_day = line(3, "97012");
        second_day.date_of_service = date(2026, 3, 4);
        let mut manual = manual_therapy(4, &["GP"]);
        manual.date_of_service = date(2026, 3, 4);
        event.service_lines.extend([second_day, manual]);
        assert_eq!(findings_of(&event, "TR-016"), vec![(Warning, Some(3))]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines.push(manual_therapy(3, &["GP"]));
        assert_eq!(
            findings_by_plan(&event, "TR-016"),
            only_for(&PlanType::ALL, &[(Warning, Some(1))])
        );
    }
}
