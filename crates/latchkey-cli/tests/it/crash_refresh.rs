//! Crash safety of a refresh with refresh-token rotation: a real
//! `latchkey token --refresh` process is killed (SIGKILL) at random points
//! of its run, against the real OAuth server, many times over. After every
//! kill the database must be intact, and the user either usable (their
//! token works and a later refresh works) or marked needs_reauth with
//! nothing deleted; never "authorized" with tokens that no longer work.
//!
//! Bounded: at most `ITERATIONS` kills and `BUDGET` of wall time. The seed
//! of the kill points is printed; `LATCHKEY_CRASH_SEED=N` replays a run.

use crate::common::{add_discovered_service, add_user, block_on, latchkey, ok, text, OauthServer};
use latchkey_core::{KeySource, Latchkey, UserStatus};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const ITERATIONS: usize = 40;
const BUDGET: Duration = Duration::from_secs(90);

/// splitmix64: enough randomness for kill points, and replayable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn setup(server: &OauthServer, data: &Path) {
    add_discovered_service(data, server, "svc", &[]);
    add_user(data, "svc", "alice");
    authorize(data);
}

fn authorize(data: &Path) {
    ok(latchkey(data)
        .args(["authorize", "svc", "alice", "--timeout", "60"])
        .output()
        .unwrap());
}

/// `PRAGMA integrity_check`, the user's status, and whether a token set is stored.
fn inspect(data: &Path) -> (String, UserStatus, bool) {
    let app = Latchkey::open_with(Some(data), KeySource::Keyring).unwrap();
    let integrity: String = latchkey_core::testing::read_sql(&app, |c| {
        Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    })
    .unwrap();
    let user = app.get_user("svc", "alice").unwrap();
    let stored = latchkey_core::testing::sealed_user_tokens(&app, user.id)
        .unwrap()
        .is_some();
    (integrity, user.status, stored)
}

#[test]
fn killing_a_refresh_at_any_point_leaves_a_usable_or_needs_reauth_user() {
    let server = OauthServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    setup(&server, &data);
    let seed = std::env::var("LATCHKEY_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("crash_refresh: LATCHKEY_CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    // How long one whole refresh takes here: kill points spread over it.
    let started = Instant::now();
    ok(latchkey(&data)
        .args(["token", "svc", "alice", "--refresh"])
        .output()
        .unwrap());
    let span = started.elapsed().as_micros() as u64 * 6 / 5;

    let began = Instant::now();
    let (mut killed, mut finished, mut usable, mut reauth) = (0, 0, 0, 0);
    // Kills that landed after the provider had the refresh request: the
    // window where a rotated refresh token can be lost.
    let mut killed_in_flight = 0;
    let (mut before_request, mut finished_by) = (0u64, span);
    for iteration in 0..ITERATIONS {
        if began.elapsed() > BUDGET {
            break;
        }
        // Half the kills anywhere in the run; half in the window learnt so
        // far between "the provider has not seen the request" and "done",
        // where the rotation and the commit happen.
        let at = if iteration % 2 == 0 {
            rng.below(span)
        } else {
            let (a, b) = (
                before_request.min(finished_by),
                before_request.max(finished_by),
            );
            let (a, b) = (a.saturating_sub(5_000), b + 5_000);
            a + rng.below(b - a)
        };
        let at = Duration::from_micros(at);
        let refreshes = block_on(server.token_requests("refresh_token"));
        let mut child = latchkey(&data)
            .args(["token", "svc", "alice", "--refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        match child.try_wait().unwrap() {
            Some(_) => {
                finished += 1;
                finished_by = finished_by.min(at.as_micros() as u64);
            }
            None => {
                child.kill().unwrap();
                killed += 1;
                child.wait().unwrap();
                if block_on(server.token_requests("refresh_token")) > refreshes {
                    killed_in_flight += 1;
                } else {
                    before_request = before_request.max(at.as_micros() as u64);
                }
            }
        }
        child.wait().unwrap();

        let (integrity, status, stored) = inspect(&data);
        let context = format!("iteration {iteration}, killed after {at:?} (seed {seed})");
        assert_eq!(integrity, "ok", "{context}");
        assert!(stored, "the token set is never lost: {context}");
        assert_eq!(status, UserStatus::Authorized, "{context}");

        // "Authorized" must mean it: the stored access token works...
        let token = ok(latchkey(&data)
            .args(["token", "svc", "alice"])
            .output()
            .unwrap());
        let token = token.trim();
        assert_eq!(
            block_on(server.api_status(token)),
            200,
            "authorized with a dead access token: {context}"
        );
        // ...and so does a refresh, unless the kill landed after the
        // provider rotated the refresh token but before the new pair was
        // committed. Then the provider refuses the old one and the user is
        // marked needs_reauth, with nothing deleted.
        let out = latchkey(&data)
            .args(["token", "svc", "alice", "--refresh"])
            .output()
            .unwrap();
        if out.status.success() {
            let fresh = String::from_utf8_lossy(&out.stdout).trim().to_string();
            assert_eq!(block_on(server.api_status(&fresh)), 200, "{context}");
            usable += 1;
        } else {
            assert!(
                text(&out).contains("authorize again"),
                "a failed refresh after a kill says why: {} ({context})",
                text(&out)
            );
            let (integrity, status, stored) = inspect(&data);
            assert_eq!(integrity, "ok", "{context}");
            assert_eq!(status, UserStatus::NeedsReauth, "{context}");
            assert!(stored, "needs_reauth deletes nothing: {context}");
            reauth += 1;
            authorize(&data);
        }
    }
    eprintln!(
        "crash_refresh: {} runs in {:?} (span {} ms): {killed} killed mid-run ({killed_in_flight} after the provider had the refresh request), {finished} had finished; afterwards {usable} usable, {reauth} needs_reauth",
        killed + finished,
        began.elapsed(),
        span / 1000
    );
    assert!(killed > 0, "no run was killed before it finished");
    assert!(
        killed_in_flight > 0,
        "no kill landed while the refresh was at the provider"
    );
}
