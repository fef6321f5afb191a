//! How the emulated fleet is used over time: who connects to which WorkSpace when, how full each
//! pool is at any minute, and which resources behave unusually.
//!
//! Every resource gets a behaviour profile from its id, so that the same resource behaves the same
//! in every operation that reads its use (CloudWatch metrics; the WorkSpaces connection status,
//! `connection_status.rs`, through `WorkspaceUsage::last_user_connection`):
//!
//! | pools | share | behaviour |
//! |---|---|---|
//! | [`PoolProfile::Normal`] | 84 % | demand peaks at 55–80 % of the desired sessions |
//! | [`PoolProfile::Saturating`] | 8 % | demand peaks at 120–160 %: full at business-hours peaks, rejecting sessions |
//! | [`PoolProfile::Oversized`] | 8 % | never more active sessions than half the desired ones |
//!
//! | personal WorkSpaces | share | behaviour |
//! |---|---|---|
//! | [`WorkspaceProfile::DailyUser`] | 74 % | connects most weekdays, morning and afternoon |
//! | [`WorkspaceProfile::Occasional`] | 12 % | connects on about one weekday in three, for an hour or two |
//! | [`WorkspaceProfile::Stale`] | 8 % | used daily until a moment between 2026-02-01 and 2026-06-01, never since |
//! | [`WorkspaceProfile::NeverConnected`] | 6 % | its user never connected |
//!
//! The rare kinds are a few percent each, so that a demo fleet of 100 pools per region has several
//! of each; the personal WorkSpaces of seeded fleets are fewer (a handful per directory), so their
//! rare kinds are a little more frequent.
//!
//! Use follows the working day of the region's people: a business-hours curve in the region's
//! local time (a fixed UTC offset per region, daylight saving ignored), weekends far quieter.
//! Everything is a pure function of the resource and the minute, never of the moment a request
//! is served, so the same minute reads the same whenever it is asked about; moments that must
//! read as "weeks or months ago" (a stale user's last session, a stopped WorkSpace's stop) are
//! absolute instants before the seeded fleet's own "now" (2026-07-01).
//!
//! Pools are described per hour as at most [`MAX_POOL_STRETCHES`] stretches of constant use, and
//! WorkSpaces per local day as a few sessions and the intervals their instance runs: both are
//! what lets CloudWatch aggregate a period without looking at each of its minutes.

use crate::seed::{fnv1a, mix64};
use crate::shapes::{Pool, PoolState, Workspace};

/// Minutes in an hour.
pub(crate) const MINUTES_PER_HOUR: i64 = 60;
/// Minutes in a day.
pub(crate) const MINUTES_PER_DAY: i64 = 1440;
/// Most stretches of constant use a pool has in one hour.
pub(crate) const MAX_POOL_STRETCHES: usize = 4;

/// 2024-01-01T00:00:00Z, in minutes: the earliest creation of a WorkSpace.
const WORKSPACES_CREATED_FROM: i64 = 1_704_067_200 / 60;
/// 2025-12-01T00:00:00Z, in minutes: the latest creation of a WorkSpace.
const WORKSPACES_CREATED_TO: i64 = 1_764_547_200 / 60;
/// 2026-02-01T00:00:00Z, in minutes: the earliest moment a stale user stopped connecting.
const STALE_FROM: i64 = 1_769_904_000 / 60;
/// 2026-06-01T00:00:00Z, in minutes: the latest moment a stale user stopped connecting.
const STALE_TO: i64 = 1_780_272_000 / 60;
/// 2026-03-01T00:00:00Z, in minutes: the earliest stop of a WorkSpace now `STOPPED`.
const STOPPED_FROM: i64 = 1_772_323_200 / 60;
/// 2026-06-25T00:00:00Z, in minutes: the latest stop of a WorkSpace now `STOPPED`.
const STOPPED_TO: i64 = 1_782_345_600 / 60;

/// Salts, one per decision, so that decisions about one resource are independent.
const SALT_PROFILE: u64 = 0x0F11_E001;
const SALT_POOL_PEAK: u64 = 0x0F11_E002;
const SALT_POOL_HOUR: u64 = 0x0F11_E003;
const SALT_WORKSPACE_CREATED: u64 = 0x0F11_E004;
const SALT_WORKSPACE_DAY: u64 = 0x0F11_E005;
const SALT_STALE: u64 = 0x0F11_E006;
const SALT_STOPPED: u64 = 0x0F11_E007;

