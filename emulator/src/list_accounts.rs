//! Organizations `ListAccounts`: every account of the organization with its status, in pages of
//! at most `MaxResults` (1 to 20, 20 when absent), for the management account's callers only.
//!
//! Others get the model's `AccessDeniedException`, as member accounts do in AWS. Out-of-bounds
//! members and foreign NextTokens are the model's `InvalidInputException` with its `Reason`.
//! The emulator has no Organizations model file, and Organizations does not answer violations in
//! the `ValidationException` form the generic validator writes, so the two bounds are checked
//! here by hand.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{AccountCall, Structure};
use super::organization::Account;
use super::paging::Pager;
use super::request::Members;

/// `MaxResults` bounds.
const MAX_RESULTS: (i64, i64) = (1, 20);
/// `NextToken`: at most 100,000 characters.
const MAX_TOKEN_CHARACTERS: usize = 100_000;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    accounts: Vec<AccountShape<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `Account` of the model, in wire form.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccountShape<'a> {
    id: &'a str,
    arn: String,
    email: &'a str,
    name: &'a str,
    status: &'static str,
    /// The newer member beside `Status`; the same values for these accounts.
    state: &'static str,
    joined_method: &'static str,
    joined_timestamp: f64,
}

pub(crate) fn answer<'a>(call: &AccountCall<'a>) -> Result<Structure<'a>, ApiError> {
    if call.operation != "ListAccounts" {
        return Err(ApiError::unknown_operation(call.operation));
    }
    let request = Members::of_body(call.body)?;
    let max_results = request.integer("MaxResults")?;
    let next_token = request.string("NextToken")?;
    if let Some(n) = max_results {
        check_max_results(n)?;
    }
    if next_token.is_some_and(|t| t.chars().count() > MAX_TOKEN_CHARACTERS) {
        return Err(ApiError::invalid_input(
            "MAX_LENGTH_EXCEEDED",
            "Value at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 100000",
        ));
    }
    let organization = call.organization;
    let management = organization.management();
    if call.caller.account_id != management.id() {
        return Err(ApiError::organizations_access_denied(format!(
            "You don't have permissions to access this resource: account {} is not the management account of {}.",
            call.caller.account_id,
            organization.id()
        )));
    }

    let pager = Pager::new(
        "ListAccounts",
        &call.caller.account_id,
        call.region,
        call.body,
        next_token,
        call.token_fault,
    )
    .map_err(|_| {
        ApiError::invalid_input(
            "INVALID_NEXT_TOKEN",
            "The NextToken is invalid: it was not issued for this request.",
        )
    })?;
    let limit = max_results.unwrap_or(MAX_RESULTS.1) as usize;
    let (accounts, next_token) = pager.page(organization.accounts(), limit, |_| true);
    let accounts = accounts
        .into_iter()
        .map(|account| AccountShape {
            id: account.id(),
            arn: organization.account_arn(account),
            email: &account.email,
            name: &account.name,
            status: account.status.as_str(),
            state: account.status.as_str(),
            joined_method: joined_method(account, management),
            joined_timestamp: account.joined_at,
        })
        .collect();
    Ok(Structure::new(Output {
        accounts,
        next_token,
    }))
}

fn check_max_results(n: i64) -> Result<(), ApiError> {
    let (min, max) = MAX_RESULTS;
    if n < min {
        return Err(ApiError::invalid_input(
            "MIN_VALUE_EXCEEDED",
            format!(
                "Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to {min}"
            ),
        ));
    }
    if n > max {
        return Err(ApiError::invalid_input(
            "MAX_VALUE_EXCEEDED",
            format!(
                "Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to {max}"
            ),
        ));
    }
    Ok(())
}

