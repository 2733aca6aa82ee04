//! The procedure codes the rules name in code rather than in the pack.

/// The traction CPT code: mechanical traction, one unit per date of service.
pub const TRACTION_CODE: &str = "97012";
/// The HCPCS S-code some payers use for decompression; never a Medicare code.
pub const DECOMPRESSION_S_CODE: &str = "S9090";
/// Manual therapy (timed), which includes manual traction.
pub const MANUAL_THERAPY_CODE: &str = "97140";
