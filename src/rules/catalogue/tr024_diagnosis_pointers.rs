//! TR-024: Missing or dangling diagnosis pointer. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct DiagnosisPointers;

static META: RuleMeta = RuleMeta {
    id: "TR-024",
    title: "Missing or dangling diagnosis pointer",
    remediation: "",
    reference: "",
};

impl Rule for DiagnosisPointers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
