//! Durability: `passerelle serve` is killed with SIGKILL at random moments while a client
//! saves situations through the JSON API; after every restart each write the server had
//! acknowledged (201 with the situation's id) is there, unchanged, and the SQLite file
//! passes `PRAGMA integrity_check`. Twenty kills on SQLite (the default store); the same
//! loop on PostgreSQL when `PASSERELLE_TEST_POSTGRES` is set (scripts/test sets it).
//!
//! The server is the real binary, over real sockets; the client is a few lines of HTTP/1.1
//! on a `TcpStream` (one request per connection). The random moments come from a seed printed
//! at the start (`DURABILITY_SEED=… cargo test` replays a run).
#![cfg(feature = "web")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

use passerelle_store::testing;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KILLS: usize = 20;
const PASSWORD: &str = "durability-test-password";

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_passerelle")
}

fn pack() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../packs/gc-digital")
}

/// xorshift64*: enough for random moments, replayable from the printed seed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

fn seed() -> u64 {
    std::env::var("DURABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        })
}

fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

/// One HTTP/1.1 exchange; `None` if the connection failed or the answer was cut (the
/// server died): such a write was never acknowledged.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split(' ').nth(1)?.parse().ok()?;
    let lower = head.to_ascii_lowercase();
    // Only a complete body counts as an answer.
    let payload = if lower.contains("transfer-encoding: chunked") {
        dechunk(rest)?
    } else {
        let len: usize = lower
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())?;
        if rest.len() != len {
            return None;
        }
        rest.to_string()
    };
    let json = if payload.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&payload).ok()?
    };
    Some((status, json))
}

fn dechunk(mut s: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n")?;
        let n = usize::from_str_radix(size.trim(), 16).ok()?;
        if n == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..n)?);
        s = rest.get(n + 2..)?;
    }
}

