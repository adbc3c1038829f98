//! The simulated platform's starting data: tenants, agents, extensions, queues, outside numbers.
//!
//! A seed is JSON (`--seed FILE`); every field but the identifiers has a default, so a small
//! file describes a small tenant. [`Seed::default`] is the tenant the SDK's `LOCAL` preset and
//! the spec's fixtures use: `test.cc`, agents 5001–5010 (password `123456`), extensions
//! 8001–8010, queue 7000, trunk prefixes 9 and 6.

use serde::{Deserialize, Deserializer, Serialize};

/// The whole platform: one or more tenants (domains).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    /// Tenants, each a separate namespace of agents and extensions.
    pub tenants: Vec<TenantSeed>,
}

/// One tenant (a `namespace`/domain such as `test.cc`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSeed {
    /// The domain, e.g. `test.cc`.
    pub domain: String,
    /// At most this many agents logged in at once (461 beyond); `null` = no limit.
    #[serde(default)]
    pub max_online_agents: Option<usize>,
    /// Every call is recorded from the moment an agent's extension connects (`recordStarted`).
    #[serde(default)]
    pub record_by_default: bool,
    /// Agents may start and stop recordings (466 otherwise).
    #[serde(default = "yes")]
    pub recording_control: bool,
    /// Seconds of after-call work (`agentWorkingAfterCall`) before a Ready agent is Ready
    /// again; `null` = none.
    #[serde(default)]
    pub after_call_work_secs: Option<u64>,
    /// Dial prefixes of the tenant's trunks, in trunk order (the prefix lookup returns one
    /// `scanPrefix` per trunk, duplicates included).
    #[serde(default = "default_trunks")]
    pub trunks: Vec<String>,
    /// Agents (job numbers).
    #[serde(default)]
    pub agents: Vec<AgentSeed>,
    /// Extensions (phones).
    #[serde(default)]
    pub extensions: Vec<ExtensionSeed>,
    /// Queues (route to the longest-idle Ready agent).
    #[serde(default)]
    pub queues: Vec<QueueSeed>,
    /// Outside numbers with a behaviour other than the default (answer after 1 s).
    #[serde(default)]
    pub outside_numbers: Vec<OutsideSeed>,
}

/// An agent (job number) of a tenant.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentSeed {
    /// Job number, e.g. `5001`.
    pub number: String,
    /// Password checked by the token login and the Login request.
    pub password: String,
    /// Display name (client-state `agentName`); defaults to `Agent <number>`.
    #[serde(default)]
    pub name: Option<String>,
    /// A disabled agent can take a token but its Login is refused with 423.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Dialler answers allowed before `Ready` is refused with 465; `null` = no quota.
    #[serde(default)]
    pub auto_outbound_quota: Option<u32>,
    /// Dialler calls answered so far (counts towards the quota).
    #[serde(default)]
    pub auto_outbound_answered: u32,
}

/// An extension (phone) of a tenant.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtensionSeed {
    /// Extension number, e.g. `8001`.
    pub number: String,
    /// A phone is registered (online); Login on an unregistered extension is refused with 451.
    #[serde(default = "yes")]
    pub registered: bool,
    /// When set, only these job numbers may log in on it (457 for others).
    #[serde(default)]
    pub allowed_agents: Option<Vec<String>>,
    /// The phone answers by itself after this many ms (auto-answer); absent or `null` = it
    /// rings until answered through the API.
    #[serde(default)]
    pub answer_after_ms: Option<u64>,
    /// The phone hangs up this many ms after it connected; absent or `null` = never.
    #[serde(default)]
    pub hangup_after_ms: Option<u64>,
}

/// A queue (a routing point such as `7000`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueSeed {
    /// Queue number, e.g. `7000`.
    pub number: String,
}

/// How one outside number behaves when dialled (number without trunk prefix).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutsideSeed {
    /// The number as the customer knows it, e.g. `13800000000`.
    pub number: String,
    /// Answers this many ms after ringing; `null` = never answers; absent = the default (1 s).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub answer_after_ms: Option<Option<u64>>,
    /// Hangs up this many ms after answering; absent or `null` = never.
    #[serde(default)]
    pub hangup_after_ms: Option<u64>,
    /// The call fails with this call-progress code (1 busy, 3 not reachable, 6 power off,
    /// 8 does not exist, 11 no answer, ...), reported by `failed` when the call asked for
    /// `cpa: "1"`.
    #[serde(default)]
    pub fail_code: Option<u32>,
}

