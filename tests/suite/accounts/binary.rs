//! The command line over an organization: `--assume-role` with `--accounts org` and with listed
//! ids, `--profile` lists, the warn policy's warnings naming accounts, and no credential ever
//! printed, not even with `--debug`, `EXPLAIN` or a failure.

use wsql_emulator::{AccountStatus, DEFAULT_ROLE_NAME, Emulator};

use crate::accounts::org::{account_ids, organization};
use crate::support::command::{Run, TestEmulator, Wsql};

fn start(organization: wsql_emulator::Organization) -> TestEmulator {
    TestEmulator::start_organization(organization)
}

/// `wsql` against the organization with the management account's static credentials.
fn wsql(org: &TestEmulator) -> Wsql {
    let mut wsql = Wsql::new();
    wsql.command
        .env("AWS_ACCESS_KEY_ID", "AKIDMANAGEMENT")
        .env("AWS_SECRET_ACCESS_KEY", "management-secret-key")
        .args(["--endpoint-url", &org.emulator.endpoint_url()])
        .args(["--region", "us-east-1,eu-west-1"]);
    wsql
}

fn assert_no_secret(org: &TestEmulator, runs: &[&Run]) {
    let mut secrets = org.emulator.issued_secrets();
    assert!(
        !secrets.is_empty(),
        "roles were assumed: something to look for"
    );
    secrets.push("management-secret-key".to_string());
    for run in runs {
        for secret in &secrets {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "a secret was printed:\n{run:?}"
            );
        }
    }
}

#[test]
fn the_organization_through_a_role_with_warnings_and_no_secret_printed() {
    let plain = organization(71, 4, 5);
    let ids: Vec<String> = plain
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let org = start(
        plain
            .with_role_denied(&[&ids[2]])
            .with_status(&[&ids[3]], AccountStatus::Suspended),
    );
    assert_eq!(account_ids(&org.emulator), ids);
    let summary = wsql(&org)
        .args(["--assume-role", DEFAULT_ROLE_NAME, "--accounts", "org"])
        .args(["--on-region-error", "warn", "--format", "csv", "--debug"])
        .args([
            "-c",
            "SELECT account_id, region, count(*) AS pools FROM workspaces_pools GROUP BY 1, 2 ORDER BY 1, 2",
        ])
        .run()
        .success();
    let mut expected = String::from("account_id,region,pools\n");
    let mut healthy = vec![ids[0].clone(), ids[1].clone()];
    healthy.sort();
    for id in &healthy {
        for region in ["eu-west-1", "us-east-1"] {
            expected.push_str(&format!("{id},{region},5\n"));
        }
    }
    assert_eq!(summary.stdout, expected);
    let warnings: Vec<&str> = summary
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", summary.stderr);
    assert!(
        warnings
            .iter()
            .all(|w| w.contains(&format!("of account {} failed: cannot assume", ids[2]))),
        "{warnings:?}"
    );
    let failing = wsql(&org)
        .args(["--assume-role", DEFAULT_ROLE_NAME, "--accounts", &ids[2]])
        .args(["-c", "SELECT * FROM workspaces"])
        .run();
    let line = failing.one_line_failure();
    assert!(line.contains(&format!("of account {}", ids[2])), "{line}");
    let explained = wsql(&org)
        .args(["--assume-role", DEFAULT_ROLE_NAME, "--accounts", &ids[1]])
        .args([
            "--debug",
            "-c",
            "EXPLAIN ANALYZE SELECT * FROM workspaces_pools",
        ])
        .run()
        .success();
    assert!(explained.stdout.contains(&format!("accounts=[{}]", ids[1])));
    assert_no_secret(&org, &[&summary, &failing, &explained]);
}

#[test]
fn profiles_each_read_their_own_account() {
    let org = start(organization(72, 2, 3));
    let ids = account_ids(&org.emulator);
    // A member's credentials, as `aws sts assume-role` would hand them to a profile.
    let credentials = org
        .block_on(assume(&org.emulator, &ids[1]))
        .expect("the member's role is assumed");
    let run = wsql(&org);
    let config = run.home.path().join("credentials");
    std::fs::write(
        &config,
        format!(
            "[management]\naws_access_key_id = AKIDMANAGEMENT\naws_secret_access_key = management-secret-key\n\
             [member]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token = {}\n",
            credentials.0, credentials.1, credentials.2
        ),
    )
    .expect("credentials file");
    let mut run = run;
    run.command.env("AWS_SHARED_CREDENTIALS_FILE", &config);
    let output = run
        .args(["--profile", "management,member", "--format", "csv"])
        .args([
            "-c",
            "SELECT account_id, count(*) AS pools FROM workspaces_pools GROUP BY 1 ORDER BY 1",
        ])
        .run()
        .success();
    let mut expected: Vec<String> = ids.iter().map(|id| format!("{id},6")).collect();
    expected.sort();
    assert_eq!(
        output.stdout,
        format!("account_id,pools\n{}\n", expected.join("\n"))
    );
    assert_no_secret(&org, &[&output]);
}

/// (access key id, secret, session token) of `account`'s role, assumed with the static keys.
async fn assume(
    emulator: &Emulator,
    account: &str,
) -> Result<(String, String, String), Box<dyn std::error::Error>> {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(wsql::Credentials::new(
            "AKIDMANAGEMENT",
            "management-secret-key",
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let output = aws_sdk_sts::Client::new(&config)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/{DEFAULT_ROLE_NAME}"))
        .role_session_name("test")
        .send()
        .await?;
    let credentials = output.credentials.ok_or("no credentials")?;
    Ok((
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token,
    ))
}

#[test]
fn the_accounts_summary_report_counts_each_account_and_region() {
    let org = start(organization(73, 3, 4));
    let run = wsql(&org)
        .args(["--assume-role", DEFAULT_ROLE_NAME, "--accounts", "org"])
        .args(["--quiet", "--format", "csv", "--report", "accounts_summary"])
        .run()
        .success();
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    assert_eq!(&headers[0], "account_id");
    assert_eq!(&headers[2], "pools");
    let mut seen = 0;
    for record in reader.records() {
        let record = record.expect("a record");
        let account = org
            .emulator
            .organization()
            .account(&record[0])
            .expect("an account of the organization");
        let pools = account.fleet.pools(&record[1]);
        assert_eq!(record[2].parse::<usize>().ok(), Some(pools.len()));
        let running = pools
            .iter()
            .filter(|p| p.state == wsql_emulator::shapes::PoolState::Running)
            .count();
        assert_eq!(record[3].parse::<usize>().ok(), Some(running), "{record:?}");
        seen += 1;
    }
    assert_eq!(seen, 3 * 2, "every (account, region) once");
}
