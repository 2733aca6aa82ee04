//! The diagnosis lists of RULES.md as one table. Each row names a list's class flag and its
//! path under `[diagnoses]` in the pack file; the flag constants, the entries the file must
//! have (`file`), their validation and the classification of a code (`model`) all follow
//! from it. Adding a list is one row here, its prefixes in the pack, and the rules that
//! read its flag.

/// The lists of RULES.md a diagnosis code belongs to, as bit flags.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct DiagnosisClass(u32);

/// Declares the flag of each list (bits in row order) and [`DIAGNOSIS_LISTS`].
macro_rules! diagnosis_lists {
    ($($flag:ident = $path:literal,)*) => {
        /// The bit of each list's flag: its row.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        enum Bit {
            $($flag,)*
        }

        impl DiagnosisClass {
            $(
                #[doc = concat!("On the list `diagnoses.", $path, "` of the pack.")]
                pub const $flag: Self = Self(1 << Bit::$flag as u32);
            )*
        }

        /// Every list: its path under `[diagnoses]` and its flag, in row order.
        pub const DIAGNOSIS_LISTS: &[(&str, DiagnosisClass)] =
            &[$(($path, DiagnosisClass::$flag),)*];
    };
}

diagnosis_lists! {
    // List S, by region of the spine.
    SUPPORTING_CERVICAL = "supporting.cervical",
    SUPPORTING_THORACIC = "supporting.thoracic",
    SUPPORTING_LUMBAR = "supporting.lumbar",
    // List W.
    WEAK = "weak",
    // List C.
    MALIGNANCY = "contraindications.malignancy",
    SPINAL_INFECTION = "contraindications.spinal_infection",
    CORD_COMPRESSION = "contraindications.cord_compression",
    INSTABILITY = "contraindications.instability",
    // List C or P by the 7th character (FRACTURE_ACUTE, FRACTURE_HEALING).
    VERTEBRAL_FRACTURE = "vertebral_fracture.prefixes",
    // List C or P by the traction region.
    AORTIC_ANEURYSM = "region_dependent.contraindicated_unless_cervical",
    INFLAMMATORY_SPINE = "region_dependent.contraindicated_if_cervical",
    // List P.
    OSTEOPOROSIS = "precautions.osteoporosis",
    SPINAL_SURGERY = "precautions.spinal_surgery",
    PREGNANCY = "precautions.pregnancy",
    SPONDYLOLYSIS = "precautions.spondylolysis",
    HYPERMOBILITY = "precautions.hypermobility",
    ANTICOAGULANTS = "precautions.anticoagulants",
    CLAUSTROPHOBIA = "precautions.claustrophobia",
}

/// The 7th characters that make a vertebral fracture acute (list C), beside the lists.
pub const FRACTURE_ACUTE: &str = "vertebral_fracture.acute";
/// The 7th characters that make a vertebral fracture healing (list P).
pub const FRACTURE_HEALING: &str = "vertebral_fracture.healing";

// The lists' bits stay below BILLABLE's.
const _: () = assert!(DIAGNOSIS_LISTS.len() < 31);

impl DiagnosisClass {
    pub const NONE: Self = Self(0);
    /// A billable (leaf) code of the bundled ICD-10-CM code set. Set by the context, not
    /// by the pack.
    pub const BILLABLE: Self = Self(1 << 31);

    pub const SUPPORTING: Self =
        Self(Self::SUPPORTING_CERVICAL.0 | Self::SUPPORTING_THORACIC.0 | Self::SUPPORTING_LUMBAR.0);

    /// True when `self` has any of the flags of `other`.
    pub fn has(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Only the flags of `self` that are also in `mask`.
    pub fn only(self, mask: Self) -> Self {
        Self(self.0 & mask.0)
    }
}

impl std::fmt::Debug for DiagnosisClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DiagnosisClass({:#x})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_its_own_flag_and_path() {
        for (i, (path, class)) in DIAGNOSIS_LISTS.iter().enumerate() {
            assert_eq!(*class, DiagnosisClass(1 << i), "{path}");
            let others = &DIAGNOSIS_LISTS[i + 1..];
            assert!(others.iter().all(|(p, _)| p != path), "{path}");
            assert!(![FRACTURE_ACUTE, FRACTURE_HEALING].contains(path), "{path}");
        }
    }
}
