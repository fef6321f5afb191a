//! The samples of one metric of one resource (or of a directory's WorkSpaces together), as
//! statistics over any run of minutes.
//!
//! A pool's hour is the few stretches `usage.rs` gives it; a personal WorkSpace's hour is cut
//! into pieces wherever its local day's plan changes (a session starts or ends, the instance
//! starts or stops, a maintenance window, its creation). Within a piece every metric has one
//! [`Shape`], chosen from the piece's state and dice keyed by the resource, the metric and the
//! piece, so a statistic over a period costs a few shape evaluations per hour and the same
//! minute always reads the same.
//!
//! The metrics agree with each other by construction: in every minute a pool's
//! `AvailableUserSessionCapacity` is `Actual - Active`, `UserSessionsCapacityUtilization` is
//! `Active / Actual * 100` (no sample while `Actual` is 0), `PendingUserSessionCapacity` is
//! `Desired - Actual`; a WorkSpace reports exactly one of `Available`, `Unhealthy`, `Stopped` and
//! `Maintenance` as 1, `ConnectionAttempt` is `ConnectionSuccess + ConnectionFailure`, and
//! `UserConnected` is 1 only while a session lasts.

use crate::seed::{fnv1a, mix64};
use crate::shapes::{Pool, Workspace};
use crate::usage::{
    DayPlan, Dice, LocalTime, MINUTES_PER_HOUR, PoolStretch, PoolUsage, RunningHealth, Session,
    WorkspaceProfile, WorkspaceUsage,
};

use super::catalog::{MetricId, MetricSpec, Publishers, Requires};
use super::stats::{Shape, Stats, jitter};

/// The samples of a query's target: one pool, one WorkSpace, or a directory's WorkSpaces.
#[derive(Debug)]
pub(crate) enum Series {
    /// A pool's metrics.
    Pool(PoolUsage),
    /// The union of the samples of these WorkSpaces (one for `WorkspaceId`, all of a
    /// directory's for `DirectoryId`).
    Workspaces(Vec<WorkspaceSeries>),
}

impl Series {
    /// A pool's metrics.
    pub(crate) fn pool(pool: &Pool, region: &str) -> Series {
        Series::Pool(PoolUsage::of(pool, region))
    }

