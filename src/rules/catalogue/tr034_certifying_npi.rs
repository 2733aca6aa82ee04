//! TR-034: No referring or certifying NPI. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct NoCertifyingNpi;

static META: RuleMeta = RuleMeta {
    id: "TR-034",
    title: "No referring or certifying NPI",
    remediation: "",
    reference: "",
};

impl Rule for NoCertifyingNpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
