//! Every scenario of EVENT_SCENARIOS.md played on the PBX model alone (no sockets, a virtual
//! clock): each device's published frames must be the fixture's.

mod support;

use support::fixtures;

use chrono::NaiveDate;
use serde_json::{Map, Value};
use well_sim::pbx::{
    IdSource, InboundCall, Now, Participation, Pbx, PbxConfig, SessionInfo, TenantPatch,
};
use well_sim::seed::Seed;

const A1: &str = "5001@test.cc";
const D1: &str = "8001@test.cc";
const A2: &str = "5002@test.cc";
const D2: &str = "8002@test.cc";
const CUSTOMER: &str = "13800000000@test.cc";

/// Ids `id-1`, `id-2`, ... so runs are reproducible.
struct Counter(u32);

impl IdSource for Counter {
    fn next_id(&mut self) -> String {
        self.0 += 1;
        format!("id-{}", self.0)
    }
}

/// A PBX on a virtual clock with helpers to log agents in and collect their frames.
struct Rig {
    pbx: Pbx,
    now: Now,
    published: Vec<(String, Value)>,
}

impl Rig {
    fn new() -> Rig {
        let start = NaiveDate::from_ymd_opt(2019, 5, 9)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap();
        let now = Now {
            ms: 0,
            local: start,
        };
        let pbx = Pbx::new(
            Seed::default(),
            PbxConfig::default(),
            Box::new(Counter(0)),
            now,
        );
        Rig {
            pbx,
            now,
            published: Vec::new(),
        }
    }

    fn tick(&mut self, ms: u64) -> Now {
        self.now = self.now.plus_ms(ms);
        self.pbx.handle_timeout(self.now);
        self.collect();
        self.now
    }

    fn at(&mut self) -> Now {
        self.tick(100)
    }

    fn collect(&mut self) {
        while let Some(p) = self.pbx.poll_event() {
            self.published
                .push((p.agent.clone(), Value::Object(p.body)));
        }
    }

    fn session(&mut self, number: &str) -> SessionInfo {
        let now = self.at();
        let sid = self
            .pbx
            .token_login(now, number, "123456", "test.cc")
            .unwrap();
        self.pbx.session(Some(&sid)).unwrap()
    }

    fn login(&mut self, number: &str, ext: &str, mode: &str) -> SessionInfo {
        let s = self.session(number);
        let now = self.at();
        self.pbx
            .agent_login(
                now,
                &s,
                &format!("{number}@test.cc"),
                &format!("{ext}@test.cc"),
                Some("123456"),
                Some(mode),
            )
            .unwrap();
        self.collect();
        s
    }

    /// Forgets what was published so far (login events before a scenario starts).
    fn clear(&mut self) {
        self.collect();
        self.published.clear();
    }

    fn frames(&mut self, agent: &str) -> Vec<Value> {
        self.collect();
        self.published
            .iter()
            .filter(|(a, _)| a == agent)
            .map(|(_, b)| b.clone())
            .collect()
    }

    fn inbound(&mut self, to: &str) -> String {
        let now = self.at();
        let id = self
            .pbx
            .inbound_call(
                now,
                InboundCall {
                    from: "13800000000".into(),
                    to: to.into(),
                    ..InboundCall::default()
                },
            )
            .unwrap();
        self.collect();
        id
    }

    fn check(&mut self, scenario: &str, agent: &str, device: &str) {
        let actual = self.frames(agent);
        fixtures::assert_frames(
            &format!("{scenario} {device}"),
            &fixtures::frames(scenario, device),
            &actual,
        );
    }
}

/// The id of the call whose frames `agent` received last.
fn last_call(rig: &mut Rig, agent: &str) -> String {
    rig.frames(agent)
        .iter()
        .rev()
        .find_map(|f| f["callId"].as_str().map(String::from))
        .unwrap()
}

/// Agent 5001 Ready on 8001 takes an inbound call from the queue and answers it.
fn answered_inbound(rig: &mut Rig) -> (SessionInfo, String) {
    let s = rig.login("5001", "8001", "Ready");
    rig.clear();
    let call = rig.inbound("7000");
    let now = rig.at();
    rig.pbx.answer(now, &s, &call, D1).unwrap();
    (s, call)
}

#[test]
fn s01_login() {
    let mut rig = Rig::new();
    rig.login("5001", "8001", "NotReady");
    rig.check("01_login", A1, D1);
}

