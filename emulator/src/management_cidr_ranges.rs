//! `ListAvailableManagementCidrRanges`: the `/16` ranges within `ManagementCidrRangeConstraint`
//! that the calling account could take as its BYOL management network, in address order,
//! `MaxResults` (at most 5) a page.
//!
//! As the service documents, only an account with BYOL enabled may call it; the others get an
//! `AccessDeniedException`. A range is available when it is a private `/16` (of `10.0.0.0/8`,
//! `172.16.0.0/12` or `192.168.0.0/16`) inside the constraint that the account does not use
//! ([`Byol::ranges_in_use`]: its network's `/16`s and its current management range). A
//! constraint narrower than `/16` holds no `/16`, and answers none.

use serde::Serialize;

use super::api_error::ApiError;
use super::byol::{Byol, cidr16, is_private};
use super::operations::{Call, Structure};
use super::request::Members;

/// `ManagementCidrRangeMaxResults` max, and the page without `MaxResults`.
const DEFAULT_LIMIT: i64 = 5;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    management_cidr_ranges: Vec<&'a String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let constraint = request.string("ManagementCidrRangeConstraint")?;
    let limit = request.integer("MaxResults")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let byol = Byol::of_call(call);
    if !byol.enabled() {
        return Err(ApiError {
            message: "The account is not enabled for BYOL: ListAvailableManagementCidrRanges \
                      can be run only by accounts that are."
                .to_string(),
            ..ApiError::access_denied(call.region)
        });
    }
    // Validated against the model's pattern before the operation runs.
    let Some((network, prefix)) = constraint.and_then(parse_cidr) else {
        return Err(ApiError::invalid_parameter(
            "ManagementCidrRangeConstraint is not an IPv4 CIDR block.",
        ));
    };
    let available: Vec<String> = ranges_within(network, prefix)
        .filter(|range| is_private(*range) && !byol.ranges_in_use.contains(range))
        .map(cidr16)
        .collect();
    let pager = call.pager(next_token)?;
    let (management_cidr_ranges, next_token) = pager.page(&available, limit as usize, |_| true);
    Structure::computed(&Output {
        management_cidr_ranges,
        next_token,
    })
}

/// `a.b.c.d/p` as the address and the prefix length.
fn parse_cidr(text: &str) -> Option<(u32, u32)> {
    let (address, prefix) = text.split_once('/')?;
    let octets: Vec<u8> = address
        .split('.')
        .map(|o| o.parse().ok())
        .collect::<Option<_>>()?;
    let [a, b, c, d] = octets[..] else {
        return None;
    };
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    Some((u32::from_be_bytes([a, b, c, d]), prefix))
}

/// Every `/16` inside `network/prefix`, in address order, as `(first, second)` octets.
fn ranges_within(network: u32, prefix: u32) -> impl Iterator<Item = (u8, u8)> {
    let (first, count) = match prefix {
        0 => (0, 1u32 << 16),
        1..=16 => {
            let top = (network >> 16) & !((1u32 << (16 - prefix)) - 1);
            (top, 1u32 << (16 - prefix))
        }
        _ => (0, 0),
    };
    (first..first + count).map(|top| ((top >> 8) as u8, top as u8))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::operations::answer;
    use crate::{Fleet, Organization};

    const REGION: &str = "us-east-1";

    /// Every available range for `constraint`, page by page of `max`; the pages' sizes.
    fn every_range(fleet: &Fleet, constraint: &str, max: i64) -> (Vec<String>, Vec<usize>) {
        let mut ranges = Vec::new();
        let mut sizes = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"ManagementCidrRangeConstraint": constraint, "MaxResults": max});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let call = Call::new(REGION, "ListAvailableManagementCidrRanges", &body, fleet);
            let output = answer(&call).expect("answers");
            let page: Vec<String> = output["ManagementCidrRanges"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str().map(String::from))
                .collect();
            sizes.push(page.len());
            ranges.extend(page);
            match output["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => return (ranges, sizes),
            }
        }
    }

    #[test]
    fn ranges_are_private_sixteens_inside_the_constraint_not_in_use() {
        let fleet = Fleet::seeded(6, &[REGION], 5);
        let byol = Byol::of(
            &[fleet.account_id()],
            fleet.account_id(),
            REGION,
            fleet.region(REGION),
        );
        let current = byol
            .settings
            .dedicated_tenancy_management_cidr_range
            .clone()
            .expect("a source account has a range");
        let (ranges, sizes) = every_range(&fleet, "10.0.0.0/8", 5);
        let expected: Vec<String> = (0..=255u8)
            .map(|b| (10, b))
            .filter(|r| !byol.ranges_in_use.contains(r))
            .map(cidr16)
            .collect();
        assert_eq!(ranges, expected);
        assert!(!ranges.contains(&current));
        assert!(
            !ranges.contains(&"10.0.0.0/16".to_string()),
            "the fleet's network"
        );
        assert!(sizes.iter().all(|&s| s <= 5) && sizes.len() == ranges.len().div_ceil(5));
        let (every, _) = every_range(&fleet, "0.0.0.0/0", 3);
        assert_eq!(every.len(), ranges.len() + 16 + 1);
        let (narrow, _) = every_range(&fleet, "172.20.7.9/14", 5);
        assert_eq!(
            narrow,
            [
                "172.20.0.0/16",
                "172.21.0.0/16",
                "172.22.0.0/16",
                "172.23.0.0/16"
            ]
        );
        assert!(every_range(&fleet, "10.9.0.0/17", 5).0.is_empty());
        assert!(every_range(&fleet, "8.0.0.0/8", 5).0.is_empty());
    }

    #[test]
    fn accounts_without_byol_are_denied_and_the_constraint_is_required() {
        let org = Organization::seeded(6, 3, &[REGION], 2);
        let body = json!({"ManagementCidrRangeConstraint": "10.0.0.0/8"});
        let pending = Call {
            organization: Some(&org),
            ..Call::new(
                REGION,
                "ListAvailableManagementCidrRanges",
                &body,
                &org.accounts()[2].fleet,
            )
        };
        let error = answer(&pending).expect_err("BYOL disabled");
        assert_eq!(error.code, "AccessDeniedException");
        let fleet = Fleet::seeded(6, &[REGION], 2);
        for body in [
            json!({}),
            json!({"ManagementCidrRangeConstraint": "10.0.0.0/33"}),
            json!({"ManagementCidrRangeConstraint": "10.0.0.0/8", "MaxResults": 6}),
        ] {
            let call = Call::new(REGION, "ListAvailableManagementCidrRanges", &body, &fleet);
            assert_eq!(
                answer(&call).expect_err("invalid").code,
                "ValidationException",
                "{body}"
            );
        }
    }

    #[test]
    fn cidr_blocks_parse_into_their_sixteens() {
        assert_eq!(parse_cidr("10.1.2.3/8"), Some((0x0A01_0203, 8)));
        assert_eq!(parse_cidr("10.1.2/8"), None);
        assert_eq!(ranges_within(0x0A01_0203, 8).count(), 256);
        assert_eq!(
            ranges_within(0x0A01_0203, 16).collect::<Vec<_>>(),
            [(10, 1)]
        );
        assert_eq!(
            ranges_within(0xC0A8_0000, 15).collect::<Vec<_>>(),
            [(192, 168), (192, 169)]
        );
        assert_eq!(ranges_within(0, 24).count(), 0);
        assert_eq!(ranges_within(0, 0).count(), 65_536);
    }
}
