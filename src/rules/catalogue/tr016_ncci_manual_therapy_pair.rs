//! TR-016: 97012 with 97140 without a distinct-service modifier. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct ManualTherapyPair;

static META: RuleMeta = RuleMeta {
    id: "TR-016",
    title: "97012 with 97140 without a distinct-service modifier",
    remediation: "",
    reference: "",
};

impl Rule for ManualTherapyPair {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