/// Deterministic dice: a 64-bit value that names one decision about one resource, rolled into
/// further values by the facts the decision depends on (an hour, a day, a stretch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dice(u64);

impl Dice {
    /// The dice of one decision (`salt`) about the resource with this id.
    pub(crate) fn of(id: &str, salt: u64) -> Dice {
        Dice(mix64(fnv1a(id.as_bytes()) ^ mix64(salt)))
    }

    /// Dice from a key already mixed from a resource and a decision.
    pub(crate) fn from_key(key: u64) -> Dice {
        Dice(key)
    }

    /// The dice of the same decision at another `index` (an hour, a day, a piece).
    pub(crate) fn at(self, index: i64) -> Dice {
        Dice(mix64(self.0 ^ mix64(index as u64 ^ 0xD1CE_D1CE_D1CE_D1CE)))
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(self) -> f64 {
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    pub(crate) fn between(self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in `0..n` (`n > 0`).
    pub(crate) fn below(self, n: u64) -> u64 {
        self.0 % n.max(1)
    }

    /// Whole minutes uniform in `[low, high)`.
    fn minutes_between(self, low: i64, high: i64) -> i64 {
        low + self.below((high - low).max(1) as u64) as i64
    }
}

/// The fixed UTC offset, in minutes, of the people using a region: its main city's standard time.
pub(crate) fn utc_offset_minutes(region: &str) -> i64 {
    const KNOWN: &[(&str, i64)] = &[
        ("us-east-1", -300),
        ("us-east-2", -300),
        ("us-west-1", -480),
        ("us-west-2", -480),
        ("us-gov-east-1", -300),
        ("us-gov-west-1", -480),
        ("ca-central-1", -300),
        ("ca-west-1", -420),
        ("mx-central-1", -360),
        ("sa-east-1", -180),
        ("eu-west-1", 0),
        ("eu-west-2", 0),
        ("eu-west-3", 60),
        ("eu-central-1", 60),
        ("eu-central-2", 60),
        ("eu-north-1", 60),
        ("eu-south-1", 60),
        ("eu-south-2", 60),
        ("af-south-1", 120),
        ("il-central-1", 120),
        ("me-south-1", 180),
        ("me-central-1", 240),
        ("ap-south-1", 330),
        ("ap-south-2", 330),
        ("ap-southeast-1", 480),
        ("ap-southeast-2", 600),
        ("ap-southeast-3", 420),
        ("ap-southeast-4", 600),
        ("ap-southeast-5", 480),
        ("ap-east-1", 480),
        ("ap-northeast-1", 540),
        ("ap-northeast-2", 540),
        ("ap-northeast-3", 540),
        ("cn-north-1", 480),
        ("cn-northwest-1", 480),
    ];
    const BY_PREFIX: &[(&str, i64)] = &[
        ("us-", -300),
        ("ca-", -300),
        ("sa-", -180),
        ("eu-", 60),
        ("af-", 120),
        ("il-", 120),
        ("me-", 240),
        ("ap-", 480),
        ("cn-", 480),
    ];
    KNOWN
        .iter()
        .find(|(name, _)| *name == region)
        .or_else(|| BY_PREFIX.iter().find(|(p, _)| region.starts_with(p)))
        .map_or(0, |(_, offset)| *offset)
}

/// A moment in a region's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalTime {
    /// Days since 1970-01-01 in local time.
    pub(crate) day: i64,
    /// Minute of the local day, `0..1440`.
    pub(crate) minute_of_day: i64,
}

impl LocalTime {
    /// The local time of an absolute minute (minutes since the epoch, UTC).
    pub(crate) fn of(minute: i64, offset_minutes: i64) -> LocalTime {
        let local = minute + offset_minutes;
        LocalTime {
            day: local.div_euclid(MINUTES_PER_DAY),
            minute_of_day: local.rem_euclid(MINUTES_PER_DAY),
        }
    }

    /// Monday 0 to Sunday 6 (1970-01-01 was a Thursday).
    pub(crate) fn weekday(self) -> i64 {
        (self.day + 3).rem_euclid(7)
    }

    /// Saturday or Sunday.
    pub(crate) fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }
}

/// The first absolute minute of a local day.
pub(crate) fn local_day_start(day: i64, offset_minutes: i64) -> i64 {
    day * MINUTES_PER_DAY - offset_minutes
}

/// How busy the region's working day is at a local time: 1.0 at the weekday peak, a few percent
/// at night, a seventh of the weekday on weekends.
pub(crate) fn business_activity(time: LocalTime) -> f64 {
    /// Weekday activity at each full local hour, 00:00 to 24:00, with a lunch dip.
    const WEEKDAY: [f64; 25] = [
        0.03, 0.02, 0.02, 0.02, 0.02, 0.04, 0.08, 0.25, 0.60, 0.88, 0.96, 0.98, 0.80, 0.86, 1.00,
        0.97, 0.86, 0.55, 0.28, 0.15, 0.10, 0.07, 0.05, 0.04, 0.03,
    ];
    let hour = (time.minute_of_day / MINUTES_PER_HOUR) as usize;
    let within = (time.minute_of_day % MINUTES_PER_HOUR) as f64 / MINUTES_PER_HOUR as f64;
    let weekday = WEEKDAY[hour] + (WEEKDAY[hour + 1] - WEEKDAY[hour]) * within;
    if time.is_weekend() {
        weekday * 0.15
    } else {
        weekday
    }
}

// ---------------------------------------------------------------------------------------------
// Pools

/// How a pool's sessions are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PoolProfile {
    /// Busy in business hours, with room to spare.
    Normal,
    /// Demand exceeds capacity at business-hours peaks: the pool is full and rejects sessions.
    Saturating,
    /// Never uses more than half its desired sessions.
    Oversized,
}

