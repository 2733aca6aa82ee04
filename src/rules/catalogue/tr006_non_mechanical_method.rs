//! TR-006: Traction method that is not 97012. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct NonMechanicalMethod;

static META: RuleMeta = RuleMeta {
    id: "TR-006",
    title: "Traction method that is not 97012",
    remediation: "",
    reference: "",
};

impl Rule for NonMechanicalMethod {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
