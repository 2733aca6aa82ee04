//! TR-035: Traction billed without documentation. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct UndocumentedTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-035",
    title: "Traction billed without documentation",
    remediation: "",
    reference: "",
};

impl Rule for UndocumentedTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