    /// These WorkSpaces' metrics, their samples together.
    pub(crate) fn workspaces<'a>(
        workspaces: impl IntoIterator<Item = &'a Workspace>,
        region: &str,
    ) -> Series {
        Series::Workspaces(
            workspaces
                .into_iter()
                .map(|w| WorkspaceSeries::new(w, region))
                .collect(),
        )
    }

    /// The earliest minute with a sample of any metric, or `None` when there are none ever.
    pub(crate) fn first_minute(&self) -> Option<i64> {
        match self {
            Series::Pool(usage) => usage.first_minute(),
            Series::Workspaces(all) => all.iter().filter_map(|w| w.usage.created()).min(),
        }
    }

    /// The samples of `metric` at minutes `from..to`.
    pub(crate) fn stats(&mut self, metric: &MetricSpec, from: i64, to: i64) -> Stats {
        let mut stats = Stats::NONE;
        match self {
            Series::Pool(usage) => {
                let Some(first) = usage.first_minute() else {
                    return stats;
                };
                let from = from.max(first);
                for hour in hours(from, to) {
                    let stretches = usage.hour(hour);
                    for stretch in stretches.stretches() {
                        let (lo, hi) = (from.max(stretch.start), to.min(stretch.end));
                        if lo < hi
                            && let Some(shape) = pool_shape(metric.id, stretch)
                        {
                            stats.merge(shape.stats(
                                stretch.start,
                                hour * MINUTES_PER_HOUR,
                                lo,
                                hi,
                            ));
                        }
                    }
                }
            }
            Series::Workspaces(all) => {
                for workspace in all {
                    stats.merge(workspace.stats(metric, from, to));
                }
            }
        }
        stats
    }

    /// Whether `metric` has any sample at minutes `from..to`, decided from the resources'
    /// plans rather than their samples (for ListMetrics, over whole fleets).
    pub(crate) fn has_samples(&mut self, metric: &MetricSpec, from: i64, to: i64) -> bool {
        match self {
            Series::Pool(usage) => {
                let in_service = usage
                    .first_minute()
                    .is_some_and(|first| first.max(from) < to);
                // Utilization has no sample while Actual is 0, which is always when Desired is 0
                // and never otherwise (only pools of 2 or more lose an instance now and then).
                in_service
                    && (metric.id != MetricId::UserSessionsCapacityUtilization
                        || usage.desired() > 0)
            }
            Series::Workspaces(all) => all.iter_mut().any(|w| w.has_samples(metric, from, to)),
        }
    }

    /// Every sample of `metric` at `minute`, one per resource that has one, evaluated minute by
    /// minute: the reference [`Series::stats`] is tested against.
    #[cfg(test)]
    pub(crate) fn samples_at(&mut self, metric: &MetricSpec, minute: i64) -> Vec<f64> {
        let hour = minute.div_euclid(MINUTES_PER_HOUR);
        match self {
            Series::Pool(usage) => {
                if usage.first_minute().is_none_or(|first| minute < first) {
                    return Vec::new();
                }
                let stretches = usage.hour(hour);
                stretches
                    .stretches()
                    .iter()
                    .filter(|s| s.start <= minute && minute < s.end)
                    .filter_map(|s| {
                        pool_shape(metric.id, s)?.value_at(s.start, hour * MINUTES_PER_HOUR, minute)
                    })
                    .collect()
            }
            Series::Workspaces(all) => all
                .iter_mut()
                .filter_map(|w| w.sample_at(metric, minute))
                .collect(),
        }
    }
}

/// The hours `from..to` touches.
fn hours(from: i64, to: i64) -> std::ops::Range<i64> {
    if to <= from {
        return 0..0;
    }
    from.div_euclid(MINUTES_PER_HOUR)..(to - 1).div_euclid(MINUTES_PER_HOUR) + 1
}

/// A pool metric in a stretch of constant use.
fn pool_shape(metric: MetricId, s: &PoolStretch) -> Option<Shape> {
    let value = match metric {
        MetricId::ActiveUserSessionCapacity => s.active,
        MetricId::ActualUserSessionCapacity => s.actual,
        MetricId::AvailableUserSessionCapacity => s.actual - s.active,
        MetricId::PendingUserSessionCapacity => s.desired - s.actual,
        MetricId::DesiredUserSessionCapacity => s.desired,
        MetricId::InsufficientCapacityError => s.rejected_per_minute,
        MetricId::UserSessionsCapacityUtilization => {
            return (s.actual > 0)
                .then(|| Shape::Constant(s.active as f64 * 100.0 / s.actual as f64));
        }
        _ => return None,
    };
    Some(Shape::Constant(value as f64))
}

/// What a WorkSpace reports as its health in a minute: exactly one of the four is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    Available,
    Unhealthy,
    Stopped,
    Maintenance,
}

/// A WorkSpace's state through a piece of an hour.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WorkspacePiece {
    start: i64,
    end: i64,
    hour_start: i64,
    exists: bool,
    running: bool,
    health: Health,
    /// The session connected through the piece.
    session: Option<Session>,
    /// A session starting at the piece's first minute.
    connecting: Option<Session>,
    /// A session ending (the user disconnecting) at the piece's first minute.
    disconnecting: bool,
    /// When the instance last booted.
    boot: Option<i64>,
    /// The local day, for slowly drifting levels (disk use).
    day: i64,
}

/// Whether a WorkSpace metric has samples somewhere in a run of minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Activity {
    exists: bool,
    running: bool,
    connected: bool,
    connecting: bool,
    disconnecting: bool,
}

