//! The PBX's timings on a virtual clock: each scripted wait happens exactly when the platform
//! says, not a millisecond earlier.

use chrono::NaiveDate;
use serde_json::Value;

use super::*;
use crate::seed::Seed;

struct Counter(u32);

impl IdSource for Counter {
    fn next_id(&mut self) -> String {
        self.0 += 1;
        format!("id-{}", self.0)
    }
}

struct Rig {
    pbx: Pbx,
    now: Now,
    seen: Vec<(String, Value)>,
}

impl Rig {
    fn new() -> Rig {
        let local = NaiveDate::from_ymd_opt(2019, 5, 9)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap();
        let now = Now { ms: 0, local };
        Rig {
            pbx: Pbx::new(
                Seed::default(),
                PbxConfig::default(),
                Box::new(Counter(0)),
                now,
            ),
            now,
            seen: Vec::new(),
        }
    }

    /// Advances the clock by `ms` and returns the names of what `agent` received meanwhile.
    fn advance(&mut self, ms: u64, agent: &str) -> Vec<String> {
        self.now = self.now.plus_ms(ms);
        self.pbx.handle_timeout(self.now);
        self.take(agent)
    }

    fn take(&mut self, agent: &str) -> Vec<String> {
        while let Some(p) = self.pbx.poll_event() {
            self.seen.push((p.agent.clone(), Value::Object(p.body)));
        }
        let (mine, rest): (Vec<_>, Vec<_>) = self.seen.drain(..).partition(|(a, _)| a == agent);
        self.seen = rest;
        mine.into_iter()
            .map(|(_, b)| b["eventName"].as_str().unwrap_or("").to_string())
            .collect()
    }

    fn login(&mut self, number: &str, ext: &str, mode: &str) -> SessionInfo {
        let sid = self
            .pbx
            .token_login(self.now, number, "123456", "test.cc")
            .unwrap();
        let s = self.pbx.session(Some(&sid)).unwrap();
        self.pbx
            .agent_login(
                self.now,
                &s,
                &format!("{number}@test.cc"),
                &format!("{ext}@test.cc"),
                None,
                Some(mode),
            )
            .unwrap();
        self.take(&format!("{number}@test.cc"));
        s
    }
}

const A: &str = "5001@test.cc";

#[test]
fn switchboard_pauses_one_second_per_w_and_half_per_small_w() {
    let mut rig = Rig::new();
    let caller = rig.login("5002", "8002", "NotReady");
    rig.login("5001", "8001", "NotReady");
    rig.pbx
        .make_call(rig.now, &caller, "8002@test.cc", "938834600-WwW8001", false)
        .unwrap();
    assert!(rig.take(A).is_empty());
    assert!(rig.advance(2_499, A).is_empty());
    assert_eq!(rig.advance(1, A), ["delivered"]);
}

#[test]
fn outside_numbers_answer_after_one_second_by_default() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "NotReady");
    rig.pbx
        .make_call(rig.now, &s, "8001@test.cc", "913800000000", false)
        .unwrap();
    assert_eq!(rig.take(A), ["serviceInitiated", "originated", "delivered"]);
    assert!(rig.advance(999, A).is_empty());
    assert_eq!(rig.advance(1, A), ["established"]);
}

#[test]
fn numbers_that_ring_out_fail_with_no_answer() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "NotReady");
    rig.pbx
        .make_call(rig.now, &s, "8001@test.cc", "913900000011", true)
        .unwrap();
    assert_eq!(rig.take(A), ["serviceInitiated", "originated", "delivered"]);
    assert!(rig.advance(2_999, A).is_empty());
    assert_eq!(
        rig.advance(1, A),
        ["failed", "connectionCleared", "connectionCleared"]
    );
}

#[test]
fn heartbeat_timeout_logs_out_after_three_minutes_of_silence() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "Ready");
    let sid = rig
        .pbx
        .token_login(rig.now, "5001", "123456", "test.cc")
        .unwrap();
    assert!(rig.advance(100_000, A).is_empty());
    rig.pbx.heartbeat(rig.now, &s, A).unwrap();
    assert!(rig.advance(179_999, A).is_empty());
    assert!(rig.pbx.session(Some(&sid)).is_ok());
    assert_eq!(rig.advance(1, A), ["agentLoggedOff"]);
    assert_eq!(rig.pbx.session(Some(&sid)), Err(PbxError::SessionInvalid));
}

#[test]
fn reservation_ends_after_150_seconds_without_a_call() {
    let mut rig = Rig::new();
    rig.login("5001", "8001", "Ready");
    rig.pbx.allocate(rig.now, A).unwrap();
    assert_eq!(rig.take(A), ["agentAllocated"]);
    assert!(rig.advance(149_999, A).is_empty());
    assert_eq!(rig.advance(1, A), ["agentReady"]);
}

#[test]
fn after_call_work_lasts_the_tenants_seconds() {
    let mut rig = Rig::new();
    rig.pbx
        .patch_tenant(
            "test.cc",
            TenantPatch {
                after_call_work_secs: Some(Some(30)),
                ..TenantPatch::default()
            },
        )
        .unwrap();
    let s = rig.login("5001", "8001", "Ready");
    let call = rig
        .pbx
        .inbound_call(
            rig.now,
            InboundCall {
                from: "13800000000".into(),
                to: "7000".into(),
                ..InboundCall::default()
            },
        )
        .unwrap();
    rig.pbx.answer(rig.now, &s, &call, "8001@test.cc").unwrap();
    rig.pbx
        .drop_connection(rig.now, &s, &call, "8001@test.cc")
        .unwrap();
    assert_eq!(
        rig.take(A),
        [
            "delivered",
            "established",
            "connectionCleared",
            "connectionCleared",
            "agentWorkingAfterCall"
        ]
    );
    assert!(rig.advance(29_999, A).is_empty());
    assert_eq!(rig.advance(1, A), ["agentReady"]);
}

#[test]
fn parked_call_returns_after_the_ivr() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "Ready");
    let call = rig
        .pbx
        .inbound_call(
            rig.now,
            InboundCall {
                from: "13800000000".into(),
                to: "7000".into(),
                answer_after_ms: Some(0),
                ..InboundCall::default()
            },
        )
        .unwrap();
    rig.pbx.handle_timeout(rig.now);
    assert_eq!(rig.take(A), ["delivered", "established"]);
    rig.pbx
        .single_step_transfer_and_wait(rig.now, &s, &call, "8001@test.cc", "4001")
        .unwrap();
    assert_eq!(rig.take(A), ["held"]);
    assert!(rig.advance(2_999, A).is_empty());
    assert_eq!(rig.advance(1, A), ["connectionCleared", "retrieved"]);
}

#[test]
fn serials_count_per_agent() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "Ready");
    rig.login("5002", "8002", "Ready");
    rig.pbx
        .agent_set_state(rig.now, &s, Some(A), None, "NotReady", "2")
        .unwrap();
    let mut serials = Vec::new();
    while let Some(p) = rig.pbx.poll_event() {
        serials.push((p.agent, p.body["serial"].clone()));
    }
    assert_eq!(serials, [(A.to_string(), Value::from(3))]);
}
