//! Injected faults as a client sees them: throttling, 5xx, denied regions, retries, dropped
//! connections, truncated bodies, misbehaving NextTokens, latency, concurrency.

use std::time::{Duration, Instant};

use aws_sdk_workspaces::error::{ProvideErrorMetadata, SdkError};
use wsql_emulator::{Emulator, Faults, Fleet};

use crate::common::{REGION, client_with_attempts, clients, start};

#[tokio::test]
async fn throttling_server_errors_and_denied_regions() {
    let (emulator, client) = start(Fleet::seeded(1, &[REGION, "eu-west-1"], 10)).await;

    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let err = client
        .describe_workspaces_pools()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ThrottlingException")
    );

    emulator.set_faults(Faults {
        server_error_rate: 1.0,
        seed: 3,
        ..Faults::default()
    });
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let err = client
            .describe_workspaces_pools()
            .send()
            .await
            .expect_err("5xx");
        let code = err
            .as_service_error()
            .and_then(|e| e.code())
            .map(str::to_string);
        assert!(
            matches!(
                code.as_deref(),
                Some("InternalFailure" | "ServiceUnavailable")
            ),
            "{code:?}"
        );
        statuses.push(emulator.request_log().last().map_or(0, |r| r.status));
    }
    assert!(
        statuses.contains(&500) && statuses.contains(&503),
        "{statuses:?}"
    );

    emulator.set_faults(Faults {
        access_denied_regions: vec![REGION.into()],
        ..Faults::default()
    });
    let err = client
        .describe_workspaces_pools()
        .send()
        .await
        .expect_err("denied");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_access_denied_exception()),
        "{err:?}"
    );
    let eu = clients(&emulator, &["eu-west-1"]).await.remove(0);
    assert!(
        eu.describe_workspaces_pools().send().await.is_ok(),
        "other regions still answer"
    );

    emulator.set_faults(Faults::default());
    assert!(
        client.describe_workspaces_pools().send().await.is_ok(),
        "faults can be lifted"
    );
}

#[tokio::test]
async fn retries_are_visible_in_the_log() {
    let emulator = Emulator::start(Fleet::seeded(1, &[REGION], 5))
        .await
        .expect("starts");
    let client = client_with_attempts(&emulator, REGION, 2);
    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    assert!(client.describe_workspaces_pools().send().await.is_err());
    let log = emulator.request_log();
    assert_eq!(log.len(), 2, "the SDK retried the throttled call once");
    assert!(log.iter().all(|r| r.status == 400));
}

#[tokio::test]
async fn dropped_connections_and_truncated_bodies() {
    let (emulator, client) = start(Fleet::seeded(1, &[REGION], 10)).await;

    emulator.set_faults(Faults {
        drop_connection_rate: 1.0,
        ..Faults::default()
    });
    let err = client
        .describe_workspaces_pools()
        .send()
        .await
        .expect_err("dropped");
    assert!(
        matches!(
            err,
            SdkError::DispatchFailure(_) | SdkError::ResponseError(_)
        ),
        "{err:?}"
    );
    assert_eq!(emulator.request_log().last().map(|r| r.status), Some(0));

    emulator.set_faults(Faults {
        malformed_json_rate: 1.0,
        ..Faults::default()
    });
    let err = client
        .describe_workspaces_pools()
        .send()
        .await
        .expect_err("truncated");
    assert!(
        err.as_service_error().and_then(|e| e.code()).is_none(),
        "not a service error code: {err:?}"
    );
    assert_eq!(emulator.request_log().last().map(|r| r.status), Some(200));

    emulator.set_faults(Faults::default());
    assert!(client.describe_workspaces_pools().send().await.is_ok());
}

#[tokio::test]
async fn misbehaving_next_tokens() {
    let (emulator, client) = start(Fleet::seeded(1, &[REGION], 30)).await;

    emulator.set_faults(Faults {
        repeat_next_token: true,
        ..Faults::default()
    });
    let first = client
        .describe_workspaces_pools()
        .limit(10)
        .send()
        .await
        .expect("page 1");
    let token = first.next_token().expect("token").to_string();
    let second = client
        .describe_workspaces_pools()
        .limit(10)
        .next_token(&token)
        .send()
        .await
        .expect("page 2");
    assert_eq!(second.next_token(), Some(token.as_str()));

    emulator.set_faults(Faults {
        endless_pages: true,
        ..Faults::default()
    });
    let mut seen = std::collections::HashSet::new();
    let mut token = None;
    for _ in 0..8 {
        let page = client
            .describe_workspaces_pools()
            .limit(10)
            .set_next_token(token)
            .send()
            .await
            .expect("endless page");
        let next = page.next_token().expect("never ends").to_string();
        assert!(seen.insert(next.clone()), "fresh every time");
        token = Some(next);
    }
}

#[tokio::test]
async fn latency_delays_every_answer() {
    let (emulator, client) = start(Fleet::seeded(1, &[REGION], 5)).await;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    let started = Instant::now();
    client
        .describe_workspaces_pools()
        .send()
        .await
        .expect("slow");
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn concurrent_callers() {
    let (emulator, client) = start(Fleet::seeded(1, &[REGION], 200)).await;
    let calls = (0..16).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .describe_workspaces_pools()
                .limit(1 + i % 25)
                .send()
                .await
        })
    });
    for call in futures::future::join_all(calls).await {
        assert!(call.expect("task").is_ok());
    }
    assert_eq!(emulator.request_log().len(), 16);
}
