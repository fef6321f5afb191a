//! `workspaces_client_branding`: `DescribeClientBranding` as a table, one row per directory and
//! device type with sign-in page branding.
//!
//! The operation answers one directory (its required `ResourceId`) with a member per device
//! type (`DeviceTypeWindows`, ..., `DeviceTypeWeb`), present only for the device types that are
//! branded; the table makes each a row named by `device_type`, the model's `ClientDeviceType`
//! value. iOS has two more logos than the others. The directories come from a predicate or a
//! join on `resource_id`, else from `workspaces_directories`, listed first; one call each, a few
//! at a time. A directory that is gone has no branding.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `resource_id =`, `IN (...)`, OR-chains | `ResourceId`, one call each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `resource_id` (this table on the probe side) | the build side's values, as for `resource_id IN (...)` | exact |
//! | no predicate or join on `resource_id` | `DescribeWorkspaceDirectories` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::operation::describe_client_branding::DescribeClientBrandingOutput;
use aws_sdk_workspaces::types::{DefaultClientBrandingAttributes, IosClientBrandingAttributes};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::directories::Directories;
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_directory_id;

const OPERATION: &str = "DescribeClientBranding";

const RESOURCE_ID: Pushable = Pushable::new(
    "resource_id",
    is_directory_id,
    "`ResourceId`, one call each",
    "d-1234567890",
);

/// `DescribeClientBranding`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ClientBranding;

/// The branding of one device type of one directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct BrandingRow {
    /// The request's `ResourceId`.
    pub resource_id: String,
    /// The answer's member, as a `ClientDeviceType` value (`DeviceTypeWindows`).
    pub device_type: &'static str,
    /// `LogoUrl`.
    pub logo_url: Option<String>,
    /// `Logo2xUrl` (iOS).
    pub logo2x_url: Option<String>,
    /// `Logo3xUrl` (iOS).
    pub logo3x_url: Option<String>,
    /// `SupportEmail`.
    pub support_email: Option<String>,
    /// `SupportLink`.
    pub support_link: Option<String>,
    /// `ForgotPasswordLink`.
    pub forgot_password_link: Option<String>,
    /// `LoginMessage`, by locale.
    pub login_message: Option<HashMap<String, String>>,
}

impl BrandingRow {
    fn default_attributes(
        resource_id: &str,
        device_type: &'static str,
        a: DefaultClientBrandingAttributes,
    ) -> Self {
        Self {
            resource_id: resource_id.to_string(),
            device_type,
            logo_url: a.logo_url,
            support_email: a.support_email,
            support_link: a.support_link,
            forgot_password_link: a.forgot_password_link,
            login_message: a.login_message,
            ..Self::default()
        }
    }

    fn ios_attributes(resource_id: &str, a: IosClientBrandingAttributes) -> Self {
        Self {
            resource_id: resource_id.to_string(),
            device_type: "DeviceTypeIos",
            logo_url: a.logo_url,
            logo2x_url: a.logo2x_url,
            logo3x_url: a.logo3x_url,
            support_email: a.support_email,
            support_link: a.support_link,
            forgot_password_link: a.forgot_password_link,
            login_message: a.login_message,
        }
    }
}

/// The rows of one answer, in the model's order of device types.
fn rows(resource_id: &str, output: DescribeClientBrandingOutput) -> Vec<BrandingRow> {
    let default = |device_type, attributes: Option<DefaultClientBrandingAttributes>| {
        attributes.map(|a| BrandingRow::default_attributes(resource_id, device_type, a))
    };
    [
        default("DeviceTypeWindows", output.device_type_windows),
        default("DeviceTypeOsx", output.device_type_osx),
        default("DeviceTypeAndroid", output.device_type_android),
        output
            .device_type_ios
            .map(|a| BrandingRow::ios_attributes(resource_id, a)),
        default("DeviceTypeLinux", output.device_type_linux),
        default("DeviceTypeWeb", output.device_type_web),
    ]
    .into_iter()
    .flatten()
    .collect()
}

