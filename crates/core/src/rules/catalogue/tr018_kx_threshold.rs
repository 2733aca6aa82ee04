//! TR-018: once a Medicare patient's therapy spend for the year reaches the KX threshold,
//! every therapy line must carry KX (the provider's attestation of medical necessity) or
//! it is denied. The threshold is the one of each traction line's own DOS year.

use crate::rules::money::dollars;
use crate::rules::prelude::*;

pub struct KxThreshold;

static META: RuleMeta = RuleMeta {
    id: "TR-018",
    title: "KX modifier missing above the threshold",
    remediation: "Append KX to the 97012 line when the documentation shows that therapy above \
                  the threshold is medically necessary; otherwise issue an ABN before treating \
                  and bill with GA.",
    reference: "CMS CR 13371 and the yearly KX threshold updates (PT and SLP combined)",
};

impl Rule for KxThreshold {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(spend) = ctx.event.therapy_spend_ytd_cents else {
            return;
        };
        for line in ctx.traction_lines().filter(|line| !line.has_modifier("KX")) {
            let year = line.date_of_service.year();
            // A year before the first known threshold predates the KX rules: not checked.
            let Some(threshold) = ctx.pack.thresholds.kx_threshold_for(year) else {
                continue;
            };
            if spend >= threshold {
                out.line(
                    line.line_number,
                    format!(
                        "97012 on {} lacks KX although the year-to-date therapy spend ({}) has \
                         reached the {} KX threshold ({})",
                        line.date_of_service,
                        dollars(spend),
                        year,
                        dollars(threshold)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    fn with_spend(cents: i64) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = Some(cents);
        event
    }

    #[test]
    fn fires_when_spend_is_exactly_the_threshold_of_the_dos_year() {
        let event = with_spend(248_000);
        assert_eq!(findings_of(&event, "TR-018"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-018"),
            vec![
                "97012 on 2026-03-02 lacks KX although the year-to-date therapy spend ($2,480.00) has reached the 2026 KX threshold ($2,480.00)"
            ]
        );
    }

    #[test]
    fn does_not_fire_one_cent_below_the_threshold() {
        assert_eq!(findings_of(&with_spend(247_999), "TR-018"), vec![]);
    }

    #[test]
    fn does_not_fire_when_the_line_carries_kx() {
        let mut event = with_spend(300_000);
        event.service_lines[0].modifiers.push("KX".into());
        assert_eq!(findings_of(&event, "TR-018"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_reported_spend() {
        let mut event = clean_encounter();
        event.therapy_spend_ytd_cents = None;
        assert_eq!(findings_of(&event, "TR-018"), vec![]);
    }

    #[test]
    fn does_not_check_a_dos_before_the_first_known_year() {
        let mut event = with_spend(10_000_000);
        event.service_lines[0].date_of_service = date(2023, 12, 29);
        assert_eq!(findings_of(&event, "TR-018"), vec![]);
    }

    #[test]
    fn uses_the_latest_known_threshold_for_a_later_year() {
        let mut event = with_spend(248_000);
        event.service_lines[0].date_of_service = date(2027, 1, 4);
        assert_eq!(findings_of(&event, "TR-018"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-018"),
            vec![
                "97012 on 2027-01-04 lacks KX although the year-to-date therapy spend ($2,480.00) has reached the 2027 KX threshold ($2,480.00)"
            ]
        );
        event.therapy_spend_ytd_cents = Some(247_999);
        assert_eq!(findings_of(&event, "TR-018"), vec![]);
    }

    #[test]
    fn each_line_uses_the_threshold_of_its_own_year() {
        // 2024's threshold is 233000, 2026's is 248000.
        let mut event = with_spend(240_000);
        let mut earlier = line(3, "97012");
        earlier.date_of_service = date(2024, 12, 30);
        event.service_lines.push(earlier);
        assert_eq!(findings_of(&event, "TR-018"), vec![(Error, Some(3))]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let event = with_spend(400_000);
        assert_eq!(
            findings_by_plan(&event, "TR-018"),
            only_for(&[PlanType::MedicarePartB], &[(Error, Some(1))])
        );
    }
}
