//! Labs and a small test catalogue per lab.
use serde_json::json;

use crate::db::lab_tests::{self, LabRow, LabTestRow};
use crate::db::DbConnection;
use crate::domain::lab::{CollectionMethod, LabSlug, LabTestStatus, SampleType};
use crate::error::AppError;

struct LabSeed {
    slug: LabSlug,
    id: i32,
    address: (&'static str, &'static str, &'static str),
    methods: &'static [&'static str],
    samples: &'static [&'static str],
}

const LABS: &[LabSeed] = &[
    LabSeed {
        slug: LabSlug::Quest,
        id: 1,
        address: ("500 Plaza Dr", "Secaucus", "07094"),
        methods: &["walk_in_test", "at_home_phlebotomy"],
        samples: &["serum", "urine"],
    },
    LabSeed {
        slug: LabSlug::Labcorp,
        id: 2,
        address: ("358 S Main St", "Burlington", "27215"),
        methods: &["walk_in_test", "at_home_phlebotomy"],
        samples: &["serum", "urine"],
    },
    LabSeed {
        slug: LabSlug::Bioreference,
        id: 3,
        address: ("481 Edward H Ross Dr", "Elmwood Park", "07407"),
        methods: &["walk_in_test", "at_home_phlebotomy"],
        samples: &["serum"],
    },
    LabSeed {
        slug: LabSlug::SonoraQuest,
        id: 4,
        address: ("424 S 56th St", "Tempe", "85281"),
        methods: &["walk_in_test"],
        samples: &["serum", "urine"],
    },
    LabSeed {
        slug: LabSlug::Spiriplex,
        id: 5,
        address: ("1 Testkit Way", "Austin", "73301"),
        methods: &["testkit"],
        samples: &["dried_blood_spot", "saliva"],
    },
];

/// (name, slug, unit)
type Marker = (&'static str, &'static str, &'static str);

/// (lab, slug, name, sample type, method, markers)
type TestSeed = (
    LabSlug,
    &'static str,
    &'static str,
    SampleType,
    CollectionMethod,
    &'static [Marker],
);

const TESTS: &[TestSeed] = &[
    (
        LabSlug::Quest,
        "quest-lipid-panel",
        "Lipid Panel",
        SampleType::Serum,
        CollectionMethod::WalkInTest,
        &[
            ("Total cholesterol", "cholesterol-total", "mg/dL"),
            ("HDL cholesterol", "hdl", "mg/dL"),
            ("LDL cholesterol", "ldl", "mg/dL"),
            ("Triglycerides", "triglycerides", "mg/dL"),
        ],
    ),
    (
        LabSlug::Quest,
        "quest-cmp",
        "Comprehensive Metabolic Panel",
        SampleType::Serum,
        CollectionMethod::WalkInTest,
        &[
            ("Glucose", "glucose", "mg/dL"),
            ("Creatinine", "creatinine", "mg/dL"),
            ("Sodium", "sodium", "mmol/L"),
        ],
    ),
    (
        LabSlug::Labcorp,
        "labcorp-hba1c",
        "Hemoglobin A1c",
        SampleType::Serum,
        CollectionMethod::WalkInTest,
        &[("Hemoglobin A1c", "hba1c", "%")],
    ),
    (
        LabSlug::Labcorp,
        "labcorp-tsh",
        "Thyroid Stimulating Hormone",
        SampleType::Serum,
        CollectionMethod::AtHomePhlebotomy,
        &[("TSH", "tsh", "uIU/mL")],
    ),
    (
        LabSlug::Bioreference,
        "bioref-cbc",
        "Complete Blood Count",
        SampleType::Serum,
        CollectionMethod::WalkInTest,
        &[
            ("White blood cells", "wbc", "x10E3/uL"),
            ("Hemoglobin", "hemoglobin", "g/dL"),
            ("Platelets", "platelets", "x10E3/uL"),
        ],
    ),
    (
        LabSlug::SonoraQuest,
        "sonora-vitamin-d",
        "Vitamin D, 25-Hydroxy",
        SampleType::Serum,
        CollectionMethod::WalkInTest,
        &[("Vitamin D 25-OH", "vitamin-d", "ng/mL")],
    ),
    (
        LabSlug::Spiriplex,
        "spiriplex-cortisol",
        "Cortisol (saliva)",
        SampleType::Saliva,
        CollectionMethod::Testkit,
        &[("Cortisol", "cortisol", "ug/dL")],
    ),
];

pub fn seed_labs(conn: &mut DbConnection) -> Result<(), AppError> {
    for lab in LABS {
        lab_tests::upsert_lab(
            conn,
            &LabRow {
                slug: lab.slug,
                id: lab.id,
                name: lab.slug.display_name().to_string(),
                first_line_address: lab.address.0.to_string(),
                city: lab.address.1.to_string(),
                zipcode: lab.address.2.to_string(),
                collection_methods: json!(lab.methods).to_string(),
                sample_types: json!(lab.samples).to_string(),
            },
        )?;
    }
    Ok(())
}

/// Adds the demo catalogue unless the lab already has tests.
pub fn seed_tests(conn: &mut DbConnection) -> Result<(), AppError> {
    for (i, (lab, slug, name, sample, method, markers)) in TESTS.iter().enumerate() {
        let existing = lab_tests::list_tests(conn, Some(*lab))?;
        if existing.iter().any(|t| t.slug == *slug) {
            continue;
        }
        let markers: Vec<serde_json::Value> = markers
            .iter()
            .enumerate()
            .map(|(j, (n, s, unit))| json!({"id": (i * 10 + j + 1), "name": n, "slug": s, "type": "biomarker", "unit": unit}))
            .collect();
        lab_tests::insert_test(
            conn,
            &LabTestRow {
                id: crate::domain::ids::LabTestId::new(),
                lab_slug: *lab,
                slug: slug.to_string(),
                name: name.to_string(),
                sample_type: *sample,
                method: *method,
                price: 0.0,
                status: LabTestStatus::Active,
                markers: json!(markers).to_string(),
                created_at: crate::db::now(),
            },
        )?;
    }
    Ok(())
}
