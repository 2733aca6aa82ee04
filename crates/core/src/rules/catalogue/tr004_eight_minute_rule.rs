//! TR-004: the 8-minute rule on a traction day. Medicare bills timed codes (list T) from
//! the total timed minutes of the day: units ≤ (Σ minutes + 7) div 15. 97012 is untimed, so
//! its minutes never count — the usual way this goes wrong on a traction day is adding the
//! traction minutes to the timed ones, which the message calls out when it explains the
//! units billed. A day is only checked when every timed line on it documents its minutes.

use crate::rules::prelude::*;

pub struct EightMinuteRule;

static META: RuleMeta = RuleMeta {
    id: "TR-004",
    title: "Timed units exceed the 8-minute rule",
    remediation: "Bill timed units from the total timed minutes of the day ((minutes + 7) div 15: \
                  8-22 minutes 1 unit, 23-37 minutes 2 units, …), leaving out the 97012 minutes, \
                  or document the minutes actually spent.",
    reference: "Medicare Claims Processing Manual ch. 5 §20.2 (8-minute rule for timed codes)",
};

impl Rule for EightMinuteRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        // Each traction date once, in date order (findings carry no line number, so the
        // emission order is the outcome order), without collecting the dates.
        let mut previous: Option<Date> = None;
        while let Some(day) = ctx
            .traction_lines()
            .map(|line| line.date_of_service)
            .filter(|day| previous.is_none_or(|p| *day > p))
            .min()
        {
            previous = Some(day);
            let Some(totals) = timed_totals(ctx, day) else {
                continue;
            };
            if totals.units > allowed_units(totals.minutes) {
                out.event(describe(ctx, day, totals));
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Totals {
    units: i64,
    minutes: i64,
}

/// Σ units and Σ minutes of the timed lines on `day`; `None` when a timed line lacks its
/// minutes (the rule cannot judge the day). Sums are `i64` so no input overflows them.
fn timed_totals(ctx: &Context<'_>, day: Date) -> Option<Totals> {
    let mut totals = Totals {
        units: 0,
        minutes: 0,
    };
    for line in timed_lines(ctx, day) {
        totals.units += i64::from(line.units);
        totals.minutes += i64::from(line.minutes?);
    }
    Some(totals)
}

fn timed_lines<'a>(ctx: &Context<'a>, day: Date) -> impl Iterator<Item = &'a ServiceLine> {
    let pack = ctx.pack;
    ctx.event.service_lines.iter().filter(move |line| {
        line.date_of_service == day && pack.procedures.is_timed(&line.procedure_code)
    })
}

/// Units the 8-minute rule allows for `minutes` timed minutes.
fn allowed_units(minutes: i64) -> i64 {
    (minutes + 7).div_euclid(15)
}

/// The traction minutes of `day`: Σ `minutes` of its traction lines that document them,
/// else the traction record's `duration_minutes` (RULES.md 2026.2).
fn traction_minutes(ctx: &Context<'_>, day: Date) -> Option<i64> {
    ctx.traction_lines()
        .filter(|line| line.date_of_service == day)
        .filter_map(|line| line.minutes.map(i64::from))
        .reduce(|sum, minutes| sum + minutes)
        .or_else(|| Some(i64::from(ctx.event.traction.as_ref()?.duration_minutes?)))
}

/// The message; only built when the rule fires.
fn describe(ctx: &Context<'_>, day: Date, totals: Totals) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for line in timed_lines(ctx, day) {
        if !codes.contains(&line.procedure_code.as_str()) {
            codes.push(&line.procedure_code);
        }
    }
    let allowed = allowed_units(totals.minutes);
    let mut message = format!(
        "{} timed {} ({}) billed on {day} for {} timed minutes, which support {allowed} {} \
         under the 8-minute rule",
        totals.units,
        plural(totals.units, "unit", "units"),
        codes.join(", "),
        totals.minutes,
        plural(allowed, "unit", "units"),
    );
    let traction = traction_minutes(ctx, day);
    if let Some(traction) = traction.filter(|t| totals.units <= allowed_units(totals.minutes + *t))
    {
        message.push_str(&format!(
            "; traction minutes counted as timed minutes (the {traction} minutes of 97012 \
             would explain the units, but 97012 is untimed and its minutes never count)"
        ));
    }
    message
}

