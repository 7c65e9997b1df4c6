//! Labs labdesk can order from (the slugs of API.md) and their collection methods.

use super::string_enum::string_enum;

string_enum!(
    /// A lab slug as the wire spells it.
    LabSlug {
        Ayumetrix => "ayumetrix",
        Spiriplex => "spiriplex",
        Ussl => "ussl",
        Quest => "quest",
        SonoraQuest => "sonora_quest",
        Labcorp => "labcorp",
        Bioreference => "bioreference",
        UsBiotek => "us_biotek",
        Manual => "manual",
        Sanocardio => "sanocardio",
        Ihd => "ihd",
        Nexus => "nexus",
        MyUti => "my_uti",
        Crl => "crl",
        Mtl => "mtl",
    }
);

string_enum!(
    CollectionMethod {
        Testkit => "testkit",
        WalkInTest => "walk_in_test",
        AtHomePhlebotomy => "at_home_phlebotomy",
        OnSiteCollection => "on_site_collection",
    }
);

string_enum!(
    SampleType {
        DriedBloodSpot => "dried_blood_spot",
        ArmCollector => "arm_collector",
        Serum => "serum",
        Saliva => "saliva",
        Urine => "urine",
        Stool => "stool",
    }
);

string_enum!(
    LabTestStatus {
        Active => "active",
        PendingApproval => "pending_approval",
        Inactive => "inactive",
    }
);

impl LabSlug {
    /// The name people know the lab by.
    pub fn display_name(self) -> &'static str {
        match self {
            LabSlug::Ayumetrix => "Ayumetrix",
            LabSlug::Spiriplex => "Spiriplex",
            LabSlug::Ussl => "USSL",
            LabSlug::Quest => "Quest Diagnostics",
            LabSlug::SonoraQuest => "Sonora Quest",
            LabSlug::Labcorp => "Labcorp",
            LabSlug::Bioreference => "BioReference",
            LabSlug::UsBiotek => "US BioTek",
            LabSlug::Manual => "Manual",
            LabSlug::Sanocardio => "SanoCardio",
            LabSlug::Ihd => "IHD",
            LabSlug::Nexus => "Nexus",
            LabSlug::MyUti => "My UTI",
            LabSlug::Crl => "CRL",
            LabSlug::Mtl => "MTL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_round_trips_through_its_wire_spelling() {
        for slug in LabSlug::ALL {
            assert_eq!(slug.as_str().parse::<LabSlug>(), Ok(*slug));
        }
    }

    #[test]
    fn unknown_slug_is_refused_with_the_known_ones_listed() {
        let err = "acme".parse::<LabSlug>().unwrap_err();
        assert!(err.contains("'acme'") && err.contains("quest"), "{err}");
    }
}
