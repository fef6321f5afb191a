//! The application catalogue of a region and `DescribeApplications`.
//!
//! WorkSpaces' applications are Microsoft's, provided by Amazon (`Owner` `AMAZON`): Office,
//! Visio and Project in their 2019 and 2021 editions, Microsoft 365 Apps (bring your own
//! license: `UNLICENSED`), and Office 2024, still rolling out (`PENDING` outside the first
//! regions). The 2019 editions are `UNINSTALL_ONLY`. The catalogue is the same for every account
//! of a region, as Amazon's are; its ids are [`application_id`]`(region, index)`, the one place
//! an application id is made (another part of the emulator referring to an application calls
//! it too).
//!
//! `DescribeApplications` keeps the applications that pass every member given: `ApplicationIds`,
//! `Owner`, `LicenseType`, and `ComputeTypeNames` / `OperatingSystemNames`, each of which an
//! application passes when it supports any of the values listed (the service documents the
//! member as "the compute types supported by the applications" and no more). Unknown ids are
//! left out. `MaxResults` a page, 25 by default.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::seed::{fnv1a, id9};

const DEFAULT_LIMIT: i64 = 25;
/// The owner of every application of the catalogue.
pub const AMAZON: &str = "AMAZON";
const SALT_APPLICATION: u64 = 0xA991_0001;
/// Where Office 2024 is already `AVAILABLE`; elsewhere it is `PENDING`.
const OFFICE_2024_REGIONS: &[&str] = &["us-east-1", "us-west-2", "eu-west-1"];

/// `WorkSpaceApplication`, in its wire form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Application {
    /// `wsa-` and nine characters of `[0-9a-z]`: [`application_id`].
    pub application_id: String,
    /// When Amazon added it, epoch seconds.
    pub created: f64,
    /// What it is.
    pub description: String,
    /// `LICENSED` (license included) or `UNLICENSED` (bring your own).
    pub license_type: &'static str,
    /// Its name.
    pub name: &'static str,
    /// `AMAZON`.
    pub owner: &'static str,
    /// `AVAILABLE`, `PENDING` or `UNINSTALL_ONLY`.
    pub state: &'static str,
    /// The compute types it can be installed on.
    pub supported_compute_type_names: Vec<&'static str>,
    /// The operating systems it can be installed on.
    pub supported_operating_system_names: Vec<&'static str>,
}

/// Compute types with the memory and disk an Office-class application needs.
const OFFICE_COMPUTE: &[&str] = &[
    "STANDARD",
    "PERFORMANCE",
    "POWER",
    "POWERPRO",
    "GENERALPURPOSE_4XLARGE",
    "GENERALPURPOSE_8XLARGE",
    "GRAPHICS_G4DN",
    "GRAPHICSPRO_G4DN",
];
/// Compute types Microsoft 365 Apps runs on: `VALUE` too.
const M365_COMPUTE: &[&str] = &[
    "VALUE",
    "STANDARD",
    "PERFORMANCE",
    "POWER",
    "POWERPRO",
    "GENERALPURPOSE_4XLARGE",
    "GENERALPURPOSE_8XLARGE",
    "GRAPHICS_G4DN",
    "GRAPHICSPRO_G4DN",
];
const WINDOWS_2021: &[&str] = &[
    "WINDOWS_10",
    "WINDOWS_11",
    "WINDOWS_SERVER_2019",
    "WINDOWS_SERVER_2022",
];
const WINDOWS_2019: &[&str] = &["WINDOWS_10", "WINDOWS_SERVER_2016", "WINDOWS_SERVER_2019"];
const WINDOWS_2024: &[&str] = &["WINDOWS_11", "WINDOWS_SERVER_2022", "WINDOWS_SERVER_2025"];

/// One application of the catalogue: name, license type, state (before the regional rollout of
/// Office 2024), compute types, operating systems, and when Amazon added it.
struct Entry {
    name: &'static str,
    license_type: &'static str,
    state: &'static str,
    compute: &'static [&'static str],
    systems: &'static [&'static str],
    created: f64,
}

