//! TR-025: No supporting diagnosis for traction. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct SupportingDiagnosis;

static META: RuleMeta = RuleMeta {
    id: "TR-025",
    title: "No supporting diagnosis for traction",
    remediation: "",
    reference: "",
};

impl Rule for SupportingDiagnosis {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
