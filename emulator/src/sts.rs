//! STS over awsQuery: `AssumeRole` into the organization's accounts, and `GetCallerIdentity`.
//!
//! `AssumeRole` of `arn:aws:iam::<account>:role/<name>` issues credentials of that account when
//! every one of these holds, and is otherwise `AccessDenied` (HTTP 403) in AWS's words:
//! - the caller is in the management account (the role trusts it, and only it);
//! - the account is in the organization and `ACTIVE`;
//! - its role can be assumed ([`Account::role_assumable`](crate::Account)) and `<name>` is the
//!   organization's role;
//! - the `ExternalId` is the organization's, when it requires one.
//!
//! Members are validated against the model's constraints first (`ValidationError`, HTTP 400).
//! The emulator has no STS model file, so those few constraints are written out here, as the
//! STS model states them, and checked with the validator's own [`StringShape`] and
//! [`Violations`]. The role's maximum session is AWS's default, one hour: a longer
//! `DurationSeconds` is a `ValidationError` as it is for such a role.

use std::sync::LazyLock;

use serde_json::Value;

use super::api_error::ApiError;
use super::model::{Bounds, StringShape};
use super::operations::AccountCall;
use super::query::{answer as query_answer, element};
use super::request::Members;
use super::shapes::timestamp::format_rfc3339;
use super::validate::Violations;
use crate::AccountStatus;

/// STS `arnType` (its pattern admits every printable character).
static ROLE_ARN: LazyLock<StringShape> =
    LazyLock::new(|| StringShape::new(Some(20), Some(2048), None));
/// STS `roleSessionNameType`: `[\w+=,.@-]*`, matched whole and in ASCII as STS does.
static ROLE_SESSION_NAME: LazyLock<StringShape> =
    LazyLock::new(|| StringShape::new(Some(2), Some(64), Some(r"^[A-Za-z0-9_+=,.@-]*$")));
/// STS `externalIdType`: `[\w+=,.@:\/-]*`, matched whole and in ASCII.
static EXTERNAL_ID: LazyLock<StringShape> =
    LazyLock::new(|| StringShape::new(Some(2), Some(1224), Some(r"^[A-Za-z0-9_+=,.@:/-]*$")));
/// STS `roleDurationSecondsType`: 900 to 43200.
const ROLE_DURATION_SECONDS: Bounds<i64> = Bounds {
    min: Some(900),
    max: Some(43_200),
};

/// A role's `MaxSessionDuration` unless set: one hour, also the default `DurationSeconds`.
const MAX_SESSION_SECONDS: i64 = 3600;

/// Answers an STS call.
pub(crate) fn answer(call: &AccountCall<'_>) -> Result<Vec<u8>, ApiError> {
    match call.operation {
        "AssumeRole" => assume_role(call),
        "GetCallerIdentity" => Ok(caller_identity(call)),
        other => Err(ApiError::unknown_operation(other)),
    }
}

/// The account named by an `AssumeRole` call's `RoleArn`, if it is well formed: the account the
/// call is about, for the request log and the in-flight counts.
pub(crate) fn role_account(parameters: &Value) -> Option<&str> {
    let arn = parameters.get("RoleArn")?.as_str()?;
    RoleArn::parse(arn).map(|role| role.account_id)
}

/// `arn:<partition>:iam::<account>:role/<path/><name>`.
#[derive(Debug, PartialEq, Eq)]
struct RoleArn<'a> {
    account_id: &'a str,
    name: &'a str,
}