impl PoolProfile {
    /// The profile of the pool with this id.
    pub fn of(pool_id: &str) -> PoolProfile {
        match Dice::of(pool_id, SALT_PROFILE).below(100) {
            0..8 => PoolProfile::Saturating,
            8..16 => PoolProfile::Oversized,
            _ => PoolProfile::Normal,
        }
    }

    /// Demand at the weekday peak, as a fraction of the desired sessions.
    fn peak_demand_range(self) -> (f64, f64) {
        match self {
            PoolProfile::Normal => (0.55, 0.80),
            PoolProfile::Saturating => (1.20, 1.60),
            PoolProfile::Oversized => (0.20, 0.45),
        }
    }
}

/// A stretch of minutes in which a pool's capacity and use do not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolStretch {
    /// First absolute minute.
    pub(crate) start: i64,
    /// Absolute minute after the last.
    pub(crate) end: i64,
    /// Sessions the pool asks for.
    pub(crate) desired: i64,
    /// Sessions the pool can provide (`<= desired`; the rest are being provisioned).
    pub(crate) actual: i64,
    /// Sessions in use (`<= actual`).
    pub(crate) active: i64,
    /// Session requests rejected in each minute of the stretch for lack of capacity; more than
    /// zero only for saturating pools, and only while `active == actual`.
    pub(crate) rejected_per_minute: i64,
}

/// The stretches of one hour, in order, covering it whole.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolHour {
    stretches: [PoolStretch; MAX_POOL_STRETCHES],
    len: usize,
}

impl PoolHour {
    /// The stretches, in order.
    pub(crate) fn stretches(&self) -> &[PoolStretch] {
        &self.stretches[..self.len]
    }
}

/// How one pool is used over time.
#[derive(Debug, Clone)]
pub(crate) struct PoolUsage {
    profile: PoolProfile,
    desired: i64,
    peak_demand: f64,
    offset_minutes: i64,
    first_minute: Option<i64>,
    hours: Dice,
}

impl PoolUsage {
    /// The use of `pool`, whose people live in `region`'s time zone.
    pub(crate) fn of(pool: &Pool, region: &str) -> PoolUsage {
        let profile = PoolProfile::of(&pool.pool_id);
        let desired = i64::from(pool.capacity_status.desired_user_sessions.max(0));
        let (low, high) = profile.peak_demand_range();
        let peak_demand =
            desired as f64 * Dice::of(&pool.pool_id, SALT_POOL_PEAK).between(low, high);
        // Pools that are not running now (stopped, or never started yet) have no history.
        let in_service = matches!(
            pool.state,
            PoolState::Running | PoolState::Updating | PoolState::Stopping | PoolState::Deleting
        );
        PoolUsage {
            profile,
            desired,
            peak_demand,
            offset_minutes: utc_offset_minutes(region),
            first_minute: in_service.then(|| (pool.created_at / 60.0).ceil() as i64),
            hours: Dice::of(&pool.pool_id, SALT_POOL_HOUR),
        }
    }