/// One personal WorkSpace's metrics.
#[derive(Debug)]
pub(crate) struct WorkspaceSeries {
    usage: WorkspaceUsage,
    key: u64,
    graphics: bool,
    wsp: bool,
    /// The local days last planned, most recent last (an hour touches at most two).
    days: Vec<DayPlan>,
    pieces: Vec<WorkspacePiece>,
    cuts: Vec<i64>,
}

impl WorkspaceSeries {
    fn new(workspace: &Workspace, region: &str) -> WorkspaceSeries {
        let properties = workspace.workspace_properties.as_ref();
        let graphics = properties
            .and_then(|p| p.compute_type_name.as_deref())
            .is_some_and(|c| c.contains("GRAPHICS"));
        let wsp = properties
            .and_then(|p| p.protocols.as_ref())
            .is_some_and(|p| p.iter().any(|p| p == "WSP"));
        WorkspaceSeries {
            usage: WorkspaceUsage::of(workspace, region),
            key: fnv1a(workspace.workspace_id.as_bytes()),
            graphics,
            wsp,
            days: Vec::with_capacity(3),
            pieces: Vec::with_capacity(16),
            cuts: Vec::with_capacity(32),
        }
    }

    /// The plan of a local day, from the cache when recent.
    fn plan(&mut self, day: i64) -> &DayPlan {
        if let Some(i) = self.days.iter().position(|p| p.day == day) {
            return &self.days[i];
        }
        if self.days.len() == 3 {
            self.days.remove(0);
        }
        self.days.push(self.usage.day(day));
        let last = self.days.len() - 1;
        &self.days[last]
    }

    fn local_day(&self, minute: i64) -> i64 {
        LocalTime::of(minute, self.usage.offset_minutes()).day
    }

    /// Cuts the hour into pieces of constant state, in `self.pieces`.
    fn cut_hour(&mut self, hour: i64) {
        let start = hour * MINUTES_PER_HOUR;
        let end = start + MINUTES_PER_HOUR;
        let first_day = self.local_day(start);
        let last_day = self.local_day(end - 1);
        let mut cuts = std::mem::take(&mut self.cuts);
        cuts.clear();
        cuts.extend([start, end]);
        if let Some(created) = self.usage.created() {
            cuts.push(created);
        }
        for day in first_day..=last_day {
            let plan = self.plan(day);
            cuts.push(plan.start);
            for s in &plan.sessions {
                cuts.extend([s.start, s.end]);
            }
            for &(from, to) in &plan.running {
                cuts.extend([from, to]);
            }
            if let Some((from, to)) = plan.maintenance {
                cuts.extend([from, to]);
            }
        }
        cuts.retain(|c| (start..=end).contains(c));
        cuts.sort_unstable();
        cuts.dedup();
        self.pieces.clear();
        for pair in cuts.windows(2) {
            let piece = self.piece_at(pair[0], pair[1], start);
            self.pieces.push(piece);
        }
        self.cuts = cuts;
    }

    /// The state of the piece `start..end` of the hour starting at `hour_start`.
    fn piece_at(&mut self, start: i64, end: i64, hour_start: i64) -> WorkspacePiece {
        let exists = self.usage.created().is_some_and(|c| start >= c);
        let day = self.local_day(start);
        let unhealthy = self.usage.running_health() == RunningHealth::Unhealthy;
        let usage = self.usage;
        let plan = self.plan(day);
        let running = plan.running.iter().any(|&(f, t)| f <= start && start < t);
        let maintenance = plan
            .maintenance
            .is_some_and(|(f, t)| f <= start && start < t);
        let session = plan
            .sessions
            .iter()
            .find(|s| s.start <= start && start < s.end)
            .copied();
        let connecting = plan.sessions.iter().find(|s| s.start == start).copied();
        let disconnecting = running && plan.sessions.iter().any(|s| s.end == start);
        let boot = running.then(|| usage.boot_minute(plan, start)).flatten();
        let health = if !running {
            Health::Stopped
        } else if maintenance {
            Health::Maintenance
        } else if unhealthy {
            Health::Unhealthy
        } else {
            Health::Available
        };
        WorkspacePiece {
            start,
            end,
            hour_start,
            exists,
            running,
            health,
            session,
            connecting,
            disconnecting,
            boot,
            day,
        }
    }

