//! TR-041: Home traction equipment on a therapy claim. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct HomeTractionEquipment;

static META: RuleMeta = RuleMeta {
    id: "TR-041",
    title: "Home traction equipment on a therapy claim",
    remediation: "",
    reference: "",
};

impl Rule for HomeTractionEquipment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
