//! TR-032: Date of service outside the certified plan. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct OutsideCertification;

static META: RuleMeta = RuleMeta {
    id: "TR-032",
    title: "Date of service outside the certified plan",
    remediation: "",
    reference: "",
};

impl Rule for OutsideCertification {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
