//! TR-038: Traction without active care on the day. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct NoActiveProcedure;

static META: RuleMeta = RuleMeta {
    id: "TR-038",
    title: "Traction without active care on the day",
    remediation: "",
    reference: "",
};

impl Rule for NoActiveProcedure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