const CATALOGUE: &[Entry] = &[
    Entry {
        name: "Microsoft Office LTSC Professional Plus 2021 (64-bit)",
        license_type: "LICENSED",
        state: "AVAILABLE",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2021,
        created: 1_664_582_400.0,
    },
    Entry {
        name: "Microsoft Office LTSC Professional Plus 2021 (32-bit)",
        license_type: "LICENSED",
        state: "AVAILABLE",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2021,
        created: 1_664_582_400.0,
    },
    Entry {
        name: "Microsoft Visio LTSC Professional 2021",
        license_type: "LICENSED",
        state: "AVAILABLE",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2021,
        created: 1_667_260_800.0,
    },
    Entry {
        name: "Microsoft Project Professional 2021",
        license_type: "LICENSED",
        state: "AVAILABLE",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2021,
        created: 1_667_260_800.0,
    },
    Entry {
        name: "Microsoft 365 Apps for enterprise",
        license_type: "UNLICENSED",
        state: "AVAILABLE",
        compute: M365_COMPUTE,
        systems: WINDOWS_2021,
        created: 1_672_531_200.0,
    },
    Entry {
        name: "Microsoft Office Professional Plus 2019",
        license_type: "LICENSED",
        state: "UNINSTALL_ONLY",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2019,
        created: 1_609_459_200.0,
    },
    Entry {
        name: "Microsoft Visio Professional 2019",
        license_type: "LICENSED",
        state: "UNINSTALL_ONLY",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2019,
        created: 1_609_459_200.0,
    },
    Entry {
        name: "Microsoft Project Professional 2019",
        license_type: "LICENSED",
        state: "UNINSTALL_ONLY",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2019,
        created: 1_609_459_200.0,
    },
    Entry {
        name: "Microsoft Office LTSC Professional Plus 2024 (64-bit)",
        license_type: "LICENSED",
        state: "AVAILABLE",
        compute: OFFICE_COMPUTE,
        systems: WINDOWS_2024,
        created: 1_759_276_800.0,
    },
];

/// The index of Office 2024 in the catalogue, which rolls out region by region.
const OFFICE_2024: usize = 8;

/// The id of the catalogue's `index`th application in `region`: `wsa-` and nine characters,
/// unique per region, the same in every account. Every application id of the emulator is made
/// here.
pub fn application_id(region: &str, index: usize) -> String {
    format!(
        "wsa-{}",
        id9(fnv1a(region.as_bytes()) ^ SALT_APPLICATION, index as u64)
    )
}

