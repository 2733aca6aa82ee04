//! TR-029: Diagnosis region does not match traction region. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct RegionMismatch;

static META: RuleMeta = RuleMeta {
    id: "TR-029",
    title: "Diagnosis region does not match traction region",
    remediation: "",
    reference: "",
};

impl Rule for RegionMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
