//! TR-014: Traction performed by an aide. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct PerformedByAide;

static META: RuleMeta = RuleMeta {
    id: "TR-014",
    title: "Traction performed by an aide",
    remediation: "",
    reference: "",
};

impl Rule for PerformedByAide {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
