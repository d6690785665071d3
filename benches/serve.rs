//! The serve benchmark of the spec: `ttx serve --headless` on loopback, N SSH clients in this
//! process (russh's client, one task each, each with a pty and a shell like `ssh -t`), the
//! server in its own. The clock runs at the scenario's own speed; each seat opens the hotline
//! message form and types one character a second, at its own phase of the second (seat i of N
//! at i/N s), as a room does; the key-to-frame latency is from the key's bytes leaving the
//! client to the frame that shows that character (not merely the next frame, which may be a
//! clock tick's). It reports the median, p99 and max, the keys whose frame never came, the
//! server's CPU share (from /proc/PID/stat) and its memory per seat (VmRSS after the seats
//! joined, less the idle server's); then one hotline message from a seat of the first team
//! fanned out to every seat of the other teams, timed to each, every seat still connected.
//!
//! `cargo bench --bench serve`. `TTX_BENCH_SEATS` (default 50), `TTX_BENCH_SECS` (default 60),
//! `TTX_BENCH_SCENARIO` (default the built-in `scenarios/cross-border-breach.ron`, ×12);
//! `TTX_BENCH_STRESS=1` makes every seat press in the same millisecond instead (a stress run,
//! reported as such); `TTX_BENCH_BIN` serves with another `ttx` binary (an older build, to
//! compare). The clients share the machine with the server, so the figures are upper bounds.

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
    seat.next_frame(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| panic!("{user} got no first frame"));
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

    /// Waits until a frame holds `text`; how long since `start`, or nothing on timeout.
    async fn until(&mut self, text: &str, start: Instant, within: Duration) -> Option<Duration> {
        let deadline = start + within;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let bytes = self.next_frame(left).await?;
            if String::from_utf8_lossy(&bytes).contains(text) {
                return Some(start.elapsed());
            }
        }
    }

    /// Types `key` and times the frame that shows `shown`.
    async fn press(&mut self, key: &str, shown: &str) -> Option<Duration> {
        let start = Instant::now();
        self.channel
            .data_bytes(key.as_bytes().to_vec())
            .await
            .ok()?;
        self.until(shown, start, Duration::from_secs(5)).await
    }
}

/// Characters no scenario text holds, typed in turn: the frame that shows one is the key's.
const MARKS: &str = "αβγδεζηθικλμνξοπρστυφχψωабвгдежзийклмнопрстуфхцчшщыэюя";

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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A roster user: its name, join code and whether it is a team's.
struct User {
    name: String,
    code: String,
    team: bool,
}

