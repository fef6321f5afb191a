//! `DescribeClientBranding`: the sign-in page branding of one directory, per device type; not
//! paged.
//!
//! As the model's documentation says, only device types with branding are answered. The
//! region's first directory is branded, and about half of the others: always for Windows and
//! macOS, for each other device type (iOS, Android, Linux, web) about one time in two. Each
//! branded device type has a logo, either a support email or a support link (the model makes
//! them exclusive), a forgotten-password link, and a login message in English, sometimes also
//! in German and French; iOS also has its @2x and @3x logos. An unknown directory is a
//! `ResourceNotFoundException`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::api_error::ApiError;
use super::fleet::Fleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Directory;
use super::usage::Dice;

const SALT_BRANDED: u64 = 0xB2A4_0001;
const SALT_DEVICE: u64 = 0xB2A4_0002;
const SALT_SUPPORT: u64 = 0xB2A4_0003;
const SALT_LOCALES: u64 = 0xB2A4_0004;

/// Branding of one device type: `DefaultClientBrandingAttributes`, and for iOS
/// `IosClientBrandingAttributes` (with `Logo2xUrl` and `Logo3xUrl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BrandingAttributes {
    /// The logo.
    pub logo_url: String,
    /// The @2x logo (iOS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo2x_url: Option<String>,
    /// The @3x logo (iOS only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo3x_url: Option<String>,
    /// The support email; absent when a support link is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,
    /// The support link; absent when a support email is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support_link: Option<String>,
    /// Where users reset their password.
    pub forgot_password_link: String,
    /// The message on the sign-in page, by locale (`en_US`).
    pub login_message: BTreeMap<String, String>,
}

/// A `DescribeClientBrandingResult`: the branded device types of one directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ClientBranding {
    /// Each branded device type by its member name (`DeviceTypeWindows`, ..., the model's
    /// `ClientDeviceType` values), with its branding.
    #[serde(flatten)]
    pub device_types: BTreeMap<&'static str, BrandingAttributes>,
}

/// The model's `ClientDeviceType` values, which are also the result's member names.
pub const DEVICE_TYPES: &[&str] = &[
    "DeviceTypeWindows",
    "DeviceTypeOsx",
    "DeviceTypeAndroid",
    "DeviceTypeIos",
    "DeviceTypeLinux",
    "DeviceTypeWeb",
];

/// The branding of `directory`, the `position`-th of its region.
fn branding(directory: &Directory, position: usize) -> ClientBranding {
    let id = directory.directory_id.as_str();
    let branded = position == 0 || Dice::of(id, SALT_BRANDED).unit() < 0.5;
    if !branded {
        return ClientBranding::default();
    }
    let company = directory
        .alias
        .as_deref()
        .and_then(|alias| alias.split('-').next())
        .unwrap_or("corp");
    let device_types = DEVICE_TYPES
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 2 || Dice::of(id, SALT_DEVICE).at(*i as i64).unit() < 0.5)
        .map(|(i, &device)| {
            let ios = device == "DeviceTypeIos";
            let logo = |scale: &str| {
                format!("https://branding.example.com/{company}/{device}/logo{scale}.png")
            };
            let by_email = Dice::of(id, SALT_SUPPORT).at(i as i64).unit() < 0.5;
            let mut login_message = BTreeMap::from([(
                "en_US".to_string(),
                format!("Welcome to the {company} desktop. Authorized users only."),
            )]);
            if Dice::of(id, SALT_LOCALES).unit() < 0.4 {
                login_message.insert(
                    "de_DE".to_string(),
                    format!("Willkommen beim {company}-Desktop. Nur für berechtigte Benutzer."),
                );
                login_message.insert(
                    "fr_FR".to_string(),
                    format!(
                        "Bienvenue sur le poste {company}. Réservé aux utilisateurs autorisés."
                    ),
                );
            }
            let attributes = BrandingAttributes {
                logo_url: logo(""),
                logo2x_url: ios.then(|| logo("@2x")),
                logo3x_url: ios.then(|| logo("@3x")),
                support_email: by_email.then(|| format!("it-help@{company}.example.com")),
                support_link: (!by_email)
                    .then(|| format!("https://support.example.com/{company}/workspaces")),
                forgot_password_link: format!("https://sso.example.com/{company}/reset"),
                login_message,
            };
            (device, attributes)
        })
        .collect();
    ClientBranding { device_types }
}

/// The branding of directory `directory_id` of `region` in `fleet`, or `None` when the region
/// has no such directory.
pub fn client_branding_of(
    fleet: &Fleet,
    region: &str,
    directory_id: &str,
) -> Option<ClientBranding> {
    fleet
        .directories(region)
        .iter()
        .position(|d| d.directory_id == directory_id)
        .map(|position| branding(&fleet.directories(region)[position], position))
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let directory_id = request.string("ResourceId")?.unwrap_or_default();
    let branding = client_branding_of(call.fleet, call.region, directory_id)
        .ok_or_else(|| ApiError::not_found("directory", directory_id))?;
    Ok(Structure::new(branding))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeClientBranding", &body, fleet);
        crate::operations::answer(&call)
    }

    #[test]
    fn branded_device_types_follow_the_model() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 1_200);
        let shapes = model::workspaces();
        let mut unbranded = 0;
        let mut ios = 0;
        for (position, directory) in fleet.directories("us-east-1").iter().enumerate() {
            let branding = branding(directory, position);
            if branding.device_types.is_empty() {
                assert_ne!(position, 0, "the first directory is branded");
                unbranded += 1;
                continue;
            }
            assert!(branding.device_types.contains_key("DeviceTypeWindows"));
            for (device, attributes) in &branding.device_types {
                assert!(shapes.string("ClientDeviceType").matches(device));
                assert!(shapes.string("ClientUrl").matches(&attributes.logo_url));
                assert_ne!(
                    attributes.support_email.is_some(),
                    attributes.support_link.is_some()
                );
                if let Some(email) = &attributes.support_email {
                    assert!(shapes.string("ClientEmail").matches(email), "{email}");
                }
                assert_eq!(attributes.logo2x_url.is_some(), *device == "DeviceTypeIos");
                ios += usize::from(attributes.logo3x_url.is_some());
                for locale in attributes.login_message.keys() {
                    assert!(shapes.string("ClientLocale").matches(locale), "{locale}");
                }
            }
        }
        assert!(unbranded > 0 && ios > 0, "{unbranded} unbranded, {ios} iOS");
    }

    #[test]
    fn answers_one_directory_or_not_found() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 30);
        let directory = &fleet.directories("us-east-1")[0];
        let answer = call(&fleet, json!({"ResourceId": directory.directory_id})).expect("ok");
        assert!(
            answer["DeviceTypeWindows"]["LogoUrl"].is_string(),
            "{answer}"
        );
        assert!(
            answer["DeviceTypeOsx"]["LoginMessage"]["en_US"].is_string(),
            "{answer}"
        );
        let err = call(&fleet, json!({"ResourceId": "d-0000000000"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        let err = call(&fleet, json!({"ResourceId": "nope"})).expect_err("invalid");
        assert_eq!(err.code, "ValidationException");
    }
}