    fn stats(&mut self, metric: &MetricSpec, from: i64, to: i64) -> Stats {
        let mut stats = Stats::NONE;
        let Some(created) = self.usage.created() else {
            return stats;
        };
        if !self.publishes(metric) {
            return stats;
        }
        let from = from.max(created);
        for hour in hours(from, to) {
            self.cut_hour(hour);
            for piece in &self.pieces {
                let (lo, hi) = (from.max(piece.start), to.min(piece.end));
                if lo < hi
                    && let Some(shape) = self.shape(metric, piece)
                {
                    stats.merge(shape.stats(piece.start, piece.hour_start, lo, hi));
                }
            }
        }
        stats
    }

    #[cfg(test)]
    fn sample_at(&mut self, metric: &MetricSpec, minute: i64) -> Option<f64> {
        if !self.publishes(metric) {
            return None;
        }
        self.cut_hour(minute.div_euclid(MINUTES_PER_HOUR));
        let piece = *self
            .pieces
            .iter()
            .find(|p| p.start <= minute && minute < p.end)?;
        self.shape(metric, &piece)?
            .value_at(piece.start, piece.hour_start, minute)
    }

    fn publishes(&self, metric: &MetricSpec) -> bool {
        match metric.publishers {
            Publishers::All => true,
            Publishers::Graphics => self.graphics,
            Publishers::Wsp => self.wsp,
        }
    }

    fn ever_used(&self) -> bool {
        self.usage.profile() != WorkspaceProfile::NeverConnected
    }

