//! TR-028: Traction precaution. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Precaution;

static META: RuleMeta = RuleMeta {
    id: "TR-028",
    title: "Traction precaution",
    remediation: "",
    reference: "",
};

impl Rule for Precaution {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
