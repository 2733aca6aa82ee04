//! TR-009: Mechanical traction documented, only 97140 billed. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct MechanicalWithoutTractionLine;

static META: RuleMeta = RuleMeta {
    id: "TR-009",
    title: "Mechanical traction documented, only 97140 billed",
    remediation: "",
    reference: "",
};

impl Rule for MechanicalWithoutTractionLine {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
