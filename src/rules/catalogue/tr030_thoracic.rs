//! TR-030: Thoracic traction. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct ThoracicTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-030",
    title: "Thoracic traction",
    remediation: "",
    reference: "",
};

impl Rule for ThoracicTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