#[test]
fn s02_outbound_answered_hangup() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "NotReady");
    rig.clear();
    let now = rig.at();
    let call = rig
        .pbx
        .make_call(now, &s, D1, "913800000000", false)
        .unwrap();
    rig.tick(1_000); // the customer answers after the default second
    rig.tick(30_000);
    let now = rig.at();
    rig.pbx
        .admin_hangup(now, &call, Some("913800000000@test.cc"))
        .unwrap();
    rig.check("02_outbound_answered_hangup", A1, D1);
}

#[test]
fn s03_inbound_answered_hangup() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    rig.check("03_inbound_answered_hangup", A1, D1);
}

#[test]
fn s04_hold_retrieve() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.hold(now, &s, &call, D1).unwrap();
    let now = rig.at();
    assert!(
        rig.pbx.hold(now, &s, &call, D1).is_err(),
        "a held call cannot be held"
    );
    rig.pbx.retrieve(now, &s, &call, D1).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    rig.check("04_hold_retrieve", A1, D1);
}

#[test]
fn s05_single_step_transfer() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx
        .single_step_transfer(now, &s, &call, D1, "8002")
        .unwrap();
    rig.check("05_single_step_transfer", A1, D1);
}

#[test]
fn s05b_single_step_transfer_received() {
    let mut rig = Rig::new();
    let s1 = rig.login("5001", "8001", "NotReady");
    let s2 = rig.login("5002", "8002", "Ready");
    let call = rig.inbound("7000");
    let now = rig.at();
    rig.pbx.answer(now, &s2, &call, D2).unwrap();
    rig.clear();
    let now = rig.at();
    rig.pbx
        .single_step_transfer(now, &s2, &call, D2, "8001")
        .unwrap();
    let renamed = last_call(&mut rig, A1);
    assert_ne!(
        renamed, call,
        "the transferred call continues under a new id"
    );
    let now = rig.at();
    rig.pbx.answer(now, &s1, &renamed, D1).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s1, &renamed, D1).unwrap();
    rig.check("05b_single_step_transfer_received", A1, D1);
}

/// 5001 consults 8002 (5002 logged in, NotReady) from an answered inbound call; 8002 answers.
fn consulted(rig: &mut Rig) -> (SessionInfo, String, String) {
    let s2 = rig.login("5002", "8002", "NotReady");
    let (s1, c1) = answered_inbound(rig);
    let now = rig.at();
    let c2 = rig.pbx.consult(now, &s1, &c1, D1, "8002").unwrap();
    let now = rig.at();
    rig.pbx.answer(now, &s2, &c2, D2).unwrap();
    (s1, c1, c2)
}

#[test]
fn s06_consult_then_transfer() {
    let mut rig = Rig::new();
    let (s1, c1, c2) = consulted(&mut rig);
    let now = rig.at();
    rig.pbx.transfer(now, &s1, &c1, D1, &c2, false).unwrap();
    rig.check("06_consult_then_transfer", A1, D1);
    // 8002 is now in C1 with the customer.
    let calls = rig.pbx.calls_view();
    assert_eq!(calls.as_array().unwrap().len(), 1);
    assert_eq!(calls[0]["callId"], c1.as_str());
    assert_eq!(calls[0]["calledDevice"], D2);
}

#[test]
fn s07a_consult_conference_agent_leaves_first() {
    let mut rig = Rig::new();
    let (s1, c1, c2) = consulted(&mut rig);
    let now = rig.at();
    rig.pbx.conference(now, &s1, &c1, D1, &c2).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s1, &c1, D1).unwrap();
    rig.check("07a_consult_conference", A1, D1);
    assert_eq!(
        rig.pbx.calls_view(),
        Value::Array(vec![]),
        "the conference ended for everybody"
    );
}

#[test]
fn s07b_consult_conference_c_then_agent() {
    let mut rig = Rig::new();
    let (s1, c1, c2) = consulted(&mut rig);
    let now = rig.at();
    rig.pbx.conference(now, &s1, &c1, D1, &c2).unwrap();
    let now = rig.at();
    rig.pbx.admin_hangup(now, &c1, Some(D2)).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s1, &c1, D1).unwrap();
    rig.check("07b_consult_conference", A1, D1);
}