/// The management account created the organization, so it joined by invitation (as AWS lists
/// it); the others were created in it.
fn joined_method(account: &Account, management: &Account) -> &'static str {
    if account.id() == management.id() {
        "INVITED"
    } else {
        "CREATED"
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::credentials::{Caller, CredentialStore};
    use crate::paging::TokenFault;
    use crate::{AccountStatus, Organization};

    fn list(
        organization: &Organization,
        caller: &Caller,
        body: Value,
        token_fault: TokenFault,
    ) -> Result<Value, ApiError> {
        let credentials = CredentialStore::default();
        let call = AccountCall {
            operation: "ListAccounts",
            region: "us-east-1",
            body: &body,
            caller,
            organization,
            credentials: &credentials,
            token_fault,
            request_id: "req",
            now: 0,
        };
        answer(&call)?.to_value().map(std::borrow::Cow::into_owned)
    }

    fn management(organization: &Organization) -> Caller {
        CredentialStore::default()
            .caller(organization, "AKIDSTATIC", None, 0)
            .expect("static")
    }

    #[test]
    fn pages_walk_every_account_once_with_its_status() {
        let org = Organization::seeded(6, 23, &["us-east-1"], 0);
        let suspended = org.accounts()[5].id().to_string();
        let org = org.with_status(&[&suspended], AccountStatus::Suspended);
        let caller = management(&org);
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let body = match &token {
                Some(t) => json!({"MaxResults": 4, "NextToken": t}),
                None => json!({"MaxResults": 4}),
            };
            let page = list(&org, &caller, body, TokenFault::None).expect("page");
            let accounts = page["Accounts"].as_array().cloned().unwrap_or_default();
            assert!(accounts.len() <= 4);
            seen.extend(accounts);
            pages += 1;
            token = page["NextToken"].as_str().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        assert_eq!(pages, 6, "23 accounts in pages of 4");
        let ids: Vec<&str> = seen.iter().filter_map(|a| a["Id"].as_str()).collect();
        let expected: Vec<&str> = org.accounts().iter().map(Account::id).collect();
        assert_eq!(ids, expected);
        assert_eq!(seen[5]["Status"], "SUSPENDED");
        assert_eq!(seen[5]["State"], "SUSPENDED");
        assert_eq!(seen[1]["Status"], "ACTIVE");
        assert_eq!(seen[0]["JoinedMethod"], "INVITED");
        assert_eq!(seen[1]["JoinedMethod"], "CREATED");
        assert_eq!(seen[1]["Arn"], org.account_arn(&org.accounts()[1]));
        assert!(seen[1]["JoinedTimestamp"].is_f64());

        let all = list(&org, &caller, json!({}), TokenFault::None).expect("default page");
        assert_eq!(all["Accounts"].as_array().map(Vec::len), Some(20));
    }

    #[test]
    fn only_the_management_account_may_list() {
        let org = Organization::seeded(6, 3, &["us-east-1"], 0);
        let member = CredentialStore::default()
            .issue(org.accounts()[1].id(), "R", "s", i64::MAX)
            .caller;
        let err = list(&org, &member, json!({}), TokenFault::None).expect_err("member");
        assert_eq!(err.code, "AccessDeniedException");
    }

    #[test]
    fn bounds_and_foreign_tokens_are_invalid_input() {
        let org = Organization::seeded(6, 3, &["us-east-1"], 0);
        let caller = management(&org);
        let cases = [
            (json!({"MaxResults": 0}), "MIN_VALUE_EXCEEDED"),
            (json!({"MaxResults": 21}), "MAX_VALUE_EXCEEDED"),
            (json!({"NextToken": "not ours"}), "INVALID_NEXT_TOKEN"),
            (
                json!({"NextToken": "t".repeat(100_001)}),
                "MAX_LENGTH_EXCEEDED",
            ),
        ];
        for (body, reason) in cases {
            let err = list(&org, &caller, body, TokenFault::None).expect_err(reason);
            assert_eq!(
                (err.code, err.reason),
                ("InvalidInputException", Some(reason))
            );
        }
        let err = list(&org, &caller, json!({"MaxResults": "5"}), TokenFault::None)
            .expect_err("wrong type");
        assert_eq!(err.code, "SerializationException");
    }

    #[test]
    fn token_faults_apply() {
        let org = Organization::seeded(6, 3, &["us-east-1"], 0);
        let caller = management(&org);
        let body = json!({"MaxResults": 20});
        let page = list(&org, &caller, body, TokenFault::Endless).expect("page");
        assert_eq!(page["Accounts"].as_array().map(Vec::len), Some(3));
        assert!(page["NextToken"].is_string(), "endless pages never end");
    }
}