    /// The pool's profile.
    #[cfg(test)]
    pub(crate) fn profile(&self) -> PoolProfile {
        self.profile
    }

    /// The first minute the pool served sessions, or `None` when it has no history (a pool
    /// that is stopped, or being created or started).
    pub(crate) fn first_minute(&self) -> Option<i64> {
        self.first_minute
    }

    /// Sessions the pool asks for, at every minute.
    pub(crate) fn desired(&self) -> i64 {
        self.desired
    }

    /// The hour starting at absolute minute `hour * 60`, as up to [`MAX_POOL_STRETCHES`]
    /// stretches. Minutes before the pool's first minute are in it too: callers clip.
    pub(crate) fn hour(&self, hour: i64) -> PoolHour {
        let dice = self.hours.at(hour);
        let hour_start = hour * MINUTES_PER_HOUR;
        // Up to three cuts at distinct minutes inside the hour.
        let mut cuts = [MINUTES_PER_HOUR; MAX_POOL_STRETCHES];
        let cut_count = dice.below(MAX_POOL_STRETCHES as u64) as usize;
        for (i, cut) in cuts.iter_mut().enumerate().take(cut_count) {
            *cut = 1 + dice.at(i as i64).below(MINUTES_PER_HOUR as u64 - 1) as i64;
        }
        cuts[..cut_count].sort_unstable();
        let mut hour_out = PoolHour {
            stretches: [PoolStretch {
                start: 0,
                end: 0,
                desired: 0,
                actual: 0,
                active: 0,
                rejected_per_minute: 0,
            }; MAX_POOL_STRETCHES],
            len: 0,
        };
        let mut from = 0;
        for (i, &to) in cuts[..cut_count]
            .iter()
            .chain(std::iter::once(&MINUTES_PER_HOUR))
            .enumerate()
        {
            if to <= from {
                continue;
            }
            let stretch_dice = dice.at(100 + i as i64);
            hour_out.stretches[hour_out.len] =
                self.stretch(hour_start + from, hour_start + to, stretch_dice);
            hour_out.len += 1;
            from = to;
        }
        hour_out
    }

    fn stretch(&self, start: i64, end: i64, dice: Dice) -> PoolStretch {
        let middle = LocalTime::of((start + end) / 2, self.offset_minutes);
        let noise = dice.between(0.90, 1.10);
        let demand = (self.peak_demand * business_activity(middle) * noise).round() as i64;
        // An instance being replaced now and then: one session provisioning.
        let actual = if self.desired >= 2 && dice.at(1).unit() < 0.04 {
            self.desired - 1
        } else {
            self.desired
        };
        let demand = match self.profile {
            PoolProfile::Oversized => demand.min(self.desired / 2),
            _ => demand,
        };
        let active = demand.clamp(0, actual);
        let rejected_per_minute = match self.profile {
            PoolProfile::Saturating if demand > actual => {
                ((demand - actual) as f64 * dice.at(2).between(0.3, 0.7)).ceil() as i64
            }
            _ => 0,
        };
        PoolStretch {
            start,
            end,
            desired: self.desired,
            actual,
            active,
            rejected_per_minute,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Personal WorkSpaces

/// How a personal WorkSpace is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkspaceProfile {
    /// Connects most weekdays, morning and afternoon.
    DailyUser,
    /// Connects on about one weekday in three.
    Occasional,
    /// Used daily until an instant between 2026-02-01 and 2026-06-01, never since.
    Stale,
    /// Its user never connected.
    NeverConnected,
}

impl WorkspaceProfile {
    /// The profile of the WorkSpace with this id.
    pub fn of(workspace_id: &str) -> WorkspaceProfile {
        match Dice::of(workspace_id, SALT_PROFILE).below(100) {
            0..8 => WorkspaceProfile::Stale,
            8..14 => WorkspaceProfile::NeverConnected,
            14..26 => WorkspaceProfile::Occasional,
            _ => WorkspaceProfile::DailyUser,
        }
    }
}

/// The health a WorkSpace reports while its instance runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunningHealth {
    /// Healthy.
    Healthy,
    /// `IMPAIRED` or `UNHEALTHY` now: unhealthy whenever it runs.
    Unhealthy,
}

/// One connection of a user to a WorkSpace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Session {
    /// The absolute minute the user connected.
    pub(crate) start: i64,
    /// The absolute minute after the last connected one: the minute of the disconnection.
    pub(crate) end: i64,
    /// Attempts that failed just before the connection succeeded.
    pub(crate) failed_attempts: u32,
    /// Seconds the session took to launch (longer when the instance had to start).
    pub(crate) launch_seconds: f64,
}