#[test]
fn s07c_consult_conference_c_then_customer() {
    let mut rig = Rig::new();
    let (s1, c1, c2) = consulted(&mut rig);
    let now = rig.at();
    rig.pbx.conference(now, &s1, &c1, D1, &c2).unwrap();
    let now = rig.at();
    rig.pbx.admin_hangup(now, &c1, Some(D2)).unwrap();
    let now = rig.at();
    rig.pbx.admin_hangup(now, &c1, Some(CUSTOMER)).unwrap();
    rig.check("07c_consult_conference", A1, D1);
}

#[test]
fn s08_cancel_consult() {
    let mut rig = Rig::new();
    let (s1, c1, c2) = consulted(&mut rig);
    let now = rig.at();
    rig.pbx.cancel_consult(now, &s1, &c1, D1, &c2).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s1, &c1, D1).unwrap();
    rig.check("08_cancel_consult", A1, D1);
}

#[test]
fn s09_recording_stop_start() {
    let mut rig = Rig::new();
    rig.pbx
        .patch_tenant(
            "test.cc",
            TenantPatch {
                record_by_default: Some(true),
                ..TenantPatch::default()
            },
        )
        .unwrap();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.recording(now, &s, false, D1).unwrap();
    let now = rig.tick(10_000);
    rig.pbx.recording(now, &s, true, D1).unwrap();
    let now = rig.tick(10_000);
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    rig.check("09_recording_stop_start", A1, D1);
}

#[test]
fn s10_logout() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "NotReady");
    rig.clear();
    let now = rig.at();
    rig.pbx.agent_logout(now, &s, Some(A1), None).unwrap();
    rig.check("10_logout", A1, D1);
}

#[test]
fn s11_set_agent_mode() {
    let mut rig = Rig::new();
    let s = rig.login("5001", "8001", "NotReady");
    rig.clear();
    let now = rig.at();
    let pending = rig
        .pbx
        .agent_set_state(now, &s, Some(A1), Some(D1), "Ready", "")
        .unwrap();
    assert_eq!(pending, None);
    let now = rig.at();
    rig.pbx
        .agent_set_state(now, &s, Some(A1), Some(D1), "NotReady", "1")
        .unwrap();
    rig.check("11_set_agent_mode", A1, D1);
}

#[test]
fn s12_single_step_conference() {
    let mut rig = Rig::new();
    let s2 = rig.login("5002", "8002", "NotReady");
    let (s1, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx
        .single_step_conference(now, &s1, &call, D1, "8002", Participation::Active)
        .unwrap();
    let now = rig.at();
    rig.pbx.answer(now, &s2, &call, D2).unwrap();
    let now = rig.at();
    rig.pbx.admin_hangup(now, &call, Some(CUSTOMER)).unwrap();
    let now = rig.at();
    rig.pbx.drop_connection(now, &s2, &call, D2).unwrap();
    rig.check("12_single_step_conference", A1, D1);
    rig.check("12_single_step_conference", A2, D2);
}

#[test]
fn frames_carry_subscriber_fields() {
    let mut rig = Rig::new();
    let (_, call) = answered_inbound(&mut rig);
    for f in rig.frames(A1) {
        let f: &Map<String, Value> = f.as_object().unwrap();
        assert_eq!(f["srcDeviceId"], D1);
        assert_eq!(f["eventSrc"], D1);
        assert_eq!(f["connectionId"], format!("{D1}|{call}").as_str());
        assert!(fixtures::is_event_time(f["eventTime"].as_str().unwrap()));
    }
}

#[test]
#[should_panic(expected = "event list differs")]
fn comparison_rejects_another_scenario() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    rig.check("04_hold_retrieve", A1, D1);
}

#[test]
#[should_panic(expected = "fields differ")]
fn comparison_rejects_a_changed_field() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    let mut actual = rig.frames(A1);
    actual[1]["calledDevice"] = "8009@test.cc".into();
    fixtures::assert_frames(
        "changed",
        &fixtures::frames("03_inbound_answered_hangup", D1),
        &actual,
    );
}

#[test]
#[should_panic(expected = "fixture id")]
fn comparison_rejects_inconsistent_call_ids() {
    let mut rig = Rig::new();
    let (s, call) = answered_inbound(&mut rig);
    let now = rig.at();
    rig.pbx.drop_connection(now, &s, &call, D1).unwrap();
    let mut actual = rig.frames(A1);
    actual[2]["callId"] = "another".into();
    fixtures::assert_frames(
        "ids",
        &fixtures::frames("03_inbound_answered_hangup", D1),
        &actual,
    );
}
