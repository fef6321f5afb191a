//! What can go wrong ([`Faults`], set with `Emulator::set_faults`) and the fault dice: which
//! fault, if any, a call gets. Deterministic for a seed and call number, so a faulty run can be
//! replayed.

use std::time::Duration;

use super::api_error::ApiError;
use super::paging::TokenFault;
use super::rate_limit::RateLimit;
use super::seed::{SplitMix, mix64};
use super::service::Service;

/// Faults the emulator injects into its answers.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added before every answer, of every service.
    pub latency: Duration,
    /// Fraction (0..=1) of calls answered with `ThrottlingException` (STS and CloudWatch:
    /// `Throttling`, Organizations: `TooManyRequestsException`).
    pub throttle_rate: f64,
    /// Fraction (0..=1) of calls answered with HTTP 500/503.
    pub server_error_rate: f64,
    /// Fraction (0..=1) of calls whose connection is closed without an answer.
    pub drop_connection_rate: f64,
    /// Fraction (0..=1) of calls answered with a truncated body (JSON, CBOR, or STS's XML).
    pub malformed_json_rate: f64,
    /// Every page of a paginated answer carries the same NextToken (WorkSpaces and
    /// Organizations; CloudWatch's tokens behave).
    pub repeat_next_token: bool,
    /// Paginated answers never end: every page carries a fresh NextToken (WorkSpaces and
    /// Organizations).
    pub endless_pages: bool,
    /// Regions whose every WorkSpaces call, in every account, is answered with
    /// `AccessDeniedException`. STS and Organizations calls are not denied.
    pub access_denied_regions: Vec<String>,
    /// Regions whose every CloudWatch call, in every account, is answered with CloudWatch's
    /// `AccessDenied`: a role that may describe WorkSpaces but not read their metrics.
    pub cloudwatch_denied_regions: Vec<String>,
    /// Seed of the fault dice, so a faulty run can be repeated.
    pub seed: u64,
    /// How `DescribeWorkspacesPools` answers `PoolIds` naming pools that do not exist.
    pub unknown_pool_ids: UnknownPoolIds,
    /// Which services the rate faults (throttling, server errors, dropped connections,
    /// truncated bodies) hit. Latency always delays every service.
    pub faulted_services: FaultedServices,
    /// A token bucket per (account, region) for the WorkSpaces operations, as AWS throttles:
    /// a call that finds its bucket empty is answered `ThrottlingException`. `None`: no limit.
    pub rate_limit: Option<RateLimit>,
}

/// Which services the rate faults of [`Faults`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultedServices {
    /// The services that read the fleet, WorkSpaces and CloudWatch: the identity calls around
    /// them (STS, Organizations) answer normally, so a test of a client's paging and retries
    /// sees its data calls fail and nothing else.
    #[default]
    FleetServices,
    /// Every service, STS and Organizations included.
    All,
}

/// How `DescribeWorkspacesPools` answers `PoolIds` naming pools that do not exist. The service
/// model lists `ResourceNotFoundException` for the operation without saying when it is raised,
/// so the emulator can answer each plausible way and wsql's tests can check it copes with all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownPoolIds {
    /// The pools that exist are listed; unknown ids are left out.
    #[default]
    Omitted,
    /// `ResourceNotFoundException` when none of the named pools exists; otherwise the ones that
    /// exist are listed.
    NotFoundWhenNoneExist,
    /// `ResourceNotFoundException` when any named pool does not exist.
    NotFoundWhenAnyUnknown,
}

/// What happens to one call instead of, or on top of, its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Injected {
    /// The call is answered normally.
    Nothing,
    /// The connection is closed without an answer.
    DropConnection,
    /// The call is answered with this error instead.
    Error(ApiError),
}

/// The dice of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Roll {
    /// Replaces the answer.
    pub(crate) injected: Injected,
    /// A 200 answer's body is cut short.
    pub(crate) truncate_body: bool,
    /// How NextTokens misbehave.
    pub(crate) token_fault: TokenFault,
}

