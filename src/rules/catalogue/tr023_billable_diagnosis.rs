//! TR-023: Diagnosis code not billable. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct NonBillableDiagnosis;

static META: RuleMeta = RuleMeta {
    id: "TR-023",
    title: "Diagnosis code not billable",
    remediation: "",
    reference: "",
};

impl Rule for NonBillableDiagnosis {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
