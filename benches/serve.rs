//! The serve benchmark of the spec: `ttx serve --headless` on loopback, N SSH clients on this
//! machine (russh's client, one task each, each with a pty and a shell like `ssh -t`), each
//! pressing a key a second; it reports the key-to-frame latency (from the key's bytes leaving
//! the client to the first bytes of the frame that shows it), the server's CPU share and its
//! memory per seat; then one hotline message from team soc fanned out to N/2 seats of team cert.
//!
//! `cargo bench --bench serve`; `TTX_BENCH_SEATS` (default 50) and `TTX_BENCH_SECS` (default 60)
//! change the load. The clients share the machine with the server, so the figures are upper
//! bounds.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::client::{self, Handle};
use russh::keys::PublicKeyOrCertificate;
use russh::{Channel, ChannelMsg};

struct Trusting;

impl client::Handler for Trusting {
    type Error = russh::Error;

    async fn check_server_key(&mut self, _: &PublicKeyOrCertificate) -> Result<bool, Self::Error> {
        Ok(true)
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A joined seat: the session handle kept alive, and its channel.
struct Seat {
    _handle: Handle<Trusting>,
    channel: Channel<client::Msg>,
}

async fn join(address: &str, user: &str, code: &str) -> Seat {
    let config = Arc::new(client::Config::default());
    let mut handle = client::connect(config, address, Trusting)
        .await
        .expect("the server takes the connection");
    let auth = handle
        .authenticate_password(user, code)
        .await
        .expect("authentication runs");
    assert!(auth.success(), "{user} could not join");
    let channel = handle.channel_open_session().await.expect("a channel");
    channel
        .request_pty(false, "xterm-256color", 100, 30, 0, 0, &[])
        .await
        .expect("a pty");
    channel.request_shell(false).await.expect("a shell");
    let mut seat = Seat {
        _handle: handle,
        channel,
    };
    // The first frame.
    seat.next_frame(Duration::from_secs(30)).await;
    seat.drain().await;
    seat
}

impl Seat {
    /// Waits for the next data; the bytes, or nothing on timeout.
    async fn next_frame(&mut self, within: Duration) -> Option<Vec<u8>> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.channel.wait()).await {
                Ok(Some(ChannelMsg::Data { data })) => return Some(data.to_vec()),
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Reads whatever else arrives within 100 ms (the rest of a frame, a clock tick).
    async fn drain(&mut self) {
        while self.next_frame(Duration::from_millis(100)).await.is_some() {}
    }

    /// Presses `key` and times its frame.
    async fn press(&mut self, key: &[u8]) -> Option<Duration> {
        self.drain().await;
        let start = Instant::now();
        self.channel.data_bytes(key.to_vec()).await.ok()?;
        self.next_frame(Duration::from_secs(5)).await?;
        Some(start.elapsed())
    }
}

/// utime + stime of a process, in clock ticks, and its resident memory in KiB.
fn usage(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // After the name: state is field 0; utime 11, stime 12.
    let cpu = ticks(11) + ticks(12);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (cpu, rss)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

fn main() {
    let seats = env_or("TTX_BENCH_SEATS", 50) as usize;
    let secs = env_or("TTX_BENCH_SECS", 60);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut server = Command::new(env!("CARGO_BIN_EXE_ttx"))
        .args(["serve", "--headless", "--listen", "127.0.0.1:0"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/phishing-example/scenario.ron"
        ))
        .args(["--journal", "bench.jsonl"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ttx serve starts");
    let pid = server.id();
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut address = String::new();
    let mut codes = std::collections::HashMap::new();
    for line in lines.by_ref().take(6).map_while(Result::ok) {
        if let Some(a) = line.strip_prefix("listening on ") {
            address = a.to_string();
        } else if let Some(rest) = line.strip_prefix("join code for ")
            && let Some((user, code)) = rest.split_once(": ")
        {
            codes.insert(user.to_string(), code.to_string());
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let code = |user: &str| codes.get(user).cloned().expect("a join code");
        let mut facilitator = join(&address, "facilitator", &code("facilitator")).await;
        facilitator.press(b" ").await;
        let (_, rss_before) = usage(pid);
        let mut clients = Vec::new();
        for i in 0..seats {
            let user = if i % 2 == 0 { "soc" } else { "cert" };
            clients.push(join(&address, user, &code(user)).await);
        }
        let (cpu_before, rss_after) = usage(pid);
        let started = Instant::now();
        // Every client presses a key a second: help on, help off.
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|mut seat| {
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let start = tokio::time::Instant::now();
                    for n in 0..secs {
                        tokio::time::sleep_until(start + Duration::from_secs(n)).await;
                        let key: &[u8] = if n % 2 == 0 { b"?" } else { b"q" };
                        if let Some(latency) = seat.press(key).await {
                            latencies.push(latency);
                        }
                    }
                    (seat, latencies)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let mut clients = Vec::new();
        for task in tasks {
            let (seat, mut some) = task.await.expect("a client task");
            latencies.append(&mut some);
            clients.push(seat);
        }
        let wall = started.elapsed();
        let (cpu_after, _) = usage(pid);
        latencies.sort();
        let ticks_per_sec = 100.0;
        let cpu = (cpu_after - cpu_before) as f64 / ticks_per_sec / wall.as_secs_f64() * 100.0;
        println!(
            "serve: {seats} seats, {} keys in {:.0} s: key to frame median {:.2} ms, p99 {:.2} ms; \
             server CPU {cpu:.1}% of a core; memory {:.0} KiB per seat",
            latencies.len(),
            wall.as_secs_f64(),
            percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
            percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
            (rss_after.saturating_sub(rss_before)) as f64 / seats as f64,
        );

        // Fan-out: one free hotline message from a soc seat, timed to every cert seat.
        let (mut socs, certs): (Vec<Seat>, Vec<Seat>) = {
            let mut socs = Vec::new();
            let mut certs = Vec::new();
            for (i, seat) in clients.into_iter().enumerate() {
                if i % 2 == 0 {
                    socs.push(seat);
                } else {
                    certs.push(seat);
                }
            }
            (socs, certs)
        };
        let Some(sender) = socs.first_mut() else {
            return;
        };
        sender.press(b"m").await;
        sender.press(b"fan-out test").await;
        let mut waiting = Vec::new();
        for mut seat in certs {
            seat.drain().await;
            waiting.push(seat);
        }
        let start = Instant::now();
        sender.channel.data_bytes(b"\x13".to_vec()).await.ok();
        let arrivals: Vec<_> = waiting
            .into_iter()
            .map(|mut seat| {
                tokio::spawn(async move {
                    loop {
                        match seat.next_frame(Duration::from_secs(10)).await {
                            Some(bytes) if String::from_utf8_lossy(&bytes).contains("from soc") => {
                                return Some(start.elapsed());
                            }
                            Some(_) => continue,
                            None => return None,
                        }
                    }
                })
            })
            .collect();
        let mut fan = Vec::new();
        for arrival in arrivals {
            if let Ok(Some(t)) = arrival.await {
                fan.push(t);
            }
        }
        fan.sort();
        println!(
            "fan-out: one message to {} seats of another team: median {:.2} ms, p99 {:.2} ms",
            fan.len(),
            percentile(&fan, 0.5).as_secs_f64() * 1000.0,
            percentile(&fan, 0.99).as_secs_f64() * 1000.0,
        );
    });
    let _ = server.kill();
    let _ = server.wait();
}
