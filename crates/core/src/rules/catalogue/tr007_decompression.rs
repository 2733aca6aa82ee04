//! TR-007: a decompression table is not ordinary traction. Medicare does not cover
//! vertebral axial decompression (NCD 124) and many commercial payers treat the devices as
//! experimental however they are coded, so a 97012 line fails when the traction record
//! names a decompression method or a known decompression device.
//!
//! `device_name` is free text: it is searched for the pack's keywords (`idd` and `dts` only
//! where no letter stands directly before or after them, so "Kidd" is not IDD), never
//! copied into the message; only the keyword that matched is named.

use std::fmt;

use crate::rules::prelude::*;

pub struct Decompression;

static META: RuleMeta = RuleMeta {
    id: "TR-007",
    title: "Decompression device billed as 97012",
    remediation: "Do not bill spinal decompression as 97012: Medicare does not cover it (give \
                  the patient an ABN before the service), and other payers' decompression \
                  policies decide whether and how it is billed (often non-covered, some accept \
                  S9090).",
    reference: "NCD 160.16 (id 124) Vertebral Axial Decompression; Aetna CPB 0180; Cigna \
                CPG275",
};

impl Rule for Decompression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(traction) = ctx.billed_traction() else {
            return;
        };
        let cause = if traction.method == TractionMethod::DecompressionDevice {
            Cause::Method
        } else if let Some(keyword) = traction
            .device_name
            .as_deref()
            .and_then(|name| ctx.pack.procedures.decompression_keyword(name))
        {
            Cause::Keyword(keyword)
        } else {
            return;
        };
        for line in ctx.traction_lines() {
            out.line(
                line.line_number,
                format!(
                    "97012 billed on {} for spinal decompression: {cause}; decompression is not \
                     mechanical traction",
                    line.date_of_service
                ),
            );
        }
    }
}

/// Why the traction is taken for decompression.
enum Cause<'a> {
    Method,
    /// The pack keyword found in the device name (never the name itself).
    Keyword(&'a str),
}

impl fmt::Display for Cause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Method => f.write_str("the traction method is a decompression device"),
            Cause::Keyword(keyword) => write!(
                f,
                "the device name matches the decompression device keyword \"{keyword}\""
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{PlanType, TractionMethod};
    use crate::rules::RulePack;
    use crate::testing::*;

    fn with_device(name: &str) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.device_name = Some(name.into());
        }
        event
    }

    #[test]
    fn fires_on_a_drx9000_device_without_naming_the_free_text() {
        let event = with_device("DRX9000 table, room 2");
        assert_eq!(findings_of(&event, "TR-007"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-007"),
            vec![
                "97012 billed on 2026-03-02 for spinal decompression: the device name matches \
                 the decompression device keyword \"drx\"; decompression is not mechanical \
                 traction"
            ]
        );
    }

    #[test]
    fn fires_on_the_decompression_device_method_whatever_the_device() {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.method = TractionMethod::DecompressionDevice;
            traction.device_name = None;
        }
        assert_eq!(findings_of(&event, "TR-007"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-007"),
            vec![
                "97012 billed on 2026-03-02 for spinal decompression: the traction method is a \
                 decompression device; decompression is not mechanical traction"
            ]
        );
    }

    #[test]
    fn matches_every_keyword_in_any_case() {
        for name in [
            "VAX-D Genesis",
            "vaxd",
            "Accu-SPINA",
            "IDD Therapy",
            "Lordex Lumbar",
            "SpineMED",
            "Triton DTS",
            "Spinal DECOMPRESSION table",
        ] {
            assert_eq!(
                findings_of(&with_device(name), "TR-007"),
                vec![(Error, Some(1))],
                "{name}"
            );
        }
    }

    #[test]
    fn does_not_fire_on_an_ordinary_traction_device() {
        assert_eq!(findings_of(&clean_encounter(), "TR-007"), vec![]);
        assert_eq!(
            findings_of(&with_device("Chattanooga Triton"), "TR-007"),
            vec![]
        );
        assert_eq!(findings_of(&with_device("VAX D"), "TR-007"), vec![]);
    }

    #[test]
    fn idd_and_dts_match_only_with_no_letter_directly_before_or_after() {
        for name in [
            "IDD",
            "idd-100",
            "Accu IDD",
            "DTS",
            "Triton DTS2",
            "(dts)",
            "DTS/IDD",
        ] {
            assert_eq!(
                findings_of(&with_device(name), "TR-007"),
                vec![(Error, Some(1))],
                "{name}"
            );
        }
        for name in [
            "Kidd traction table",
            "Middleton cervical unit",
            "Kidd's table",
            "Hiddtsen",
            "adts",
            "dtsx",
            "Éidd",
        ] {
            assert_eq!(findings_of(&with_device(name), "TR-007"), vec![], "{name}");
        }
    }

    #[test]
    fn does_not_fire_without_a_traction_line() {
        let mut event = with_device("DRX9000");
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-007"), vec![]);
    }

    #[test]
    fn fires_on_each_traction_line_for_every_plan_type() {
        let mut event = with_device("drx9000");
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            ..line(3, "97012")
        });
        assert_eq!(
            findings_by_plan(&event, "TR-007"),
            only_for(&PlanType::ALL, &[(Error, Some(1)), (Error, Some(3))])
        );
    }

    #[test]
    fn keyword_search_ignores_ascii_case_and_survives_non_ascii_text() {
        let procedures = RulePack::built_in().procedures;
        let find = |name| procedures.decompression_keyword(name);
        assert_eq!(find("Chattanooga Triton DTS"), Some("dts"));
        assert_eq!(
            find("Décompression DECOMPRESSION table"),
            Some("decompress")
        );
        assert_eq!(find("DRX9000"), Some("drx"));
        assert_eq!(find("ACCU-SPINA"), Some("accu-spina"));
        assert_eq!(find("dt"), None);
        assert_eq!(find("Saunders 3D ActiveTrac"), None);
        // The keyword found at the earliest position wins.
        assert_eq!(find("IDD with a DRX head"), Some("idd"));
        // A rejected word does not hide a keyword that overlaps it.
        assert_eq!(find("Kiddrx"), Some("drx"));
        assert_eq!(find("Kidd and IDD"), Some("idd"));
    }
}
