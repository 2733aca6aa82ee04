//! TR-033: Certification interval longer than 90 days. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct CertificationTooLong;

static META: RuleMeta = RuleMeta {
    id: "TR-033",
    title: "Certification interval longer than 90 days",
    remediation: "",
    reference: "",
};

impl Rule for CertificationTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