/// Rolls the dice for call number `call` (counted from the last `set_faults`) to `service` in
/// `region`.
pub(crate) fn roll(faults: &Faults, call: u64, service: Service, region: &str) -> Roll {
    let mut dice = SplitMix::new(mix64(faults.seed) ^ mix64(call.wrapping_add(1)));
    // Every die is thrown every time so that changing one rate does not shift the others.
    let drop = dice.unit();
    let throttle = dice.unit();
    let server_error = dice.unit();
    let unavailable = dice.chance(0.5);
    let truncate = dice.unit();
    let denied_in = |regions: &[String]| regions.iter().any(|r| r == region);
    let denial = match service {
        Service::Workspaces if denied_in(&faults.access_denied_regions) => {
            Some(ApiError::access_denied(region))
        }
        Service::CloudWatch if denied_in(&faults.cloudwatch_denied_regions) => {
            Some(ApiError::metrics_access_denied(region))
        }
        _ => None,
    };
    let reads_fleet = matches!(service, Service::Workspaces | Service::CloudWatch);
    let faulted = reads_fleet || faults.faulted_services == FaultedServices::All;
    let injected = if let Some(denial) = denial {
        Injected::Error(denial)
    } else if !faulted {
        Injected::Nothing
    } else if drop < faults.drop_connection_rate {
        Injected::DropConnection
    } else if throttle < faults.throttle_rate {
        Injected::Error(ApiError::throttling())
    } else if server_error < faults.server_error_rate {
        Injected::Error(if unavailable {
            ApiError::service_unavailable()
        } else {
            ApiError::internal_failure()
        })
    } else {
        Injected::Nothing
    };
    let token_fault = if faults.endless_pages {
        TokenFault::Endless
    } else if faults.repeat_next_token {
        TokenFault::Repeat
    } else {
        TokenFault::None
    };
    Roll {
        injected,
        truncate_body: faulted && truncate < faults.malformed_json_rate,
        token_fault,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_means_no_faults() {
        let faults = Faults::default();
        for call in 0..1000 {
            let roll = roll(&faults, call, Service::Workspaces, "us-east-1");
            assert_eq!(roll.injected, Injected::Nothing);
            assert!(!roll.truncate_body);
            assert_eq!(roll.token_fault, TokenFault::None);
        }
    }

    #[test]
    fn rates_are_honoured_and_repeatable() {
        let faults = Faults {
            throttle_rate: 0.2,
            server_error_rate: 0.1,
            drop_connection_rate: 0.05,
            malformed_json_rate: 0.3,
            seed: 42,
            ..Faults::default()
        };
        let rolls: Vec<Roll> = (0..10_000)
            .map(|c| roll(&faults, c, Service::Workspaces, "us-east-1"))
            .collect();
        let count = |f: &dyn Fn(&Roll) -> bool| rolls.iter().filter(|r| f(r)).count();
        let dropped = count(&|r| r.injected == Injected::DropConnection);
        let throttled = count(
            &|r| matches!(&r.injected, Injected::Error(e) if e.code == "ThrottlingException"),
        );
        let failed = count(&|r| matches!(&r.injected, Injected::Error(e) if e.status >= 500));
        let unavailable = count(&|r| matches!(&r.injected, Injected::Error(e) if e.status == 503));
        let truncated = count(&|r| r.truncate_body);
        assert!((400..600).contains(&dropped), "{dropped}");
        // Throttling is rolled only when the connection is kept: 0.95 * 0.2.
        assert!((1700..2100).contains(&throttled), "{throttled}");
        assert!((600..900).contains(&failed), "{failed}");
        assert!(unavailable > 0 && unavailable < failed);
        assert!((2700..3300).contains(&truncated), "{truncated}");
        let again: Vec<Roll> = (0..10_000)
            .map(|c| roll(&faults, c, Service::Workspaces, "us-east-1"))
            .collect();
        assert_eq!(rolls, again);
        let other_seed = Faults { seed: 43, ..faults };
        let different: Vec<Roll> = (0..100)
            .map(|c| roll(&other_seed, c, Service::Workspaces, "us-east-1"))
            .collect();
        assert_ne!(&rolls[..100], &different[..]);
    }

    #[test]
    fn rate_faults_hit_the_services_that_read_the_fleet() {
        let faults = Faults {
            throttle_rate: 1.0,
            ..Faults::default()
        };
        let throttled = |service| {
            matches!(roll(&faults, 0, service, "us-east-1").injected,
                     Injected::Error(e) if e.code == "ThrottlingException")
        };
        assert!(throttled(Service::Workspaces));
        assert!(throttled(Service::CloudWatch));
        assert!(!throttled(Service::Sts));
        assert!(!throttled(Service::Organizations));
        let everywhere = Faults {
            faulted_services: FaultedServices::All,
            ..faults
        };
        assert!(matches!(
            roll(&everywhere, 0, Service::Sts, "us-east-1").injected,
            Injected::Error(_)
        ));
        let denied = Faults {
            access_denied_regions: vec!["us-east-1".into()],
            ..Faults::default()
        };
        assert_eq!(
            roll(&denied, 0, Service::CloudWatch, "us-east-1").injected,
            Injected::Nothing,
            "denied regions deny WorkSpaces calls only"
        );
        let metrics_denied = Faults {
            cloudwatch_denied_regions: vec!["us-east-1".into()],
            ..Faults::default()
        };
        let refused = roll(&metrics_denied, 0, Service::CloudWatch, "us-east-1").injected;
        assert!(
            matches!(&refused, Injected::Error(e) if (e.code, e.status) == ("AccessDenied", 403)),
            "{refused:?}"
        );
        assert_eq!(
            roll(&metrics_denied, 0, Service::Workspaces, "us-east-1").injected,
            Injected::Nothing,
            "WorkSpaces still answers where only CloudWatch is denied"
        );
        assert_eq!(
            roll(&metrics_denied, 0, Service::CloudWatch, "eu-west-1").injected,
            Injected::Nothing
        );
    }

    #[test]
    fn denied_regions_and_token_faults() {
        let faults = Faults {
            access_denied_regions: vec!["eu-west-1".into()],
            endless_pages: true,
            ..Faults::default()
        };
        let denied = roll(&faults, 0, Service::Workspaces, "eu-west-1");
        assert!(matches!(denied.injected, Injected::Error(e) if e.code == "AccessDeniedException"));
        assert_eq!(
            roll(&faults, 0, Service::Workspaces, "us-east-1").injected,
            Injected::Nothing
        );
        for service in [Service::Sts, Service::Organizations] {
            assert_eq!(
                roll(&faults, 0, service, "eu-west-1").injected,
                Injected::Nothing,
                "only WorkSpaces calls are denied"
            );
        }
        assert_eq!(
            roll(&faults, 0, Service::Workspaces, "us-east-1").token_fault,
            TokenFault::Endless
        );
        let repeat = Faults {
            repeat_next_token: true,
            ..Faults::default()
        };
        assert_eq!(
            roll(&repeat, 0, Service::Organizations, "us-east-1").token_fault,
            TokenFault::Repeat
        );
    }
}
