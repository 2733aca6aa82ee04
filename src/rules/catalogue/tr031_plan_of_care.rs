//! TR-031: No certified plan of care. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct NoCertifiedPlan;

static META: RuleMeta = RuleMeta {
    id: "TR-031",
    title: "No certified plan of care",
    remediation: "",
    reference: "",
};

impl Rule for NoCertifiedPlan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