/// The applications of `region`, in the order `DescribeApplications` lists them.
pub fn application_catalogue(region: &str) -> Vec<Application> {
    CATALOGUE
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let rolling_out = index == OFFICE_2024 && !OFFICE_2024_REGIONS.contains(&region);
            Application {
                application_id: application_id(region, index),
                created: entry.created,
                description: format!("{}, provided by Amazon WorkSpaces", entry.name),
                license_type: entry.license_type,
                name: entry.name,
                owner: AMAZON,
                state: if rolling_out { "PENDING" } else { entry.state },
                supported_compute_type_names: entry.compute.to_vec(),
                supported_operating_system_names: entry.systems.to_vec(),
            }
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    applications: Vec<&'a Application>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `DescribeApplications`.
pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("ApplicationIds")?;
    let compute = request.strings("ComputeTypeNames")?;
    let license = request.string("LicenseType")?;
    let systems = request.strings("OperatingSystemNames")?;
    let owner = request.string("Owner")?;
    let limit = request.integer("MaxResults")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let supports_any = |wanted: &Option<Vec<&str>>, supported: &[&str]| {
        wanted
            .as_ref()
            .is_none_or(|wanted| wanted.iter().any(|w| supported.contains(w)))
    };
    let catalogue = application_catalogue(call.region);
    let (applications, next_token) = pager.page(&catalogue, limit as usize, |a| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&a.application_id.as_str()))
            && owner.is_none_or(|o| o == a.owner)
            && license.is_none_or(|l| l == a.license_type)
            && supports_any(&compute, &a.supported_compute_type_names)
            && supports_any(&systems, &a.supported_operating_system_names)
    });
    Structure::computed(&Output {
        applications,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::model::workspaces;
    use crate::operations::answer;

    const REGION: &str = "us-east-1";

    fn names(body: Value, region: &str) -> Result<Vec<String>, String> {
        let fleet = Fleet::seeded(1, &[region], 2);
        let call = Call::new(region, "DescribeApplications", &body, &fleet);
        let output = answer(&call).map_err(|e| e.code.to_string())?;
        Ok(output["Applications"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["Name"].as_str().map(String::from))
            .collect())
    }

    #[test]
    fn the_catalogue_satisfies_the_model_and_ids_are_per_region() {
        let model = workspaces();
        let here = application_catalogue(REGION);
        let there = application_catalogue("ap-southeast-2");
        for application in here.iter().chain(&there) {
            assert!(
                model
                    .string("WorkSpaceApplicationId")
                    .matches(&application.application_id)
            );
            for compute in &application.supported_compute_type_names {
                assert!(model.string("Compute").matches(compute), "{compute}");
            }
            for system in &application.supported_operating_system_names {
                assert!(
                    model.string("OperatingSystemName").matches(system),
                    "{system}"
                );
            }
        }
        assert_ne!(here[0].application_id, there[0].application_id);
        assert_eq!(here[0].application_id, application_id(REGION, 0));
        assert_eq!(here[OFFICE_2024].state, "AVAILABLE");
        assert_eq!(there[OFFICE_2024].state, "PENDING");
        let ids: std::collections::BTreeSet<&str> =
            here.iter().map(|a| a.application_id.as_str()).collect();
        assert_eq!(ids.len(), CATALOGUE.len());
    }

    #[test]
    fn every_member_filters_and_lists_match_any_value() {
        let all = names(json!({}), REGION).expect("answers");
        assert_eq!(all.len(), CATALOGUE.len());
        let byol = names(json!({"LicenseType": "UNLICENSED"}), REGION).expect("answers");
        assert_eq!(byol, ["Microsoft 365 Apps for enterprise"]);
        let value = names(json!({"ComputeTypeNames": ["VALUE"]}), REGION).expect("answers");
        assert_eq!(value, byol, "only Microsoft 365 Apps runs on VALUE");
        let either =
            names(json!({"ComputeTypeNames": ["VALUE", "POWER"]}), REGION).expect("answers");
        assert_eq!(either, all);
        let server_2016 = names(
            json!({"OperatingSystemNames": ["WINDOWS_SERVER_2016"]}),
            REGION,
        )
        .expect("answers");
        assert_eq!(server_2016.len(), 3);
        assert!(
            names(json!({"Owner": "123456789012"}), REGION)
                .expect("answers")
                .is_empty()
        );
        assert_eq!(
            names(json!({"Owner": "AMAZON"}), REGION).expect("answers"),
            all
        );
        let id = application_id(REGION, 2);
        let one = names(json!({"ApplicationIds": [id, "wsa-000000000"]}), REGION).expect("answers");
        assert_eq!(one, ["Microsoft Visio LTSC Professional 2021"]);
        let none = names(
            json!({"ApplicationIds": [id], "LicenseType": "UNLICENSED"}),
            REGION,
        );
        assert_eq!(none, Ok(vec![]));
    }

    #[test]
    fn pages_follow_max_results_and_invalid_members_are_rejected() {
        let fleet = Fleet::seeded(1, &[REGION], 2);
        let body = json!({"MaxResults": 4});
        let output =
            answer(&Call::new(REGION, "DescribeApplications", &body, &fleet)).expect("page");
        assert_eq!(output["Applications"].as_array().map(Vec::len), Some(4));
        let token = output["NextToken"].as_str().expect("more").to_string();
        let body = json!({"MaxResults": 25, "NextToken": token});
        let output =
            answer(&Call::new(REGION, "DescribeApplications", &body, &fleet)).expect("rest");
        assert_eq!(
            output["Applications"].as_array().map(Vec::len),
            Some(CATALOGUE.len() - 4)
        );
        for body in [
            json!({"MaxResults": 26}),
            json!({"ApplicationIds": []}),
            json!({"ApplicationIds": ["wsa-1"]}),
            json!({"LicenseType": "licensed"}),
            json!({"ComputeTypeNames": ["HUGE"]}),
            json!({"Owner": "someone"}),
        ] {
            assert_eq!(
                names(body.clone(), REGION),
                Err("ValidationException".into()),
                "{body}"
            );
        }
    }
}
