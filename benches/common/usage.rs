//! CPU time and memory as the benches that report CPU per call read them (Linux only): a child
//! process's user + system time from `wait4` and its peak RSS from its own `VmHWM`, the CPU of
//! this process's threads whose name starts with a prefix (each runtime of a bench names its threads, so the emulator's
//! CPU and a floor's are told apart in one process), the whole machine's busy, idle and stolen
//! CPU time, and the load average to print beside each figure (another build on the machine
//! distorts them).

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What one child process cost.
#[derive(Debug, Clone, Copy)]
pub struct ProcessUsage {
    /// User + system CPU time.
    pub cpu: Duration,
    /// Peak resident set size, KiB: the high-water mark of the child's own memory after its
    /// `exec`. Not `wait4`'s `ru_maxrss`, which also holds the RSS of this bench at the spawn:
    /// `posix_spawn` runs the child in the parent's memory until it calls `exec`, and the kernel
    /// keeps that memory's high-water mark as the child's (a bench holding an organization's
    /// emulator read 306 MiB for a wsql whose own peak was 204 MiB).
    pub max_rss_kib: u64,
    /// When it was spawned.
    pub started: Instant,
    /// From spawn to exit.
    pub wall: Duration,
}

/// Runs `command` to its end with stdout written to `stdout` and stderr inherited, and returns
/// its cost. Panics (a bench's failure) if it cannot start or exits unsuccessfully.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its rusage"
)]
pub fn run_measured(command: &mut Command, stdout: &Path) -> ProcessUsage {
    let out = std::fs::File::create(stdout).expect("creates the output file");
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .spawn()
        .expect("the command starts");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    let peak = PeakWatch::start(child.id());
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data that wait4 fills in; `status` and `usage` outlive the call.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the child is ours and not waited for elsewhere (`Child` never waits on drop).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    let max_rss_kib = peak.stop();
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed (status {status})"
    );
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    ProcessUsage {
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        max_rss_kib,
        started,
        wall,
    }
}

/// Reads a running process's `VmHWM` (its peak RSS since its `exec`) every 20 ms until
/// stopped; the last value read is its peak, short only of growth in its last 20 ms (a process
/// ending frees, it does not grow). The kernel keeps the high-water mark, so reading it more
/// often finds nothing more, and takes CPU from the processes being measured (a wake and a read
/// of `/proc` each time).
struct PeakWatch {
    stop: Arc<AtomicBool>,
    watcher: JoinHandle<u64>,
}

impl PeakWatch {
    fn start(pid: u32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let watcher = std::thread::spawn(move || {
            let path = format!("/proc/{pid}/status");
            let mut peak = 0;
            while !stopped.load(Ordering::Relaxed) {
                if let Some(kib) = std::fs::read_to_string(&path).ok().and_then(|s| vm_hwm(&s)) {
                    peak = peak.max(kib);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        Self { stop, watcher }
    }

    /// The peak read, in KiB.
    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.watcher.join().expect("the watcher runs")
    }
}

/// `VmHWM` of a `/proc/<pid>/status`, in KiB.
fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU time so far of this process's live threads whose name starts with `prefix`, from each
/// thread's `schedstat` (nanoseconds on a CPU, user and system).
pub fn threads_cpu(prefix: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut total = Duration::ZERO;
    for task in tasks.flatten() {
        let path = task.path();
        let named = std::fs::read_to_string(path.join("comm"))
            .is_ok_and(|name| name.trim_end().starts_with(prefix));
        if !named {
            continue;
        }
        let on_cpu = std::fs::read_to_string(path.join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
        total += Duration::from_nanos(on_cpu.unwrap_or(0));
    }
    total
}

/// The 1-, 5- and 15-minute load averages, as `/proc/loadavg` says them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".to_string())
}

/// A multi-thread runtime whose threads are named `name` (for [`threads_cpu`]), with the
/// default number of workers (one per core), as `wsql` builds its own.
pub fn named_runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The median of `values` (the upper middle of an even count); zero when empty.
pub fn median(values: &[Duration]) -> Duration {
    quantile(values, 0.5)
}

/// The value of `values` at `fraction` of the way up (0.5 the median, 0.9 the 90th
/// percentile): the one `len × fraction` places above the smallest; zero when empty.
pub fn quantile(values: &[Duration], fraction: f64) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 * fraction) as usize).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}

/// The whole machine's CPU time by kind, from the first line of `/proc/stat`: every process's
/// and the kernel's own (its soft-interrupt threads carry loopback traffic), which a floor
/// made of two processes' CPU leaves out, and the time the host gave other guests.
#[derive(Debug, Clone, Copy, Default)]
pub struct MachineCpu {
    /// User, nice, system, interrupt and soft-interrupt time.
    pub busy: Duration,
    /// Idle, and waiting for I/O.
    pub idle: Duration,
    /// Stolen: time this machine's CPUs wanted to run while the hypervisor ran something else.
    pub stolen: Duration,
}

impl MachineCpu {
    /// The machine's CPU time since boot (zero where `/proc/stat` cannot be read).
    pub fn now() -> Self {
        let Ok(stat) = std::fs::read_to_string("/proc/stat") else {
            return Self::default();
        };
        // SAFETY: sysconf only reads a constant of the system.
        let ticks_per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        let ticks: Vec<u64> = stat
            .lines()
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .skip(1)
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        let field = |i: usize| ticks.get(i).copied().unwrap_or(0);
        let time = |t: u64| Duration::from_nanos(t * 1_000_000_000 / ticks_per_second);
        // user nice system idle iowait irq softirq steal
        Self {
            busy: time(field(0) + field(1) + field(2) + field(5) + field(6)),
            idle: time(field(3) + field(4)),
            stolen: time(field(7)),
        }
    }

    /// The time spent from `earlier` to `self`.
    pub fn since(self, earlier: Self) -> Self {
        Self {
            busy: self.busy.saturating_sub(earlier.busy),
            idle: self.idle.saturating_sub(earlier.idle),
            stolen: self.stolen.saturating_sub(earlier.stolen),
        }
    }
}
