//! TR-002: More than one 97012 line on one date of service. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct SecondTractionLineSameDay;

static META: RuleMeta = RuleMeta {
    id: "TR-002",
    title: "More than one 97012 line on one date of service",
    remediation: "",
    reference: "",
};

impl Rule for SecondTractionLineSameDay {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