/// A WorkSpace's day in its region's local time: its sessions and when its instance runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DayPlan {
    /// The local day.
    pub(crate) day: i64,
    /// Its first absolute minute.
    pub(crate) start: i64,
    /// The absolute minute after its last.
    pub(crate) end: i64,
    /// Sessions in order; none overlap.
    pub(crate) sessions: Vec<Session>,
    /// Intervals `[start, end)` in which the instance runs, in order.
    pub(crate) running: Vec<(i64, i64)>,
    /// The weekly maintenance window `[start, end)` of an always-on WorkSpace, when on this day.
    pub(crate) maintenance: Option<(i64, i64)>,
}

/// How one personal WorkSpace is used over time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WorkspaceUsage {
    id_days: Dice,
    profile: WorkspaceProfile,
    always_on: bool,
    auto_stop_minutes: i64,
    offset_minutes: i64,
    created: Option<i64>,
    stale_after: Option<i64>,
    stopped_since: Option<i64>,
    health: RunningHealth,
}

impl WorkspaceUsage {
    /// The use of `workspace`, whose user lives in `region`'s time zone.
    pub(crate) fn of(workspace: &Workspace, region: &str) -> WorkspaceUsage {
        let id = workspace.workspace_id.as_str();
        let profile = WorkspaceProfile::of(id);
        let state = workspace.state.as_deref().unwrap_or("AVAILABLE");
        let properties = workspace.workspace_properties.as_ref();
        let running_mode = properties.and_then(|p| p.running_mode.as_deref());
        // MANUAL WorkSpaces run until someone stops them: for their metrics, always on.
        let always_on = matches!(running_mode, Some("ALWAYS_ON" | "MANUAL"));
        let auto_stop_minutes = properties
            .and_then(|p| p.running_mode_auto_stop_timeout_in_minutes)
            .map_or(60, i64::from)
            .clamp(60, 36 * 60);
        // Never built, failed to build, or gone: no history at all.
        let exists = !matches!(state, "PENDING" | "ERROR" | "TERMINATED");
        let created = exists.then(|| {
            Dice::of(id, SALT_WORKSPACE_CREATED)
                .minutes_between(WORKSPACES_CREATED_FROM, WORKSPACES_CREATED_TO)
        });
        let stale_after = (profile == WorkspaceProfile::Stale)
            .then(|| Dice::of(id, SALT_STALE).minutes_between(STALE_FROM, STALE_TO));
        let stopped_since = matches!(state, "STOPPED" | "SUSPENDED")
            .then(|| Dice::of(id, SALT_STOPPED).minutes_between(STOPPED_FROM, STOPPED_TO));
        let health = if matches!(state, "IMPAIRED" | "UNHEALTHY") {
            RunningHealth::Unhealthy
        } else {
            RunningHealth::Healthy
        };
        WorkspaceUsage {
            id_days: Dice::of(id, SALT_WORKSPACE_DAY),
            profile,
            always_on,
            auto_stop_minutes,
            offset_minutes: utc_offset_minutes(region),
            created,
            stale_after,
            stopped_since,
            health,
        }
    }

    /// The WorkSpace's profile.
    pub(crate) fn profile(&self) -> WorkspaceProfile {
        self.profile
    }

    /// The minute the WorkSpace was created, or `None` when it has no history (`PENDING`,
    /// `ERROR`, `TERMINATED`).
    pub(crate) fn created(&self) -> Option<i64> {
        self.created
    }

    /// The minute a WorkSpace that is `STOPPED` now was stopped; it has not run since.
    pub(crate) fn stopped_since(&self) -> Option<i64> {
        self.stopped_since
    }

    /// The health it reports while it runs.
    pub(crate) fn running_health(&self) -> RunningHealth {
        self.health
    }

    /// The UTC offset of its user's local time, in minutes.
    pub(crate) fn offset_minutes(&self) -> i64 {
        self.offset_minutes
    }

