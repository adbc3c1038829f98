//! The per-recipient copies of call events: one body for every extension in the call, each
//! naming the other parties the way that extension knows them.

use serde_json::{json, Map, Value};

use super::{Call, Party, TRUNK_GROUP, TRUNK_MEMBER};
use crate::pbx::events::{self, Stamp};
use crate::pbx::{EventKind, Pbx};

impl Pbx {
    pub(super) fn emit_copies(&mut self, copies: Vec<(String, Map<String, Value>)>) {
        for (recipient, body) in copies {
            self.emit_to_device(&recipient, EventKind::Csta, body);
        }
    }

    /// `callType` of the leg `party` is on.
    pub(super) fn leg_type(&self, call: &Call, party: &Party) -> String {
        if party.added_by.is_none() {
            if let Some(t) = &call.call_type {
                return t.clone();
            }
        }
        let (calling, called) = call.pair(party);
        if !self.is_extension(&calling) {
            "Inbound".into()
        } else if !self.is_extension(&called) {
            "Outbound".into()
        } else {
            "Internal".into()
        }
    }

    /// `delivered` about `about` ringing, one copy per extension in the call.
    pub(super) fn delivered_copies(
        &self,
        call_id: &str,
        about: &str,
        cause: &str,
        redirected_by: Option<&str>,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let Some(party) = call.party(about) else {
            return Vec::new();
        };
        let leg = self.leg_type(call, party);
        let (calling, called) = call.pair(party);
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let ani = call.seen(&calling, &r);
                let dnis = call.seen(&called, &r);
                let mut m = events::with(
                    events::csta(at, "delivered", &r, call_id, &seen, "Alerting", Some(cause)),
                    &[
                        ("alertingDevice", seen.clone().into()),
                        ("callingDevice", ani.clone().into()),
                        ("calledDevice", dnis.clone().into()),
                    ],
                );
                let primary = party.added_by.is_none();
                if primary && leg == "Inbound" {
                    m.insert("trunkGroup".into(), TRUNK_GROUP.into());
                    m.insert("trunkMember".into(), TRUNK_MEMBER.into());
                }
                let mut data = Map::new();
                match leg.as_str() {
                    "Outbound" => {
                        data.insert("originalDNIS".into(), dnis.clone().into());
                        data.insert("originalANI".into(), ani.clone().into());
                    }
                    "Internal" => {
                        data.insert("originalANI".into(), ani.clone().into());
                        data.insert("originalDNIS".into(), dnis.clone().into());
                    }
                    _ => {
                        if let (true, Some(dnis0)) = (primary, &call.origin_dnis) {
                            data.insert("origin_dnis".into(), dnis0.clone().into());
                        }
                        data.insert("originalANI".into(), ani.clone().into());
                        data.insert("originalDNIS".into(), dnis.clone().into());
                    }
                }
                data.insert("originalCallId".into(), call_id.into());
                for (k, v) in &call.user_data {
                    data.insert(k.clone(), v.clone());
                }
                m.insert("userData".into(), json!({ "data": data }));
                if let (true, Some(split)) = (primary, &call.queue) {
                    m.insert("split".into(), split.clone().into());
                }
                m.insert("callCause".into(), "NEWCALL".into());
                m.insert("callType".into(), leg.clone().into());
                if let Some(by) = redirected_by {
                    m.insert("lastRedirectionDevice".into(), call.seen(by, &r).into());
                }
                (r, m)
            })
            .collect()
    }

    /// `established` about `about` answering, one copy per extension in the call.
    pub(super) fn established_copies(
        &self,
        call_id: &str,
        about: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let Some(party) = call.party(about) else {
            return Vec::new();
        };
        let (calling, called) = call.pair(party);
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let mut m = events::with(
                    events::csta(
                        at,
                        "established",
                        &r,
                        call_id,
                        &seen,
                        "Connect",
                        Some("NEWCALL"),
                    ),
                    &[
                        ("answeringDevice", seen.clone().into()),
                        ("callingDevice", call.seen(&calling, &r).into()),
                        ("calledDevice", call.seen(&called, &r).into()),
                    ],
                );
                if let (true, Some(split)) = (party.via_queue, &call.queue) {
                    m.insert("split".into(), split.clone().into());
                }
                (r, m)
            })
            .collect()
    }

    /// `conferenced`: `added` joined the call through `by`, one copy per extension in the call.
    pub(super) fn conferenced_copies(
        &self,
        call_id: &str,
        primary_old: &str,
        secondary_old: &str,
        by: &str,
        added: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(added, &r);
                let m = events::with(
                    events::csta(at, "conferenced", &r, call_id, &seen, "Connect", None),
                    &[
                        ("primaryOldCall", primary_old.into()),
                        ("secondaryOldCall", secondary_old.into()),
                        ("conferencingDevice", call.seen(by, &r).into()),
                        ("addedParty", seen.clone().into()),
                        ("newCall", call_id.into()),
                    ],
                );
                (r, m)
            })
            .collect()
    }

    /// `held`/`retrieved` about `about`, one copy per extension in the call.
    pub(super) fn simple_copies(
        &self,
        call_id: &str,
        name: &str,
        about: &str,
        local: &str,
        cause: &str,
        field: &str,
    ) -> Vec<(String, Map<String, Value>)> {
        let Some(call) = self.calls.get(call_id) else {
            return Vec::new();
        };
        let time = self.event_time();
        let at = Stamp {
            domain: &call.tenant,
            time: &time,
        };
        call.recipients()
            .into_iter()
            .map(|r| {
                let seen = call.seen(about, &r);
                let m = events::with(
                    events::csta(at, name, &r, call_id, &seen, local, Some(cause)),
                    &[(field, seen.clone().into())],
                );
                (r, m)
            })
            .collect()
    }

    /// `connectionCleared` of `released` for recipient `r`, naming the call `shown_id`.
    pub(super) fn cleared_body(
        &self,
        call_id: &str,
        r: &str,
        released: &str,
        hangup: &str,
        cause: &str,
        shown_id: &str,
    ) -> Map<String, Value> {
        let time = self.event_time();
        match self.calls.get(call_id) {
            Some(call) => cleared_in(
                call,
                &call.tenant,
                &time,
                r,
                released,
                hangup,
                cause,
                shown_id,
            ),
            None => Map::new(),
        }
    }
}

/// `connectionCleared` of `released` for recipient `r` in `call`, naming the call `shown_id`.
#[allow(clippy::too_many_arguments)]
pub(super) fn cleared_in(
    call: &Call,
    domain: &str,
    time: &str,
    r: &str,
    released: &str,
    hangup: &str,
    cause: &str,
    shown_id: &str,
) -> Map<String, Value> {
    let at = Stamp { domain, time };
    let seen = call.seen(released, r);
    events::with(
        events::csta(
            at,
            "connectionCleared",
            r,
            shown_id,
            &seen,
            "Idle",
            Some(cause),
        ),
        &[
            ("releasingDevice", seen.clone().into()),
            ("hangupDevice", call.seen(hangup, r).into()),
        ],
    )
}