fn start(db: &str, addr: SocketAddr, dir: &std::path::Path) -> Child {
    let mut child = Command::new(bin())
        .args(["serve", "--pack"])
        .arg(pack())
        .args(["--addr", &addr.to_string(), "--db", db])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start passerelle serve");
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(60) {
        if let Some((200, _)) = http(addr, "GET", "/api/v1/packs", None, None) {
            return child;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    child.kill().ok();
    child.wait().ok();
    panic!("passerelle serve did not answer on {addr} within 60 s");
}

fn add_admin(db: &str) {
    let out = Command::new(bin())
        .args(["users", "add", "dora", "--role", "admin", "--db", db])
        .env("PASSERELLE_PASSWORD", PASSWORD)
        .output()
        .expect("run passerelle users add");
    assert!(
        out.status.success(),
        "users add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sign_in(addr: SocketAddr) -> String {
    let (status, body) = http(
        addr,
        "POST",
        "/api/v1/session",
        None,
        Some(&json!({"user": "dora", "password": PASSWORD})),
    )
    .expect("sign in");
    assert_eq!(status, 200, "sign in: {body}");
    body["token"].as_str().expect("token").to_string()
}

/// A situation as the client sends it; `n` makes each one distinct and recognisable.
fn situation(n: usize) -> Value {
    json!({
        "answers": {"audience": "public", "method": ["usability_test"], "recording": "video"},
        "title": format!("Durability situation {n}"),
        "narrative": format!("Situation number {n}, written while the server may be killed."),
        "lang": "en",
    })
}

/// Saves situations one after the other until `stop` or until the server dies; records
/// each acknowledged id.
fn writer(
    addr: SocketAddr,
    token: String,
    next: Arc<Mutex<usize>>,
    acked: Arc<Mutex<Vec<(usize, String)>>>,
    stop: Arc<AtomicBool>,
) {
    while !stop.load(Ordering::Relaxed) {
        let n = {
            let mut g = next.lock().unwrap();
            *g += 1;
            *g
        };
        match http(
            addr,
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(&situation(n)),
        ) {
            Some((201, body)) => {
                let id = body["situation"]["id"]
                    .as_str()
                    .expect("id of the saved situation");
                acked.lock().unwrap().push((n, id.to_string()));
            }
            Some((status, body)) => panic!("POST /api/v1/cases answered {status}: {body}"),
            None => break, // the server died mid-request: not acknowledged
        }
    }
}

fn run(db: &str, check_integrity: bool) {
    let seed = seed();
    eprintln!("durability: seed {seed} (DURABILITY_SEED replays it), {KILLS} kills");
    let mut rng = Rng(seed);
    let dir = std::env::temp_dir();
    add_admin(db);
    let acked: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let next: Arc<Mutex<usize>> = Arc::default();
    let mut total_killed_during_write = 0usize;
    let mut unacked_before = 0usize;
    for round in 0..KILLS {
        let addr = free_port();
        let mut child = start(db, addr, &dir);
        // Every write acknowledged so far survived the kills before this start.
        let token = sign_in(addr);
        for (n, id) in acked.lock().unwrap().iter() {
            let (status, body) = http(
                addr,
                "GET",
                &format!("/api/v1/cases/{id}"),
                Some(&token),
                None,
            )
            .unwrap_or_else(|| panic!("round {round}: GET {id} failed"));
            assert_eq!(
                status, 200,
                "round {round}: acknowledged situation {id} is missing: {body}"
            );
            assert_eq!(
                body["situation"]["title"],
                json!(format!("Durability situation {n}")),
                "round {round}: situation {id} changed"
            );
        }
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let (t, nx, a, s) = (token.clone(), next.clone(), acked.clone(), stop.clone());
                std::thread::spawn(move || writer(addr, t, nx, a, s))
            })
            .collect();
        let before = acked.lock().unwrap().len();
        std::thread::sleep(Duration::from_millis(rng.between(30, 600)));
        child.kill().expect("SIGKILL the server"); // Child::kill is SIGKILL on Unix
        child.wait().expect("reap the server");
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().expect("writer thread");
        }
        let after = acked.lock().unwrap().len();
        let attempted = *next.lock().unwrap();
        // Each writer stops at its first cut request: what was sent and never acknowledged
        // was in flight when the server died.
        let in_flight = attempted - after - unacked_before;
        unacked_before += in_flight;
        if in_flight > 0 {
            total_killed_during_write += 1;
        }
        eprintln!(
            "round {round}: {} acknowledged this round ({after} in all), {in_flight} in flight at the kill",
            after - before
        );
        if check_integrity {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let store = passerelle_store::Store::open(db).await.unwrap();
                let report = store.integrity_check().await.unwrap();
                assert_eq!(
                    report,
                    Some(vec!["ok".to_string()]),
                    "round {round}: integrity"
                );
                store.close().await;
            });
        }
    }
    // The final restart checks the last round's writes.
    let addr = free_port();
    let mut child = start(db, addr, &dir);
    let token = sign_in(addr);
    let acked = acked.lock().unwrap();
    for (n, id) in acked.iter() {
        let (status, body) = http(
            addr,
            "GET",
            &format!("/api/v1/cases/{id}"),
            Some(&token),
            None,
        )
        .expect("GET after the last kill");
        assert_eq!(status, 200, "acknowledged situation {id} is missing");
        assert_eq!(
            body["situation"]["title"],
            json!(format!("Durability situation {n}"))
        );
    }
    child.kill().ok();
    child.wait().ok();
    eprintln!(
        "durability: {} acknowledged writes all present after {KILLS} SIGKILLs \
         ({total_killed_during_write} kills landed with writes in flight)",
        acked.len()
    );
    assert!(acked.len() >= KILLS, "too few writes to mean anything");
}

#[test]
fn sigkill_keeps_acknowledged_writes_sqlite() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(testing::sqlite()).unwrap();
    let url = db.url.clone();
    rt.block_on(db.store.close());
    run(&url, true);
    rt.block_on(db.drop_db()).unwrap();
}

#[test]
fn sigkill_keeps_acknowledged_writes_postgres() {
    if testing::postgres_url().is_err() {
        eprintln!("PASSERELLE_TEST_POSTGRES is not set: PostgreSQL durability skipped");
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt.block_on(testing::postgres()).unwrap();
    let url = db.url.clone();
    run(&url, false);
    rt.block_on(db.drop_db()).unwrap();
}