impl<'a> RoleArn<'a> {
    fn parse(arn: &'a str) -> Option<RoleArn<'a>> {
        let mut parts = arn.splitn(6, ':');
        let (prefix, partition, service, region) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let (account_id, resource) = (parts.next()?, parts.next()?);
        let well_formed = prefix == "arn"
            && partition.starts_with("aws")
            && service == "iam"
            && region.is_empty()
            && account_id.len() == 12
            && account_id.bytes().all(|b| b.is_ascii_digit());
        let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
        (well_formed && !name.is_empty()).then_some(RoleArn { account_id, name })
    }
}

fn assume_role(call: &AccountCall<'_>) -> Result<Vec<u8>, ApiError> {
    let request = Members::of_body(call.body)?;
    let mut violations = Violations::default();
    let mut string = |member: &str, path: &str, shape: &StringShape| {
        let value = request.string(member)?;
        if let Some(value) = value {
            shape.check(&mut violations, path, value);
        }
        Ok::<_, ApiError>(value.map(str::to_string))
    };
    let role_arn = string("RoleArn", "roleArn", &ROLE_ARN)?;
    let session_name = string("RoleSessionName", "roleSessionName", &ROLE_SESSION_NAME)?;
    let external_id = string("ExternalId", "externalId", &EXTERNAL_ID)?;
    let duration = duration_seconds(&request, &mut violations)?;
    violations.required("roleArn", &role_arn);
    violations.required("roleSessionName", &session_name);
    violations.into_result()?;
    let (role_arn, session_name) = (
        role_arn.unwrap_or_default(),
        session_name.unwrap_or_default(),
    );
    let Some(role) = RoleArn::parse(&role_arn) else {
        return Err(ApiError::validation(format!(
            "{role_arn} is not a role ARN: expected arn:aws:iam::<account id>:role/<role name>"
        )));
    };

    let organization = call.organization;
    let denied = || ApiError::assume_role_denied(&call.caller.arn, &role_arn);
    if call.caller.account_id != organization.management().id() {
        return Err(denied());
    }
    let Some(account) = organization.account(role.account_id) else {
        return Err(denied());
    };
    let trusted = account.status == AccountStatus::Active
        && account.role_assumable
        && role.name == organization.role_name()
        && organization
            .external_id()
            .is_none_or(|required| external_id.as_deref() == Some(required));
    if !trusted {
        return Err(denied());
    }
    let duration = duration.unwrap_or(MAX_SESSION_SECONDS);
    if duration > MAX_SESSION_SECONDS {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }

    let expires_at = call.now + duration;
    let issued = call
        .credentials
        .issue(account.id(), role.name, &session_name, expires_at);
    let result = format!(
        "<Credentials>{}{}{}{}</Credentials><AssumedRoleUser>{}{}</AssumedRoleUser>",
        element("AccessKeyId", &issued.access_key_id),
        element("SecretAccessKey", &issued.secret_access_key),
        element("SessionToken", &issued.session_token),
        element("Expiration", &format_rfc3339(expires_at)),
        element("AssumedRoleId", &issued.caller.user_id),
        element("Arn", &issued.caller.arn),
    );
    Ok(query_answer("AssumeRole", &result, call.request_id))
}

/// `DurationSeconds`, an integer in a query string.
fn duration_seconds(
    request: &Members<'_>,
    violations: &mut Violations,
) -> Result<Option<i64>, ApiError> {
    let Some(text) = request.string("DurationSeconds")? else {
        return Ok(None);
    };
    let Ok(seconds) = text.trim().parse::<i64>() else {
        violations.malformed("durationSeconds", text, "an integer");
        return Ok(None);
    };
    violations.range("durationSeconds", seconds, ROLE_DURATION_SECONDS);
    Ok(Some(seconds))
}

fn caller_identity(call: &AccountCall<'_>) -> Vec<u8> {
    let caller = call.caller;
    let result = format!(
        "{}{}{}",
        element("Arn", &caller.arn),
        element("UserId", &caller.user_id),
        element("Account", &caller.account_id),
    );
    query_answer("GetCallerIdentity", &result, call.request_id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::Organization;
    use crate::credentials::{Caller, CredentialStore};
    use crate::paging::TokenFault;
    use crate::query::parameters;
    use crate::shapes::timestamp::parse_rfc3339;

    const NOW: i64 = 1_800_000_000;

    struct Fixture {
        organization: Organization,
        credentials: CredentialStore,
    }

    impl Fixture {
        fn new(organization: Organization) -> Fixture {
            Fixture {
                organization,
                credentials: CredentialStore::default(),
            }
        }

        fn management(&self) -> Caller {
            self.credentials
                .caller(&self.organization, "AKIDSTATIC", None, NOW)
                .expect("static caller")
        }

        fn member(&self, i: usize) -> String {
            self.organization.accounts()[i].id().to_string()
        }

        /// Calls `operation` with `body` (a form) as `caller`: the XML answer or the error.
        fn call(&self, caller: &Caller, body: &str) -> Result<String, ApiError> {
            let body = parameters(body.as_bytes());
            let call = AccountCall {
                operation: body["Action"].as_str().unwrap_or_default(),
                region: "us-east-1",
                body: &body,
                caller,
                organization: &self.organization,
                credentials: &self.credentials,
                token_fault: TokenFault::None,
                request_id: "req-1",
                now: NOW,
            };
            answer(&call).map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        }

        fn assume(&self, caller: &Caller, role_arn: &str, extra: &str) -> Result<String, ApiError> {
            let body = format!(
                "Action=AssumeRole&Version=2011-06-15&RoleSessionName=wsql&RoleArn={role_arn}{extra}"
            );
            self.call(caller, &body)
        }
    }

    fn role(account: &str, name: &str) -> String {
        format!("arn:aws:iam::{account}:role/{name}")
    }

    /// The text of the first `<name>` element.
    fn text<'a>(xml: &'a str, name: &str) -> &'a str {
        let open = format!("<{name}>");
        let start = xml.find(&open).map_or(xml.len(), |i| i + open.len());
        let end = xml[start..].find('<').map_or(xml.len(), |i| start + i);
        &xml[start..end]
    }