/// A roster for `seats` team seats (and the facilitator and the fan-out's sender): `ttx
/// roster`'s, with `max_seats` and the per-user limit raised to fit; its users.
fn roster(ttx: &str, scenario: &str, seats: usize, dir: &std::path::Path) -> Vec<User> {
    let out = Command::new(ttx)
        .args(["roster", scenario])
        .output()
        .expect("ttx roster runs");
    assert!(out.status.success(), "ttx roster failed");
    let text = String::from_utf8(out.stdout).expect("a roster in UTF-8");
    let field = |line: &str, name: &str| {
        let (_, rest) = line.split_once(&format!("{name}: \""))?;
        rest.split_once('"').map(|(value, _)| value.to_string())
    };
    let users: Vec<User> = text
        .lines()
        .filter_map(|line| {
            Some(User {
                name: field(line, "user")?,
                code: field(line, "code")?,
                team: line.contains("role: Team("),
            })
        })
        .collect();
    let teams = users.iter().filter(|u| u.team).count().max(1);
    let text: String = text
        .lines()
        .map(|line| match line.trim().split_once(':') {
            Some(("max_seats", _)) => format!("    max_seats: {},", seats + users.len() + 2),
            Some(("max_seats_per_user", _)) => {
                format!("    max_seats_per_user: {},", seats.div_ceil(teams) + 2)
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let path = dir.join("roster.ron");
    std::fs::write(&path, text).expect("the roster written");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    users
}

fn main() {
    let seats = env_or("TTX_BENCH_SEATS", 50) as usize;
    let secs = env_or("TTX_BENCH_SECS", 60);
    let stress = env_or("TTX_BENCH_STRESS", 0) != 0;
    let scenario = std::env::var("TTX_BENCH_SCENARIO").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/cross-border-breach.ron"
        )
        .into()
    });
    let ttx = std::env::var("TTX_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_ttx").into());
    let dir = tempfile::tempdir().expect("a temporary directory");
    let users = roster(&ttx, &scenario, seats, dir.path());
    let mut server = Command::new(&ttx)
        .args(["serve", "--headless", "--listen", "127.0.0.1:0"])
        .arg(&scenario)
        .args(["--journal", "bench.jsonl", "--roster", "roster.ron"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("ttx serve starts");
    let pid = server.id();
    // The address comes first, then the host key, then one line per join code: as many as
    // the roster has, so read up to the host key and no further.
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut address = String::new();
    for line in lines.by_ref().map_while(Result::ok) {
        if let Some(a) = line.strip_prefix("listening on ") {
            address = a.to_string();
        } else if line.starts_with("host key ") {
            break;
        }
    }
    assert!(!address.is_empty(), "the server says where it listens");
    std::thread::spawn(move || for _ in lines {});
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async move {
        let code = |name: &str| {
            users
                .iter()
                .find(|u| u.name == name)
                .map(|u| u.code.clone())
                .expect("a join code")
        };
        let teams: Vec<&User> = users.iter().filter(|u| u.team).collect();
        let mut facilitator = join(&address, "facilitator", &code("facilitator")).await;
        facilitator.channel.data_bytes(b" ".to_vec()).await.ok();
        facilitator.next_frame(Duration::from_secs(5)).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (_, rss_idle) = usage(pid);

        // Seat i joins as team i mod teams, a few at a time, and opens the message form.
        let joining = Arc::new(tokio::sync::Semaphore::new(8));
        let joins: Vec<_> = (0..seats)
            .map(|i| {
                let count = teams.len();
                let team = teams[i % count];
                let (address, user, code) = (address.clone(), team.name.clone(), team.code.clone());
                let joining = Arc::clone(&joining);
                tokio::spawn(async move {
                    let _turn = joining.acquire().await.expect("the semaphore");
                    let mut seat = join(&address, &user, &code).await;
                    seat.press("m", "To")
                        .await
                        .unwrap_or_else(|| panic!("seat {i} could not open the message form"));
                    (i % count, seat)
                })
            })
            .collect();
        let mut clients = Vec::new();
        for joined in joins {
            clients.push(joined.await.expect("a seat joins"));
        }
        let (cpu_before, rss_seated) = usage(pid);
        let started = Instant::now();
        let start = tokio::time::Instant::now() + Duration::from_millis(200);
        let tasks: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(i, (team, mut seat))| {
                let phase = if stress {
                    Duration::ZERO
                } else {
                    Duration::from_secs(1) * i as u32 / seats as u32
                };
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut missed = 0;
                    let mut marks = MARKS.chars().cycle();
                    for n in 0..secs {
                        tokio::time::sleep_until(start + Duration::from_secs(n) + phase).await;
                        let mark = marks.next().unwrap_or('x').to_string();
                        match seat.press(&mark, &mark).await {
                            Some(latency) => latencies.push(latency),
                            None => missed += 1,
                        }
                    }
                    (team, seat, latencies, missed)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let mut missed = 0;
        let mut starved = 0;
        let mut clients = Vec::new();
        for task in tasks {
            let (team, seat, mut some, lost) = task.await.expect("a client task");
            starved += usize::from(some.is_empty());
            latencies.append(&mut some);
            missed += lost;
            clients.push((team, seat));
        }
        let wall = started.elapsed();
        let (cpu_after, _) = usage(pid);
        latencies.sort();
        let ticks_per_sec = 100.0;
        let cpu = (cpu_after - cpu_before) as f64 / ticks_per_sec / wall.as_secs_f64() * 100.0;
        println!(
            "serve{}: {seats} seats, keys {}, {} keys in {:.0} s: key to frame median {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms; {missed} keys unanswered, {starved} seats starved; \
             server CPU {cpu:.1}% of a core; memory {:.0} KiB per seat",
            if stress { " (stress)" } else { "" },
            if stress {
                "all in the same millisecond"
            } else {
                "spread over the second"
            },
            latencies.len(),
            wall.as_secs_f64(),
            ms(percentile(&latencies, 0.5)),
            ms(percentile(&latencies, 0.99)),
            ms(latencies.last().copied().unwrap_or_default()),
            (rss_seated.saturating_sub(rss_idle)) as f64 / seats as f64,
        );

        // Fan-out: one hotline message from a new seat of the first team to everyone else,
        // timed to every seat of the other teams (their forms closed, their inbox shown).
        let mut sender = join(&address, &teams[0].name, &teams[0].code).await;
        sender.press("m", "To").await;
        sender.press("fan-out test", "test").await;
        // The first team's seats stay connected: 250 seats leaving at once would be timed too.
        let mut waiting = Vec::new();
        let mut senders = Vec::new();
        for (team, seat) in clients {
            if team == 0 {
                senders.push(seat);
            } else {
                seat.channel.data_bytes(b"\x1b".to_vec()).await.ok();
                waiting.push(seat);
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let from = format!("from {}", teams[0].name);
        let (server_before, _) = usage(pid);
        let (clients_before, _) = usage(std::process::id());
        let start = Instant::now();
        sender.channel.data_bytes(b"\x13".to_vec()).await.ok();
        // Each seat comes back with its time: a seat that left once it had the message would
        // be timed too, as the seats after it drew.
        let arrivals: Vec<_> = waiting
            .into_iter()
            .map(|mut seat| {
                let from = from.clone();
                tokio::spawn(async move {
                    let arrived = seat.until(&from, start, Duration::from_secs(10)).await;
                    (arrived, seat)
                })
            })
            .collect();
        let told = arrivals.len();
        let mut fan = Vec::new();
        let mut receivers = Vec::new();
        for arrival in arrivals {
            if let Ok((arrived, seat)) = arrival.await {
                fan.extend(arrived);
                receivers.push(seat);
            }
        }
        let (server_after, _) = usage(pid);
        let (clients_after, _) = usage(std::process::id());
        fan.sort();
        // Clock ticks of 10 ms: the CPU the server and the clients (this process, where each
        // seat's client receives and decrypts its frame, as 250 machines would) spent meanwhile.
        let tick_ms = |ticks: u64| ticks * 10;
        println!(
            "fan-out: one message to {told} seats of other teams, {} got it: median {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms; CPU meanwhile: server {} ms, clients {} ms",
            fan.len(),
            ms(percentile(&fan, 0.5)),
            ms(percentile(&fan, 0.99)),
            ms(fan.last().copied().unwrap_or_default()),
            tick_ms(server_after.saturating_sub(server_before)),
            tick_ms(clients_after.saturating_sub(clients_before)),
        );
        drop((senders, receivers));
    });
    let _ = server.kill();
    let _ = server.wait();
}
