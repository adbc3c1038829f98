//! Fault knobs: rules that make the next N HTTP calls slow or failing, and the next N events
//! duplicated or out of order. Only bookkeeping lives here; the HTTP layer and the event
//! publisher apply the rules.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::pbx::Published;

/// One HTTP rule: the next `count` matching calls wait `delay_ms`, then (when `status` is set)
/// fail with that status instead of reaching the API.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HttpRule {
    /// How many calls the rule applies to.
    pub count: u32,
    /// Answer with this status (a JSON body `{status, message}`).
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Only calls whose path starts with this (e.g. `/api/csta/agent/heartbeat`).
    #[serde(default)]
    pub path_prefix: Option<String>,
}

/// What happens to a matching event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EventAction {
    /// Published twice (same body, same serial).
    Duplicate,
    /// Held back and published right after the next event of the same agent.
    Reorder,
}

/// One event rule: the next `count` events (of `agent_id`, or of anybody) get `action`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventRule {
    /// Duplicate or reorder.
    pub action: EventAction,
    /// How many events the rule applies to.
    pub count: u32,
    /// Only this agent's events (`5001@test.cc`).
    #[serde(default)]
    pub agent_id: Option<String>,
}

/// The pending fault rules.
#[derive(Default)]
pub struct Faults {
    http: Mutex<Vec<HttpRule>>,
    events: Mutex<Vec<EventRule>>,
}

impl Faults {
    /// Adds an HTTP rule (rules apply in the order they were added).
    pub fn add_http(&self, rule: HttpRule) {
        if rule.count > 0 {
            lock(&self.http).push(rule);
        }
    }

    /// Adds an event rule.
    pub fn add_events(&self, rule: EventRule) {
        if rule.count > 0 {
            lock(&self.events).push(rule);
        }
    }

    /// Forgets every rule.
    pub fn clear(&self) {
        lock(&self.http).clear();
        lock(&self.events).clear();
    }

    /// The rule for an HTTP call to `path`, used up by one.
    pub fn take_http(&self, path: &str) -> Option<HttpRule> {
        let mut rules = lock(&self.http);
        let i = rules
            .iter()
            .position(|r| r.path_prefix.as_deref().is_none_or(|p| path.starts_with(p)))?;
        let rule = rules.get_mut(i)?;
        rule.count -= 1;
        let taken = rule.clone();
        if rule.count == 0 {
            rules.remove(i);
        }
        Some(taken)
    }

    /// The action for an event of `agent`, used up by one.
    pub fn take_event(&self, agent: &str) -> Option<EventAction> {
        let mut rules = lock(&self.events);
        let i = rules
            .iter()
            .position(|r| r.agent_id.as_deref().is_none_or(|a| a == agent))?;
        let rule = rules.get_mut(i)?;
        rule.count -= 1;
        let action = rule.action;
        if rule.count == 0 {
            rules.remove(i);
        }
        Some(action)
    }

    /// The pending rules, for `/admin/faults`.
    pub fn view(&self) -> Value {
        json!({ "http": *lock(&self.http), "events": *lock(&self.events) })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Applies event rules to the stream of published events, per agent: what to send now, and
/// what is held back (a reordered event waits for the agent's next one, or at most
/// [`EventShaper::HOLD_MS`]).
#[derive(Default)]
pub struct EventShaper {
    held: HashMap<String, (Published, u64)>,
}

impl EventShaper {
    /// A held event is released after this long even when no other event follows.
    pub const HOLD_MS: u64 = 500;

    /// The events to send now for `event`, published at `now` (ms).
    pub fn push(&mut self, faults: &Faults, event: Published, now: u64) -> Vec<Published> {
        if let Some((held, _)) = self.held.remove(&event.agent) {
            return vec![event, held];
        }
        match faults.take_event(&event.agent) {
            Some(EventAction::Duplicate) => vec![event.clone(), event],
            Some(EventAction::Reorder) => {
                self.held.insert(event.agent.clone(), (event, now));
                Vec::new()
            }
            None => vec![event],
        }
    }

    /// Held events whose time is up at `now`.
    pub fn due(&mut self, now: u64) -> Vec<Published> {
        let expired: Vec<String> = self
            .held
            .iter()
            .filter(|(_, (_, at))| now >= at + Self::HOLD_MS)
            .map(|(k, _)| k.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|k| self.held.remove(&k).map(|(e, _)| e))
            .collect()
    }

    /// When [`due`](EventShaper::due) next releases something.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.held.values().map(|(_, at)| at + Self::HOLD_MS).min()
    }

    /// Everything held, for shutdown.
    pub fn drain(&mut self) -> Vec<Published> {
        self.held.drain().map(|(_, (e, _))| e).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pbx::EventKind;
    use serde_json::Map;

    fn event(agent: &str, serial: u64) -> Published {
        let mut body = Map::new();
        body.insert("serial".into(), serial.into());
        Published {
            agent: agent.into(),
            kind: EventKind::Csta,
            body,
        }
    }

    fn serials(v: &[Published]) -> Vec<(String, u64)> {
        v.iter()
            .map(|p| (p.agent.clone(), p.body["serial"].as_u64().unwrap()))
            .collect()
    }

    #[test]
    fn http_rules_count_down_and_match_prefixes() {
        let f = Faults::default();
        f.add_http(HttpRule {
            count: 2,
            status: Some(503),
            delay_ms: None,
            path_prefix: Some("/api/csta/agent/heartbeat".into()),
        });
        assert_eq!(f.take_http("/api/csta/agent/state"), None);
        assert_eq!(
            f.take_http("/api/csta/agent/heartbeat/5001@test.cc")
                .unwrap()
                .status,
            Some(503)
        );
        assert!(f.take_http("/api/csta/agent/heartbeat/x").is_some());
        assert_eq!(f.take_http("/api/csta/agent/heartbeat/x"), None);
    }

    #[test]
    fn duplicate_and_reorder_per_agent() {
        let f = Faults::default();
        let mut s = EventShaper::default();
        f.add_events(EventRule {
            action: EventAction::Duplicate,
            count: 1,
            agent_id: Some("a".into()),
        });
        assert_eq!(serials(&s.push(&f, event("b", 1), 0)), [("b".into(), 1)]);
        assert_eq!(
            serials(&s.push(&f, event("a", 1), 0)),
            [("a".into(), 1), ("a".into(), 1)]
        );
        assert_eq!(serials(&s.push(&f, event("a", 2), 0)), [("a".into(), 2)]);

        f.add_events(EventRule {
            action: EventAction::Reorder,
            count: 1,
            agent_id: None,
        });
        assert!(s.push(&f, event("a", 3), 10).is_empty());
        assert_eq!(serials(&s.push(&f, event("b", 2), 20)), [("b".into(), 2)]);
        assert_eq!(
            serials(&s.push(&f, event("a", 4), 30)),
            [("a".into(), 4), ("a".into(), 3)]
        );
        assert_eq!(serials(&s.push(&f, event("a", 5), 40)), [("a".into(), 5)]);
    }

    #[test]
    fn held_event_is_released_when_nothing_follows() {
        let f = Faults::default();
        let mut s = EventShaper::default();
        f.add_events(EventRule {
            action: EventAction::Reorder,
            count: 1,
            agent_id: None,
        });
        assert!(s.push(&f, event("a", 1), 100).is_empty());
        assert_eq!(s.poll_timeout(), Some(600));
        assert!(s.due(599).is_empty());
        assert_eq!(serials(&s.due(600)), [("a".into(), 1)]);
        assert_eq!(s.poll_timeout(), None);
    }
}