fn plural(count: i64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    /// The clean encounter's 97110 line (2 units) with `minutes` documented.
    fn with_timed_minutes(minutes: Option<i32>) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines[1].minutes = minutes;
        event
    }

    #[test]
    fn fires_on_two_timed_units_for_22_minutes() {
        let event = with_timed_minutes(Some(22));
        assert_eq!(findings_of(&event, "TR-004"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-004"),
            vec![two_units_blaming_traction(22, 15)]
        );
    }

    /// The message for the clean encounter's 2 units of 97110 when `timed` minutes support
    /// 1 unit and `traction` minutes would explain the other.
    fn two_units_blaming_traction(timed: i32, traction: i32) -> String {
        format!(
            "2 timed units (97110) billed on 2026-03-02 for {timed} timed minutes, which support \
             1 unit under the 8-minute rule; traction minutes counted as timed minutes (the \
             {traction} minutes of 97012 would explain the units, but 97012 is untimed and its \
             minutes never count)"
        )
    }

    #[test]
    fn does_not_fire_on_two_timed_units_for_23_minutes() {
        assert_eq!(findings_of(&with_timed_minutes(Some(23)), "TR-004"), vec![]);
    }

    #[test]
    fn one_unit_needs_8_minutes() {
        let mut event = with_timed_minutes(Some(7));
        event.service_lines[1].units = 1;
        assert_eq!(findings_of(&event, "TR-004"), vec![(Error, None)]);
        event.service_lines[1].minutes = Some(8);
        assert_eq!(findings_of(&event, "TR-004"), vec![]);
    }

    #[test]
    fn does_not_blame_traction_minutes_when_they_would_not_explain_the_units() {
        let mut event = with_timed_minutes(Some(10));
        event.service_lines[1].units = 3;
        assert_eq!(
            messages_of(&event, "TR-004"),
            vec![
                "3 timed units (97110) billed on 2026-03-02 for 10 timed minutes, which support \
                 1 unit under the 8-minute rule"
            ]
        );
    }

    #[test]
    fn traction_line_minutes_take_precedence_over_the_documented_duration() {
        // 22 + 15 (record) = 37 would explain 2 units, 22 + 0 (line) would not.
        let mut event = with_timed_minutes(Some(22));
        event.service_lines[0].minutes = Some(0);
        let messages = messages_of(&event, "TR-004");
        assert_eq!(messages.len(), 1);
        assert!(!messages[0].contains("traction minutes counted as timed minutes"));
    }

    #[test]
    fn traction_minutes_are_the_sum_over_the_days_traction_lines_with_minutes() {
        // 20 + (2 + 8) = 30 minutes would explain 2 units; 20 + 2 would not.
        let mut event = with_timed_minutes(Some(20));
        event.service_lines[0].minutes = Some(2);
        event.service_lines.extend([
            line(3, "97012"),
            crate::domain::ServiceLine {
                minutes: Some(8),
                ..line(4, "97012")
            },
            crate::domain::ServiceLine {
                minutes: Some(30),
                date_of_service: date(2026, 3, 4),
                ..line(5, "97012")
            },
        ]);
        assert_eq!(
            messages_of(&event, "TR-004"),
            vec![two_units_blaming_traction(20, 10)]
        );
    }

    #[test]
    fn a_traction_line_without_minutes_does_not_hide_another_one_with_minutes() {
        let mut event = with_timed_minutes(Some(22));
        if let Some(traction) = event.traction.as_mut() {
            traction.duration_minutes = None;
        }
        event.service_lines.push(crate::domain::ServiceLine {
            minutes: Some(5),
            ..line(3, "97012")
        });
        assert_eq!(
            messages_of(&event, "TR-004"),
            vec![two_units_blaming_traction(22, 5)]
        );
    }

    #[test]
    fn uses_the_documented_duration_when_the_traction_line_has_no_minutes() {
        let mut event = with_timed_minutes(Some(22));
        if let Some(traction) = event.traction.as_mut() {
            traction.duration_minutes = None;
        }
        assert_eq!(
            messages_of(&event, "TR-004"),
            vec![
                "2 timed units (97110) billed on 2026-03-02 for 22 timed minutes, which support \
                 1 unit under the 8-minute rule"
            ]
        );
    }

    #[test]
    fn sums_every_timed_line_of_the_day() {
        // 97110 2 units + 97140 1 unit = 3 units; 20 + 17 = 37 minutes allow 2.
        let mut event = with_timed_minutes(Some(20));
        event.service_lines.push(crate::domain::ServiceLine {
            minutes: Some(17),
            ..line(3, "97140")
        });
        assert_eq!(findings_of(&event, "TR-004"), vec![(Error, None)]);
        assert!(messages_of(&event, "TR-004")[0].starts_with(
            "3 timed units (97110, 97140) billed on 2026-03-02 for 37 timed minutes, which \
             support 2 units"
        ));
        event.service_lines[2].minutes = Some(18);
        assert_eq!(findings_of(&event, "TR-004"), vec![]);
    }

    #[test]
    fn cannot_judge_a_day_when_a_timed_line_lacks_minutes() {
        assert_eq!(findings_of(&with_timed_minutes(None), "TR-004"), vec![]);
    }

    #[test]
    fn does_not_fire_without_timed_lines() {
        let mut event = clean_encounter();
        event.service_lines.truncate(1);
        assert_eq!(findings_of(&event, "TR-004"), vec![]);
    }

    #[test]
    fn ignores_untimed_and_non_traction_day_lines() {
        let mut event = clean_encounter();
        // An untimed active code with units and no minutes is not counted.
        event.service_lines.push(crate::domain::ServiceLine {
            units: 3,
            ..line(3, "97150")
        });
        // A timed line on a day without traction is not this rule's business.
        event.service_lines.push(crate::domain::ServiceLine {
            units: 4,
            minutes: Some(10),
            date_of_service: date(2026, 3, 5),
            ..line(4, "97110")
        });
        assert_eq!(findings_of(&event, "TR-004"), vec![]);
    }

    #[test]
    fn fires_once_per_offending_day_in_date_order() {
        let mut event = with_timed_minutes(Some(22));
        // Listed first, but a day earlier: its finding must come first.
        let earlier = date(2026, 2, 27);
        event.service_lines.insert(
            0,
            crate::domain::ServiceLine {
                date_of_service: earlier,
                ..line(3, "97012")
            },
        );
        event.service_lines.push(crate::domain::ServiceLine {
            units: 3,
            minutes: Some(30),
            date_of_service: earlier,
            ..line(4, "97140")
        });
        // A second traction line on 2026-03-02 does not make that day count twice.
        event.service_lines.push(line(5, "97012"));
        let messages = messages_of(&event, "TR-004");
        assert_eq!(
            findings_of(&event, "TR-004"),
            vec![(Error, None), (Error, None)]
        );
        assert!(messages[0].starts_with("3 timed units (97140) billed on 2026-02-27"));
        assert!(messages[1].starts_with("2 timed units (97110) billed on 2026-03-02"));
    }

    #[test]
    fn applies_to_medicare_part_b_and_advantage_only() {
        let event = with_timed_minutes(Some(22));
        assert_eq!(
            findings_by_plan(&event, "TR-004"),
            only_for(
                &[PlanType::MedicarePartB, PlanType::MedicareAdvantage],
                &[(Error, None)]
            )
        );
    }
}