static COLUMNS: LazyLock<Columns<BrandingRow>> = LazyLock::new(|| {
    type B = BrandingRow;
    Columns::new(
        OPERATION,
        |b: &B| Some(b.resource_id.as_str()),
        vec![
            ColumnDef::text("resource_id", |b: &B| Some(b.resource_id.as_str()))
                .not_null()
                .about("The directory (the request's ResourceId)."),
            ColumnDef::text("device_type", |b: &B| Some(b.device_type))
                .not_null()
                .about(
                    "The device type the branding is for, as the model's ClientDeviceType \
                     names it: DeviceTypeWindows, DeviceTypeOsx, DeviceTypeAndroid, \
                     DeviceTypeIos, DeviceTypeLinux or DeviceTypeWeb (the answer's member).",
                ),
            ColumnDef::text("logo_url", |b: &B| b.logo_url.as_deref()),
            ColumnDef::text("logo2x_url", |b: &B| b.logo2x_url.as_deref()).about(
                "iOS only: the @2x logo (IosClientBrandingAttributes.Logo2xUrl); NULL for the \
                 other device types.",
            ),
            ColumnDef::text("logo3x_url", |b: &B| b.logo3x_url.as_deref()).about(
                "iOS only: the @3x logo (IosClientBrandingAttributes.Logo3xUrl); NULL for the \
                 other device types.",
            ),
            ColumnDef::text("support_email", |b: &B| b.support_email.as_deref()),
            ColumnDef::text("support_link", |b: &B| b.support_link.as_deref()),
            ColumnDef::text("forgot_password_link", |b: &B| {
                b.forgot_password_link.as_deref()
            }),
            ColumnDef::map("login_message", |b: &B| {
                b.login_message.as_ref().map(|messages| {
                    messages
                        .iter()
                        .map(|(locale, text)| (locale.as_str(), Some(text.as_str())))
                        .collect()
                })
            }),
        ],
    )
});

/// The parameters of one `DescribeClientBranding` call: one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BrandingRequest {
    /// `ResourceId`.
    pub resource_id: String,
}

impl fmt::Display for BrandingRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ResourceId: {}}}", self.resource_id)
    }
}

impl DescribeTable for ClientBranding {
    type Item = BrandingRow;
    type Request = BrandingRequest;
    const NAME: &'static str = "workspaces_client_branding";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "DefaultClientBrandingAttributes";
    const ROW: &'static str = "one row per directory and device type with sign-in branding";
    const PUSHABLE: &'static [Pushable] = &[RESOURCE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["resource_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Directories>(
            "resource_id",
            "directory_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<BrandingRequest> {
        let ids = restrictions
            .values(RESOURCE_ID.column)
            .into_iter()
            .flatten();
        ids.map(|resource_id| BrandingRequest {
            resource_id: resource_id.clone(),
        })
        .collect()
    }

    fn pages(
        api: &TargetApi,
        request: BrandingRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        // Not paged: the one answer is the chain's only page.
        none_when_gone(api.paginate(OPERATION, parameters, move |client, _| {
            let resource_id = request.resource_id.clone();
            client
                .describe_client_branding()
                .resource_id(&resource_id)
                .send()
                .map_ok(move |output| Page::from_response(Some(rows(&resource_id, output)), None))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn each_branded_device_type_is_a_row() {
        let attributes = |logo: &str| {
            DefaultClientBrandingAttributes::builder()
                .logo_url(logo)
                .login_message("en_US", "hello")
                .build()
        };
        let output = DescribeClientBrandingOutput::builder()
            .device_type_web(attributes("https://x.example.com/web.png"))
            .device_type_windows(attributes("https://x.example.com/win.png"))
            .device_type_ios(
                IosClientBrandingAttributes::builder()
                    .logo_url("https://x.example.com/ios.png")
                    .logo3x_url("https://x.example.com/ios@3x.png")
                    .build(),
            )
            .build();
        let rows = rows("d-1234567890", output);
        let devices: Vec<&str> = rows.iter().map(|r| r.device_type).collect();
        assert_eq!(
            devices,
            ["DeviceTypeWindows", "DeviceTypeIos", "DeviceTypeWeb"]
        );
        assert_eq!(
            rows[1].logo3x_url.as_deref(),
            Some("https://x.example.com/ios@3x.png")
        );
        assert!(rows[0].logo3x_url.is_none());
        assert!(rows.iter().all(|r| r.resource_id == "d-1234567890"));
        assert!(
            super::rows(
                "d-1234567890",
                DescribeClientBrandingOutput::builder().build()
            )
            .is_empty()
        );
    }

    #[test]
    fn one_call_per_directory() {
        let r = ClientBranding::rules().fold(
            &[col("resource_id").in_list(vec![lit("wsd-bbbbbbbb"), lit("d-aaaaaaaaaa")], false)],
            None,
        );
        let got: Vec<String> = ClientBranding::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            ["{ResourceId: d-aaaaaaaaaa}", "{ResourceId: wsd-bbbbbbbb}"]
        );
        assert!(
            ClientBranding::rules()
                .fold(&[col("resource_id").eq(lit("d-XYZ"))], None)
                .matches_nothing
        );
    }
}