    /// The metric's shape in a piece, or `None` when it has no samples there.
    fn shape(&self, metric: &MetricSpec, p: &WorkspacePiece) -> Option<Shape> {
        let present = p.exists
            && match metric.requires {
                Requires::Exists => true,
                Requires::Running => p.running,
                Requires::RunningAndUsed => p.running && self.ever_used(),
                Requires::Connected => p.session.is_some(),
                Requires::SessionStart => p.connecting.is_some(),
                Requires::SessionEnd => p.disconnecting,
            };
        if !present {
            return None;
        }
        let dice = Dice::from_key(mix64(self.key ^ metric.id as u64)).at(p.start);
        let steady = Dice::from_key(mix64(self.key ^ metric.id as u64 ^ 0x57EAD7));
        let phase = dice.at(7).below(60) as u32;
        let connected = p.session.is_some();
        let busy = |active: (f64, f64), idle: (f64, f64)| {
            let (low, high) = if connected { active } else { idle };
            dice.between(low, high)
        };
        let flag = |on: bool| Shape::Constant(if on { 1.0 } else { 0.0 });
        let attempt = p.connecting;
        use MetricId as M;
        Some(match metric.id {
            M::Available => flag(p.health == Health::Available),
            M::Unhealthy => flag(p.health == Health::Unhealthy),
            M::Stopped => flag(p.health == Health::Stopped),
            M::Maintenance => flag(p.health == Health::Maintenance),
            M::ConnectionAttempt => Shape::Event(1.0 + f64::from(attempt?.failed_attempts)),
            M::ConnectionSuccess => Shape::Event(1.0),
            M::ConnectionFailure => Shape::Event(f64::from(attempt?.failed_attempts)),
            M::SessionLaunchTime => Shape::Event((attempt?.launch_seconds * 10.0).round() / 10.0),
            M::SessionDisconnect => Shape::Event(1.0),
            M::UserConnected => flag(connected),
            M::CpuUsage => jitter(busy((12.0, 55.0), (1.0, 6.0)), 0.35, 0.0, 100.0, phase),
            M::MemoryUsage => jitter(busy((35.0, 80.0), (22.0, 38.0)), 0.08, 0.0, 100.0, phase),
            M::RootVolumeDiskUsage | M::UserVolumeDiskUsage => {
                // Disks fill slowly over a two-month cycle, from a level of the WorkSpace's own.
                let base = steady.between(20.0, 70.0);
                let drift = 0.2 * p.day.rem_euclid(60) as f64;
                jitter(base + drift, 0.004, 0.0, 100.0, phase)
            }
            M::GpuUsage => jitter(busy((8.0, 70.0), (0.2, 2.0)), 0.4, 0.0, 100.0, phase),
            M::CpuQueueLength => Shape::Constant(if connected {
                dice.below(4) as f64
            } else {
                dice.below(2) as f64
            }),
            M::RootVolumeDiskIoQueueLength | M::UserVolumeDiskIoQueueLength => {
                jitter(busy((0.2, 2.0), (0.0, 0.3)), 0.5, 0.0, 64.0, phase)
            }
            M::MemoryPageHardFaults => {
                jitter(busy((2.0, 40.0), (0.0, 3.0)), 0.6, 0.0, f64::MAX, phase)
            }
            M::PagingFileUsage => jitter(steady.between(4.0, 25.0), 0.05, 0.0, 100.0, phase),
            M::UpTime => Shape::Ramp {
                first: ((p.start - p.boot?) * 60) as f64,
                step: 60.0,
            },
            M::InSessionLatency => {
                let base = steady.between(25.0, 160.0) * dice.between(0.9, 1.15);
                jitter(base, 0.2, 1.0, f64::MAX, phase)
            }
            M::UdpPacketLossRate => jitter(dice.between(0.0, 1.5), 0.8, 0.0, 100.0, phase),
            M::TcpRetransmissionRate => jitter(dice.between(0.0, 2.5), 0.8, 0.0, 100.0, phase),
            M::Bandwidth => jitter(dice.between(300.0, 4000.0), 0.4, 0.0, f64::MAX, phase),
            M::BandwidthInbound => jitter(dice.between(20.0, 300.0), 0.4, 0.0, f64::MAX, phase),
            M::CongestionWindow => {
                jitter(dice.between(30_000.0, 250_000.0), 0.3, 0.0, f64::MAX, phase)
            }
            M::ConnectionDuration => Shape::Ramp {
                first: ((p.start - p.session?.start) * 60) as f64,
                step: 60.0,
            },
            M::FramesPerSecond => jitter(dice.between(8.0, 30.0), 0.3, 0.0, 60.0, phase),
            _ => return None,
        })
    }

    /// Whether the metric has a sample at minutes `from..to`, from the day plans alone.
    fn has_samples(&mut self, metric: &MetricSpec, from: i64, to: i64) -> bool {
        let Some(created) = self.usage.created() else {
            return false;
        };
        let from = from.max(created);
        if from >= to || !self.publishes(metric) {
            return false;
        }
        let activity = self.activity(from, to);
        match metric.requires {
            Requires::Exists => activity.exists,
            Requires::Running => activity.running,
            Requires::RunningAndUsed => activity.running && self.ever_used(),
            Requires::Connected => activity.connected,
            Requires::SessionStart => activity.connecting,
            Requires::SessionEnd => activity.disconnecting,
        }
    }

    /// What happens at minutes `from..to` (all after the WorkSpace's creation).
    fn activity(&mut self, from: i64, to: i64) -> Activity {
        let mut activity = Activity {
            exists: from < to,
            ..Activity::default()
        };
        let overlaps = |f: i64, t: i64| f < to && from < t;
        for day in self.local_day(from)..=self.local_day(to - 1) {
            let plan = self.usage.day(day);
            activity.running |= plan.running.iter().any(|&(f, t)| overlaps(f, t));
            for s in &plan.sessions {
                activity.connected |= overlaps(s.start, s.end);
                activity.connecting |= (from..to).contains(&s.start);
                activity.disconnecting |= (from..to).contains(&s.end)
                    && plan.running.iter().any(|&(f, t)| f <= s.end && s.end < t);
            }
        }
        activity
    }
}