    /// Its local day `day`. A day before the WorkSpace was created, or of one with no history,
    /// has no sessions and no running.
    pub(crate) fn day(&self, day: i64) -> DayPlan {
        let start = local_day_start(day, self.offset_minutes);
        let end = start + MINUTES_PER_DAY;
        let mut plan = DayPlan {
            day,
            start,
            end,
            sessions: Vec::new(),
            running: Vec::new(),
            maintenance: None,
        };
        let Some(created) = self.created else {
            return plan;
        };
        let alive_from = created.max(start);
        let alive_to = self.stopped_since.map_or(end, |s| s.clamp(start, end));
        if alive_from >= alive_to {
            return plan;
        }
        plan.sessions = self
            .sessions_wanted(day, start)
            .into_iter()
            .filter(|s| s.start >= alive_from && s.start < alive_to)
            .filter(|s| self.stale_after.is_none_or(|cutoff| s.start <= cutoff))
            .map(|s| Session {
                end: s.end.min(alive_to),
                ..s
            })
            .collect();
        if self.always_on {
            plan.running.push((alive_from, alive_to));
            let time = LocalTime::of(start, self.offset_minutes);
            // AWS's weekly maintenance of always-on WorkSpaces: Sunday night, local time.
            if time.weekday() == 6 {
                let window = (start.max(alive_from), (start + 60).min(alive_to));
                plan.maintenance = (window.0 < window.1).then_some(window);
            }
        } else {
            for session in &plan.sessions {
                let until = (session.end + self.auto_stop_minutes).min(alive_to);
                match plan.running.last_mut() {
                    Some(last) if last.1 >= session.start => last.1 = last.1.max(until),
                    _ => plan.running.push((session.start, until)),
                }
            }
        }
        // A session on a stopped instance waits for it to start.
        let mut previous_end = None;
        for session in &mut plan.sessions {
            let instance_was_running = self.always_on
                || previous_end
                    .is_some_and(|end: i64| end + self.auto_stop_minutes > session.start);
            let dice = self.id_days.at(day).at(session.start);
            session.launch_seconds = if instance_was_running {
                dice.between(6.0, 25.0)
            } else {
                dice.between(55.0, 110.0)
            };
            previous_end = Some(session.end);
        }
        plan
    }

    /// The sessions the user would have on a local day, before the WorkSpace's own history
    /// (creation, stop, staleness) is applied.
    fn sessions_wanted(&self, day: i64, day_start: i64) -> Vec<Session> {
        let dice = self.id_days.at(day);
        let weekend = LocalTime::of(day_start, self.offset_minutes).is_weekend();
        let at = |local_minute: i64| day_start + local_minute;
        let session = |start: i64, end: i64, dice: Dice| Session {
            start,
            end,
            failed_attempts: match dice.below(100) {
                0..2 => 2,
                2..10 => 1,
                _ => 0,
            },
            launch_seconds: 0.0,
        };
        let mut sessions = Vec::new();
        match self.profile {
            WorkspaceProfile::NeverConnected => {}
            WorkspaceProfile::DailyUser | WorkspaceProfile::Stale => {
                if !weekend && dice.unit() < 0.93 {
                    let morning_start = at(dice.at(1).minutes_between(7 * 60 + 30, 9 * 60 + 30));
                    let morning_end = at(dice.at(2).minutes_between(11 * 60 + 45, 12 * 60 + 45));
                    sessions.push(session(morning_start, morning_end, dice.at(3)));
                    if dice.at(4).unit() < 0.9 {
                        let afternoon_start = morning_end + dice.at(5).minutes_between(30, 75);
                        let afternoon_end = at(dice.at(6).minutes_between(16 * 60, 18 * 60 + 30));
                        sessions.push(session(afternoon_start, afternoon_end, dice.at(7)));
                    }
                } else if weekend && dice.unit() < 0.08 {
                    let start = at(dice.at(1).minutes_between(10 * 60, 15 * 60));
                    let end = start + dice.at(2).minutes_between(30, 150);
                    sessions.push(session(start, end, dice.at(3)));
                }
            }
            WorkspaceProfile::Occasional => {
                let chance = if weekend { 0.03 } else { 0.3 };
                if dice.unit() < chance {
                    let start = at(dice.at(1).minutes_between(9 * 60, 16 * 60));
                    let end = start + dice.at(2).minutes_between(45, 180);
                    sessions.push(session(start, end, dice.at(3)));
                }
            }
        }
        sessions
    }

