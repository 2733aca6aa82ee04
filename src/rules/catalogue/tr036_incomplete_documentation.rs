//! TR-036: Traction documentation incomplete. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct IncompleteDocumentation;

static META: RuleMeta = RuleMeta {
    id: "TR-036",
    title: "Traction documentation incomplete",
    remediation: "",
    reference: "",
};

impl Rule for IncompleteDocumentation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
