//! A load driver: `connections` threads, each with its own keep-alive connection, send requests
//! until a deadline; every answer is timed and its status checked against what was expected.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one worker does for one request: the kind (for the report), and whether the answer was
/// the expected one (`Err` carries the status and the start of the body).
pub type Outcome = (&'static str, Result<(), String>);

#[derive(Default, Clone)]
pub struct KindStats {
    pub latencies: Vec<Duration>,
    pub unexpected: Vec<String>,
}

impl KindStats {
    pub fn percentile(&self, p: f64) -> Duration {
        let mut v = self.latencies.clone();
        v.sort();
        v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }
}

pub struct Report {
    pub elapsed: Duration,
    pub kinds: BTreeMap<&'static str, KindStats>,
}

impl Report {
    pub fn requests(&self) -> usize {
        self.kinds.values().map(|k| k.latencies.len()).sum()
    }
    pub fn unexpected(&self) -> usize {
        self.kinds.values().map(|k| k.unexpected.len()).sum()
    }
}

/// Runs `work(worker, agent, round)` on `connections` threads for `duration`.
pub fn drive<F>(connections: usize, duration: Duration, work: F) -> Report
where
    F: Fn(usize, &ureq::Agent, usize) -> Outcome + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let kinds: Arc<Mutex<BTreeMap<&'static str, KindStats>>> = Arc::default();
    let started = Instant::now();
    let deadline = started + duration;
    let threads: Vec<_> = (0..connections)
        .map(|worker| {
            let (work, kinds) = (work.clone(), kinds.clone());
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(30))
                    .max_idle_connections_per_host(1)
                    .build();
                let mut local: BTreeMap<&'static str, KindStats> = BTreeMap::new();
                let mut round = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let (kind, result) = work(worker, &agent, round);
                    let entry = local.entry(kind).or_default();
                    entry.latencies.push(t.elapsed());
                    if let Err(e) = result {
                        entry.unexpected.push(e);
                    }
                    round += 1;
                }
                let mut all = kinds.lock().expect("stats lock");
                for (k, s) in local {
                    let e = all.entry(k).or_default();
                    e.latencies.extend(s.latencies);
                    e.unexpected.extend(s.unexpected);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("worker thread");
    }
    let kinds = std::mem::take(&mut *kinds.lock().expect("stats lock"));
    Report {
        elapsed: started.elapsed(),
        kinds,
    }
}

/// Sends a request and checks its status: the body on success, a short description otherwise.
pub fn expect_status(
    result: Result<ureq::Response, ureq::Error>,
    expected: u16,
) -> Result<String, String> {
    match result {
        Ok(r) if r.status() == expected => Ok(r.into_string().unwrap_or_default()),
        Ok(r) => Err(describe(r)),
        Err(ureq::Error::Status(_, r)) => Err(describe(r)),
        Err(e) => Err(format!("transport: {e}")),
    }
}

fn describe(r: ureq::Response) -> String {
    let status = r.status();
    let body = r.into_string().unwrap_or_default();
    let body: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let body: String = body.chars().take(160).collect();
    format!("{status} {body}")
}
