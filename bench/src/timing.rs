//! Repetitions, medians and minimums.
//!
//! Times are the measuring thread's own CPU time (`CLOCK_THREAD_CPUTIME_ID`), not wall
//! time: the benchmark machine is shared, and wall time would count other processes.

use cpu_time::ThreadTime;

/// Nanoseconds of CPU time of this thread since `t`.
pub fn since(t: ThreadTime) -> f64 {
    t.elapsed().as_nanos() as f64
}

/// Now, in this thread's CPU time.
pub fn now() -> ThreadTime {
    ThreadTime::now()
}

/// Median and minimum of repeated measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Stat {
    /// Median.
    pub med: f64,
    /// Minimum.
    pub min: f64,
}

impl Stat {
    /// From samples (empty: zeros).
    pub fn of(mut xs: Vec<f64>) -> Stat {
        if xs.is_empty() {
            return Stat::default();
        }
        xs.sort_by(f64::total_cmp);
        let n = xs.len();
        let med = if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        };
        Stat { med, min: xs[0] }
    }
}

/// Runs `f` once to warm up (when `warm`), then `reps` times; each run returns a checksum
/// (kept so the work is not optimised away) and its time is divided by `per`.
pub fn batch(reps: usize, per: usize, warm: bool, mut f: impl FnMut() -> u64) -> (Stat, u64) {
    let mut sink = if warm { std::hint::black_box(f()) } else { 0 };
    let mut xs = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = now();
        sink = sink.wrapping_add(std::hint::black_box(f()));
        xs.push(since(t) / per.max(1) as f64);
    }
    (Stat::of(xs), sink)
}

/// [`batch`] in wall-clock time, for work spread over several threads (the measuring
/// thread's CPU time would miss the others').
pub fn batch_wall(reps: usize, per: usize, mut f: impl FnMut() -> u64) -> (Stat, u64) {
    let mut sink = std::hint::black_box(f());
    let mut xs = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = std::time::Instant::now();
        sink = sink.wrapping_add(std::hint::black_box(f()));
        xs.push(t.elapsed().as_nanos() as f64 / per.max(1) as f64);
    }
    (Stat::of(xs), sink)
}

/// Same, for runs that time themselves (they return nanoseconds and a checksum).
pub fn timed(
    reps: usize,
    per: usize,
    warm: bool,
    mut f: impl FnMut() -> (f64, u64),
) -> (Stat, u64) {
    let mut sink = if warm { f().1 } else { 0 };
    let mut xs = Vec::with_capacity(reps);
    for _ in 0..reps {
        let (ns, s) = f();
        sink = sink.wrapping_add(s);
        xs.push(ns / per.max(1) as f64);
    }
    (Stat::of(xs), sink)
}

/// Times one call, in nanoseconds.
pub fn once<T>(f: impl FnOnce() -> T) -> (f64, T) {
    let t = now();
    let x = f();
    (since(t), x)
}

/// The time of `full` minus the time of `base` (the same work without what is measured),
/// rep by rep, after one warm-up of each (when `warm`).
pub fn difference(
    reps: usize,
    per: usize,
    warm: bool,
    mut base: impl FnMut() -> u64,
    mut full: impl FnMut() -> u64,
) -> (Stat, u64) {
    let mut sink = 0u64;
    if warm {
        sink = base().wrapping_add(full());
    }
    let mut xs = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = now();
        sink = sink.wrapping_add(std::hint::black_box(base()));
        let b = since(t);
        let t = now();
        sink = sink.wrapping_add(std::hint::black_box(full()));
        let f = since(t);
        xs.push((f - b).max(0.0) / per.max(1) as f64);
    }
    (Stat::of(xs), sink)
}
