//! A role that cannot be assumed (denied, or a suspended account) fails the query naming the
//! account and the region, or under the warn policy is left out with one warning per region of
//! it while the other accounts answer. `--accounts org` never reads a suspended account.

use wsql::{Accounts, AwsSettings, RegionErrorPolicy};
use wsql_emulator::AccountStatus;

use crate::accounts::org::{REGIONS, account_ids, organization, run, session, settings, start};
use crate::support::library_message;

const COUNT_POOLS: &str = "SELECT account_id, count(*) FROM workspaces_pools GROUP BY 1";

/// An organization of four accounts: the second member's role denied, the third suspended.
async fn troubled() -> (wsql_emulator::Emulator, Vec<String>) {
    let plain = organization(41, 4, 10);
    let ids: Vec<String> = plain
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let organization = plain
        .with_role_denied(&[&ids[1]])
        .with_status(&[&ids[2]], AccountStatus::Suspended);
    let emulator = start(organization).await;
    assert_eq!(account_ids(&emulator), ids);
    (emulator, ids)
}

fn warn(settings: AwsSettings) -> AwsSettings {
    AwsSettings {
        on_region_error: RegionErrorPolicy::Warn,
        ..settings
    }
}

#[tokio::test]
async fn a_denied_role_fails_the_query_naming_account_and_region() {
    let (emulator, ids) = troubled().await;
    let ctx = session(settings(&emulator, Accounts::Organization));
    let error = run(&ctx, COUNT_POOLS)
        .await
        .expect_err("a denied role fails");
    let line = library_message(&error);
    let role = format!("arn:aws:iam::{}:role/OrganizationAccountAccessRole", ids[1]);
    assert!(
        line.starts_with("DescribeWorkspacesPools in ")
            && line.contains(&format!(
                " of account {} failed: cannot assume {role}",
                ids[1]
            )),
        "{line}"
    );
    assert!(REGIONS.iter().any(|r| line.contains(r)), "{line}");
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn under_warn_the_other_accounts_answer_and_each_lost_target_is_warned() {
    let (emulator, ids) = troubled().await;
    let ctx = session(warn(settings(&emulator, Accounts::Organization)));
    let (counts, report) = crate::accounts::org::rows(&ctx, COUNT_POOLS).await;
    let mut expected = vec![format!("{}|20", ids[0]), format!("{}|20", ids[3])];
    expected.sort();
    assert_eq!(
        counts, expected,
        "the management account and the healthy member; the suspended one is not read"
    );
    let mut lost: Vec<(Option<String>, String)> = report
        .warnings
        .iter()
        .map(|w| (w.account.clone(), w.region.clone()))
        .collect();
    lost.sort();
    let mut expected: Vec<(Option<String>, String)> = REGIONS
        .iter()
        .map(|r| (Some(ids[1].clone()), r.to_string()))
        .collect();
    expected.sort();
    assert_eq!(lost, expected);
    for warning in &report.warnings {
        let text = warning.to_string();
        assert!(text.contains("cannot assume"), "{text}");
        assert!(text.ends_with("results exclude that region"), "{text}");
    }
    let log = emulator.request_log();
    assert!(
        log.iter().all(|r| r.account != ids[2]),
        "the suspended account is never called"
    );
}

#[tokio::test]
async fn a_listed_suspended_account_is_a_failed_target() {
    let (emulator, ids) = troubled().await;
    let listed = Accounts::Listed(vec![ids[0].clone(), ids[2].clone()]);
    let ctx = session(settings(&emulator, listed.clone()));
    let error = run(&ctx, COUNT_POOLS).await.expect_err("suspended");
    let line = library_message(&error);
    assert!(
        line.contains(&format!("of account {} failed: cannot assume", ids[2])),
        "{line}"
    );
    let ctx = session(warn(settings(&emulator, listed)));
    let (counts, report) = crate::accounts::org::rows(&ctx, COUNT_POOLS).await;
    assert_eq!(counts, vec![format!("{}|20", ids[0])]);
    assert_eq!(report.warnings.len(), REGIONS.len());
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.account.as_deref() == Some(ids[2].as_str()))
    );
}