    /// The minute the instance last booted before or at `minute`, when it runs then.
    pub(crate) fn boot_minute(&self, plan: &DayPlan, minute: i64) -> Option<i64> {
        let &(from, _) = plan
            .running
            .iter()
            .find(|(from, to)| *from <= minute && minute < *to)?;
        if !self.always_on {
            return Some(from);
        }
        // Always-on instances reboot in their weekly maintenance window (Sunday 00:00–01:00
        // local) and run through the week from its end.
        let created = self.created?;
        let local = minute + self.offset_minutes;
        let days_since_sunday = (LocalTime::of(minute, self.offset_minutes).weekday() + 1) % 7;
        let sunday_one_am =
            (local.div_euclid(MINUTES_PER_DAY) - days_since_sunday) * MINUTES_PER_DAY + 60
                - self.offset_minutes;
        let last_reboot = if sunday_one_am <= minute {
            sunday_one_am
        } else {
            sunday_one_am - 7 * MINUTES_PER_DAY
        };
        Some(last_reboot.max(created))
    }

    /// When the user last connected before `now` (epoch seconds), or `None` when they never did:
    /// the WorkSpaces connection status (`connection_status.rs`).
    pub(crate) fn last_user_connection(&self, now_epoch_seconds: i64) -> Option<i64> {
        let created = self.created?;
        if self.profile == WorkspaceProfile::NeverConnected {
            return None;
        }
        let now_minute = now_epoch_seconds.div_euclid(60);
        let latest = self
            .stale_after
            .map_or(now_minute, |cutoff| cutoff.min(now_minute));
        let first_day = LocalTime::of(created, self.offset_minutes).day;
        let mut day = LocalTime::of(latest, self.offset_minutes).day;
        while day >= first_day {
            let last = self
                .day(day)
                .sessions
                .iter()
                .map(|s| s.start)
                .filter(|start| *start * 60 < now_epoch_seconds)
                .max();
            if let Some(start) = last {
                return Some(start * 60);
            }
            day -= 1;
        }
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::Fleet;

    /// 2026-07-01T12:00:00Z, the seeded fleet's "now".
    const NOW: i64 = 1_782_907_200;

    #[test]
    fn local_time_and_weekdays() {
        // 2026-07-01 is a Wednesday; 12:00 UTC is 07:00 in New York (UTC-5, no DST here).
        let time = LocalTime::of(NOW / 60, utc_offset_minutes("us-east-1"));
        assert_eq!(time.weekday(), 2);
        assert_eq!(time.minute_of_day, 7 * 60);
        let tokyo = LocalTime::of(NOW / 60, utc_offset_minutes("ap-northeast-1"));
        assert_eq!(tokyo.minute_of_day, 21 * 60);
        assert_eq!(utc_offset_minutes("ap-south-1"), 330);
        assert_eq!(utc_offset_minutes("eu-somewhere-9"), 60, "by prefix");
        assert_eq!(utc_offset_minutes("xx-nowhere-1"), 0);
        assert_eq!(local_day_start(time.day, -300) + 7 * 60, NOW / 60);
    }

    #[test]
    fn business_hours_are_busier_than_nights_and_weekends() {
        let wednesday = LocalTime::of(NOW / 60, 0).day;
        let at = |day: i64, hour: i64| {
            business_activity(LocalTime {
                day,
                minute_of_day: hour * 60,
            })
        };
        assert!(at(wednesday, 14) > 0.9);
        assert!(at(wednesday, 3) < 0.05);
        assert!(at(wednesday, 12) < at(wednesday, 11), "lunch dip");
        let saturday = wednesday + 3;
        assert!(at(saturday, 14) < 0.2);
    }

    #[test]
    fn every_profile_shows_up_in_a_demo_sized_fleet() {
        let fleet = Fleet::seeded(7, &["us-east-1"], 100);
        let pools = fleet.pools("us-east-1");
        let count = |profile| {
            pools
                .iter()
                .filter(|p| PoolProfile::of(&p.pool_id) == profile)
                .count()
        };
        for profile in [PoolProfile::Saturating, PoolProfile::Oversized] {
            assert!(
                (3..=20).contains(&count(profile)),
                "{profile:?}: {}",
                count(profile)
            );
        }
        assert!(count(PoolProfile::Normal) > 60);
    }

    #[test]
    fn pool_hours_are_covered_by_consistent_stretches() {
        let fleet = Fleet::seeded(7, &["us-east-1"], 60);
        for pool in fleet.pools("us-east-1") {
            let usage = PoolUsage::of(pool, "us-east-1");
            for hour in (NOW / 3600 - 48)..(NOW / 3600) {
                let stretches = usage.hour(hour);
                let stretches = stretches.stretches();
                assert_eq!(stretches[0].start, hour * 60);
                assert_eq!(stretches[stretches.len() - 1].end, hour * 60 + 60);
                for pair in stretches.windows(2) {
                    assert_eq!(pair[0].end, pair[1].start);
                }
                for s in stretches {
                    assert!(s.start < s.end);
                    assert!(0 <= s.active && s.active <= s.actual && s.actual <= s.desired);
                    assert_eq!(s.desired, usage.desired());
                    if s.rejected_per_minute > 0 {
                        assert_eq!(usage.profile(), PoolProfile::Saturating);
                        assert_eq!(s.active, s.actual, "rejects only when full");
                    }
                    if usage.profile() == PoolProfile::Oversized {
                        assert!(s.active * 2 <= s.desired);
                    }
                }
            }
        }
    }

    /// A fleet with enough personal WorkSpaces for every profile (about 60): seeded fleets have
    /// a handful per directory and a few directories per region.
    pub(crate) fn workspaces_fleet() -> Fleet {
        Fleet::seeded(
            7,
            &[
                "us-east-1",
                "us-west-2",
                "eu-west-1",
                "eu-central-1",
                "ap-northeast-1",
                "ap-southeast-2",
            ],
            300,
        )
    }

    #[test]
    fn workspace_days_are_consistent() {
        let fleet = workspaces_fleet();
        for region in fleet.regions() {
            for workspace in fleet.workspaces(region) {
                let usage = WorkspaceUsage::of(workspace, region);
                let today = LocalTime::of(NOW / 60, usage.offset_minutes()).day;
                for day in (today - 20)..=today {
                    let plan = usage.day(day);
                    for pair in plan.sessions.windows(2) {
                        assert!(pair[0].end <= pair[1].start, "{plan:?}");
                    }
                    for session in &plan.sessions {
                        assert!(plan.start <= session.start && session.end <= plan.end);
                        assert!(session.start < session.end);
                        let running = plan
                            .running
                            .iter()
                            .any(|(from, to)| *from <= session.start && session.end <= *to);
                        assert!(running, "a session runs the instance: {plan:?}");
                    }
                    if usage.profile() == WorkspaceProfile::NeverConnected {
                        assert!(plan.sessions.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn last_connections_follow_the_profiles() {
        let fleet = workspaces_fleet();
        let mut seen = std::collections::HashMap::new();
        for region in fleet.regions() {
            for workspace in fleet.workspaces(region) {
                let usage = WorkspaceUsage::of(workspace, region);
                if usage.created().is_none() || usage.stopped_since().is_some() {
                    continue;
                }
                let last = usage.last_user_connection(NOW);
                *seen.entry(usage.profile()).or_insert(0) += 1;
                match usage.profile() {
                    WorkspaceProfile::NeverConnected => assert_eq!(last, None),
                    WorkspaceProfile::Stale => {
                        let last = last.expect("stale users connected once");
                        let age_days = (NOW - last) / 86_400;
                        assert!((30..=160).contains(&age_days), "{age_days} days");
                    }
                    WorkspaceProfile::DailyUser => {
                        let last = last.expect("daily users connect");
                        assert!(NOW - last < 6 * 86_400, "{} s", NOW - last);
                    }
                    WorkspaceProfile::Occasional => {
                        let last = last.expect("occasional users connect");
                        assert!(NOW - last < 40 * 86_400);
                    }
                }
                if let Some(last) = last {
                    assert!(last < NOW);
                    // Asking later never finds an earlier last connection.
                    let later = usage
                        .last_user_connection(NOW + 86_400)
                        .expect("still connected once");
                    assert!(later >= last);
                }
            }
        }
        for profile in [WorkspaceProfile::Stale, WorkspaceProfile::NeverConnected] {
            assert!(seen.get(&profile).copied().unwrap_or(0) >= 2, "{seen:?}");
        }
    }
}