    #[test]
    fn the_hand_written_patterns_compile() {
        for shape in [&*ROLE_SESSION_NAME, &*EXTERNAL_ID] {
            let pattern = shape.pattern.as_ref().expect("a pattern");
            assert!(pattern.regex().is_some(), "{}", pattern.source());
        }
        assert!(ROLE_SESSION_NAME.matches("wsql@host"));
        assert!(!ROLE_SESSION_NAME.matches("a b"));
    }

    #[test]
    fn role_arns_parse_with_paths_and_partitions() {
        assert_eq!(
            RoleArn::parse("arn:aws:iam::123456789012:role/ops/OrganizationAccountAccessRole"),
            Some(RoleArn {
                account_id: "123456789012",
                name: "OrganizationAccountAccessRole"
            })
        );
        assert!(RoleArn::parse("arn:aws-us-gov:iam::123456789012:role/R").is_some());
        for bad in [
            "arn:aws:iam::123456789012:user/R",
            "arn:aws:iam::12345678901:role/R",
            "arn:aws:iam:us-east-1:123456789012:role/R",
            "arn:aws:s3::123456789012:role/R",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::12345678901x:role/R",
            "not an arn at all, not at all",
        ] {
            assert_eq!(RoleArn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn assume_role_issues_credentials_of_the_account() {
        let fixture = Fixture::new(Organization::seeded(2, 3, &["us-east-1"], 1));
        let member = fixture.member(1);
        let arn = role(&member, "OrganizationAccountAccessRole");
        let xml = fixture
            .assume(&fixture.management(), &arn, "&DurationSeconds=900")
            .expect("assumed");
        assert!(xml.starts_with("<AssumeRoleResponse"), "{xml}");
        let key = text(&xml, "AccessKeyId");
        assert!(key.starts_with(&format!("ASIA{member}")), "{xml}");
        assert_eq!(
            parse_rfc3339(text(&xml, "Expiration")),
            Some((NOW + 900) as f64)
        );
        assert_eq!(
            text(&xml, "Arn"),
            format!("arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/wsql")
        );
        assert!(text(&xml, "AssumedRoleId").ends_with(":wsql"));
        assert!(xml.contains("<RequestId>req-1</RequestId>"));
        let caller = fixture
            .credentials
            .caller(
                &fixture.organization,
                key,
                Some(text(&xml, "SessionToken")),
                NOW,
            )
            .expect("issued credentials work");
        assert_eq!(caller.account_id, member);

        let default = fixture
            .assume(&fixture.management(), &arn, "")
            .expect("assumed");
        assert_eq!(
            parse_rfc3339(text(&default, "Expiration")),
            Some((NOW + 3600) as f64),
            "one hour by default"
        );
    }

    #[test]
    fn assume_role_is_denied_unless_everything_holds() {
        let fixture = Fixture::new(Organization::seeded(2, 5, &["us-east-1"], 1));
        let (denied, suspended, closing, good) = (
            fixture.member(1),
            fixture.member(2),
            fixture.member(3),
            fixture.member(4),
        );
        let fixture = Fixture::new(
            fixture
                .organization
                .with_role_denied(&[&denied])
                .with_status(&[&suspended], AccountStatus::Suspended)
                .with_status(&[&closing], AccountStatus::PendingClosure),
        );
        let management = fixture.management();
        let role_name = "OrganizationAccountAccessRole";
        let cases = [
            role(&denied, role_name),
            role(&suspended, role_name),
            role(&closing, role_name),
            role(&good, "SomeOtherRole"),
            role("000000000000", role_name),
            role(management.account_id.as_str(), role_name),
        ];
        for arn in cases {
            let err = fixture.assume(&management, &arn, "").expect_err(&arn);
            assert_eq!((err.code, err.status), ("AccessDenied", 403), "{arn}");
            assert!(
                err.message.contains(&management.arn) && err.message.contains(&arn),
                "{}",
                err.message
            );
        }
        assert!(
            fixture
                .assume(&management, &role(&good, role_name), "")
                .is_ok()
        );

        // A member account's credentials may not assume the role elsewhere.
        let member_credentials = fixture
            .credentials
            .issue(&good, role_name, "chained", NOW + 900)
            .caller;
        let err = fixture
            .assume(&member_credentials, &role(&good, role_name), "")
            .expect_err("not trusted");
        assert_eq!(err.code, "AccessDenied");
    }

    #[test]
    fn an_external_id_can_be_required() {
        let organization = Organization::seeded(2, 2, &["us-east-1"], 1).with_external_id("ext-42");
        let fixture = Fixture::new(organization);
        let arn = role(&fixture.member(1), "OrganizationAccountAccessRole");
        let management = fixture.management();
        for extra in ["", "&ExternalId=ext-41"] {
            let err = fixture.assume(&management, &arn, extra).expect_err(extra);
            assert_eq!(err.code, "AccessDenied", "{extra}");
        }
        assert!(
            fixture
                .assume(&management, &arn, "&ExternalId=ext-42")
                .is_ok()
        );
    }

    #[test]
    fn members_are_validated_against_the_model() {
        let fixture = Fixture::new(Organization::seeded(2, 2, &["us-east-1"], 1));
        let management = fixture.management();
        let good = role(&fixture.member(1), "OrganizationAccountAccessRole");
        let cases = [
            (
                "Action=AssumeRole&RoleSessionName=wsql".to_string(),
                "'roleArn'",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}"),
                "'roleSessionName'",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=a"),
                "greater than or equal to 2",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=a+b"),
                "regular expression",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=ok&DurationSeconds=899"),
                "'durationSeconds'",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=ok&DurationSeconds=soon"),
                "an integer",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=ok&ExternalId=x"),
                "'externalId'",
            ),
            (
                "Action=AssumeRole&RoleArn=arn:aws:iam::1:r&RoleSessionName=ok".to_string(),
                "'roleArn'",
            ),
            (
                "Action=AssumeRole&RoleArn=arn:aws:iam::123456789012:user/R&RoleSessionName=ok"
                    .to_string(),
                "not a role ARN",
            ),
            (
                format!("Action=AssumeRole&RoleArn={good}&RoleSessionName=ok&DurationSeconds=7200"),
                "MaxSessionDuration",
            ),
        ];
        for (body, expected) in cases {
            let err = fixture.call(&management, &body).expect_err(&body);
            assert_eq!(err.code, "ValidationException", "{body}");
            assert!(err.message.contains(expected), "{body}: {}", err.message);
        }
    }

    #[test]
    fn caller_identity_answers_static_and_assumed_callers() {
        let fixture = Fixture::new(Organization::seeded(2, 2, &["us-east-1"], 1));
        let management = fixture.management();
        let xml = fixture
            .call(&management, "Action=GetCallerIdentity&Version=2011-06-15")
            .expect("identity");
        assert_eq!(text(&xml, "Account"), management.account_id);
        assert_eq!(text(&xml, "Arn"), management.arn);
        assert_eq!(text(&xml, "UserId"), management.user_id);

        let member = fixture.member(1);
        let assumed = fixture
            .credentials
            .issue(&member, "R", "s1", NOW + 900)
            .caller;
        let xml = fixture
            .call(&assumed, "Action=GetCallerIdentity")
            .expect("identity");
        assert_eq!(text(&xml, "Account"), member);
        assert_eq!(
            text(&xml, "Arn"),
            format!("arn:aws:sts::{member}:assumed-role/R/s1")
        );
        assert_eq!(
            role_account(&json!({"RoleArn": role(&member, "R")})),
            Some(member.as_str())
        );
        assert_eq!(role_account(&json!({"RoleArn": 3})), None);
    }
}
