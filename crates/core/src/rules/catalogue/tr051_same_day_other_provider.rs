//! TR-051: two providers billing 97012 for the patient on the same day (a PT clinic and a
//! chiropractor, say). One of the claims is likely to be denied as a duplicate unit, so the
//! providers should agree whose it is. A line where TR-050 already reports a duplicate of
//! the same provider is not reported again.

use crate::rules::prelude::*;
use crate::rules::prior::{discipline_name, same_provider, with_traction_on};

pub struct SameDayOtherProvider;

static META: RuleMeta = RuleMeta {
    id: "TR-051",
    title: "97012 billed for the DOS on another claim by another provider",
    remediation: "Check with the other provider which of you furnished the traction on this \
                  date: only one unit of 97012 is paid per patient per date of service.",
    reference: "97012 is untimed: one unit per patient per date of service (MUE, date-of-service \
                adjudication)",
};

impl Rule for SameDayOtherProvider {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads_findings_of(&self) -> &'static [&'static str] {
        &["TR-050"]
    }

    fn uses_history(&self) -> bool {
        true
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let history = ctx.history();
        for line in ctx.traction_lines() {
            if out.earlier_finding_on_line("TR-050", line.line_number) {
                continue;
            }
            let day = line.date_of_service;
            let others: Vec<String> = with_traction_on(history, day)
                .filter(|claim| !same_provider(ctx, claim))
                .map(|claim| {
                    let discipline = discipline_name(claim.discipline());
                    format!("{} ({discipline})", claim.claim_id())
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            let noun = if others.len() == 1 { "claim" } else { "claims" };
            out.line(
                line.line_number,
                format!(
                    "97012 on {day} is also billed by another rendering provider on {noun} {}",
                    others.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Warning};
    use crate::domain::{Discipline, Encounter, PlanType};
    use crate::testing::*;

    fn by_chiropractor(claim_id: &str) -> Encounter {
        let mut event = other_claim(claim_id);
        event.rendering_provider.npi = REFERRING_NPI.into();
        event.rendering_provider.discipline = Discipline::Chiropractor;
        event
    }

    #[test]
    fn fires_when_another_provider_billed_traction_the_same_day() {
        let earlier = [by_chiropractor("CLM-CHIRO")];
        assert_eq!(
            findings_after(&earlier, &clean_encounter(), "TR-051"),
            vec![(Warning, Some(1))]
        );
        assert_eq!(
            messages_after(&earlier, &clean_encounter(), "TR-051"),
            [
                "97012 on 2026-03-02 is also billed by another rendering provider on claim CLM-CHIRO (chiropractor)"
            ]
        );
    }

    #[test]
    fn names_each_other_claim_with_its_providers_discipline() {
        let mut assistant = by_chiropractor("CLM-PTA");
        assistant.rendering_provider.discipline = Discipline::PhysicalTherapistAssistant;
        let earlier = [by_chiropractor("CLM-CHIRO"), assistant];
        assert_eq!(
            messages_after(&earlier, &clean_encounter(), "TR-051"),
            [
                "97012 on 2026-03-02 is also billed by another rendering provider on claims CLM-CHIRO (chiropractor), CLM-PTA (physical therapist assistant)"
            ]
        );
    }

    #[test]
    fn does_not_fire_the_next_day() {
        let mut next_day = by_chiropractor("CLM-CHIRO");
        next_day.service_lines[0].date_of_service = date(2026, 3, 3);
        assert_eq!(
            findings_after(&[next_day], &clean_encounter(), "TR-051"),
            vec![]
        );
    }

    #[test]
    fn an_empty_npi_is_another_provider_than_a_given_one() {
        let mut earlier = by_chiropractor("CLM-CHIRO");
        earlier.rendering_provider.npi = " ".into();
        assert_eq!(
            findings_after(&[earlier], &clean_encounter(), "TR-051"),
            vec![(Warning, Some(1))]
        );
    }

    #[test]
    fn is_not_fired_on_a_line_where_tr_050_fired() {
        let earlier = [other_claim("CLM-SAME"), by_chiropractor("CLM-CHIRO")];
        let screening = screen_after_with(engine(), &earlier, &clean_encounter());
        let fired: Vec<_> = screening
            .findings
            .iter()
            .map(|f| (&*f.rule_id, f.severity))
            .collect();
        assert_eq!(fired, [("TR-050", Error)]);
    }

    #[test]
    fn fires_where_tr_050_is_disabled_for_the_payer() {
        let engine = engine_with_profile(r#"disable = ["TR-050"]"#);
        let mut event = clean_encounter();
        event.payer.payer_id = PROFILED_PAYER.into();
        let earlier = [other_claim("CLM-SAME"), by_chiropractor("CLM-CHIRO")];
        assert_eq!(
            findings_after_with(&engine, &earlier, &event, "TR-051"),
            vec![(Warning, Some(1))]
        );
        // Only the other provider's claim is named.
        let screening = screen_after_with(&engine, &earlier, &event);
        assert_eq!(
            screening.findings[0].message,
            "97012 on 2026-03-02 is also billed by another rendering provider on claim CLM-CHIRO (chiropractor)"
        );
    }

    #[test]
    fn applies_to_every_plan() {
        let earlier = [by_chiropractor("CLM-CHIRO")];
        assert_eq!(
            findings_after_by_plan(&earlier, &clean_encounter(), "TR-051"),
            only_for(&PlanType::ALL, &[(Warning, Some(1))])
        );
    }
}