fn yes() -> bool {
    true
}

fn default_trunks() -> Vec<String> {
    vec!["9".into(), "6".into(), "9".into()]
}

/// Distinguishes an explicit `null` (`Some(None)`) from an absent field (`None`).
pub(crate) fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl Seed {
    /// Parses a seed file's text.
    pub fn from_json(text: &str) -> Result<Seed, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// A tenant `domain` with `agents` agents numbered from 5001 (password `123456`) and as
    /// many extensions numbered from 8001, queue 7000 and trunks 9, 6, 9.
    pub fn tenant(domain: &str, agents: u32) -> TenantSeed {
        TenantSeed {
            domain: domain.into(),
            max_online_agents: None,
            record_by_default: false,
            recording_control: true,
            after_call_work_secs: None,
            trunks: default_trunks(),
            agents: (0..agents)
                .map(|i| AgentSeed {
                    number: (5001 + i).to_string(),
                    password: "123456".into(),
                    name: None,
                    enabled: true,
                    auto_outbound_quota: None,
                    auto_outbound_answered: 0,
                })
                .collect(),
            extensions: (0..agents)
                .map(|i| ExtensionSeed {
                    number: (8001 + i).to_string(),
                    registered: true,
                    allowed_agents: None,
                    answer_after_ms: None,
                    hangup_after_ms: None,
                })
                .collect(),
            queues: vec![QueueSeed {
                number: "7000".into(),
            }],
            outside_numbers: default_outside_numbers(),
        }
    }
}

/// Outside numbers that fail, one per common call-progress code, so `cpa` can be exercised.
fn default_outside_numbers() -> Vec<OutsideSeed> {
    let failing = |number: &str, code: u32| OutsideSeed {
        number: number.into(),
        answer_after_ms: None,
        hangup_after_ms: None,
        fail_code: Some(code),
    };
    vec![
        failing("13900000001", 1),
        failing("13900000003", 3),
        failing("13900000006", 6),
        failing("13900000008", 8),
        failing("13900000011", 11),
        OutsideSeed {
            number: "13700000000".into(),
            answer_after_ms: Some(None),
            hangup_after_ms: None,
            fail_code: None,
        },
    ]
}

impl Default for Seed {
    fn default() -> Self {
        Seed {
            tenants: vec![Seed::tenant("test.cc", 10)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_seed_is_the_spec_tenant() {
        let seed = Seed::default();
        let t = &seed.tenants[0];
        assert_eq!(t.domain, "test.cc");
        assert_eq!(t.agents.len(), 10);
        assert_eq!(t.agents[0].number, "5001");
        assert_eq!(t.agents[9].number, "5010");
        assert_eq!(t.extensions[9].number, "8010");
        assert_eq!(t.trunks, ["9", "6", "9"]);
    }

    #[test]
    fn small_seed_gets_defaults_and_round_trips() {
        let text = r#"{"tenants":[{"domain":"a.cc","agents":[{"number":"1","password":"p"}],
            "extensions":[{"number":"801"}],
            "outsideNumbers":[{"number":"1","answerAfterMs":null},{"number":"2"}]}]}"#;
        let seed = Seed::from_json(text).unwrap();
        let t = &seed.tenants[0];
        assert!(t.recording_control && t.agents[0].enabled && t.extensions[0].registered);
        assert_eq!(t.outside_numbers[0].answer_after_ms, Some(None));
        assert_eq!(t.outside_numbers[1].answer_after_ms, None);
        let again = Seed::from_json(&serde_json::to_string(&seed).unwrap()).unwrap();
        assert_eq!(again.tenants[0].agents, seed.tenants[0].agents);
    }

    #[test]
    fn unknown_fields_are_refused() {
        assert!(Seed::from_json(r#"{"tenants":[],"extra":1}"#).is_err());
    }
}
