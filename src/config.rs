//! Configuration and the `useConfig` presets.
//!
//! [`Config`] holds every field of the original's `Config` that still means something, under the
//! same names where pages read or write them (`getConfig()`, `setConfig()`), plus the settings
//! this SDK adds (reconnect policy, request timeout, auto-answer delay, STOMP login headers).
//! Presets only replace the connection fields (and `autoAnswer` unless the page set it itself).

use crate::json::{Map, Value};

/// The version `getVersion()` reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One platform environment: where the REST API, token login and WebSocket live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Preset name as passed to `useConfig`.
    pub name: &'static str,
    /// Host, optionally with port or path prefix (`api.wellcloud.cc/sdk`).
    pub sdk: &'static str,
    /// Appended to `sdk` for REST (`":5088"` or `""`).
    pub csta_port: &'static str,
    /// Appended to `sdk` for the WebSocket.
    pub event_port: &'static str,
    /// Host and path of the token login.
    pub tpi: &'static str,
    /// `"http://"` or `"https://"`.
    pub protocol: &'static str,
    /// `"ws://"` or `"wss://"`.
    pub ws_protocol: &'static str,
    /// Auto-answer value the preset brings (forwarded to the UI layer).
    pub auto_answer: bool,
    /// Default tenant domain the preset sets, when it sets one.
    pub domain: Option<&'static str>,
}

const fn preset(
    name: &'static str,
    sdk: &'static str,
    port: &'static str,
    tpi: &'static str,
    secure: bool,
    auto_answer: bool,
) -> Preset {
    Preset {
        name,
        sdk,
        csta_port: port,
        event_port: port,
        tpi,
        protocol: if secure { "https://" } else { "http://" },
        ws_protocol: if secure { "wss://" } else { "ws://" },
        auto_answer,
        domain: None,
    }
}

const fn with_domain(mut p: Preset, domain: &'static str) -> Preset {
    p.domain = Some(domain);
    p
}

/// Every preset of the original (PROTOCOL.md §1.2) plus `LOCAL`, the simulator on loopback.
pub const PRESETS: &[Preset] = &[
    preset(
        "POC",
        "192.168.2.237",
        ":31024",
        "192.168.2.237:31024/api/security/login",
        false,
        true,
    ),
    preset(
        "superCluster",
        "192.168.40.234",
        ":30412",
        "192.168.40.234:30412/login",
        false,
        true,
    ),
    preset(
        "STRESS2-TEST",
        "192.168.60.124",
        ":31024",
        "192.168.60.124:31024/login",
        false,
        true,
    ),
    preset(
        "SUN-INNER",
        "10.8.15.56",
        ":31024",
        "10.8.15.56:31024/api/security/login",
        false,
        false,
    ),
    preset(
        "iPRD-INNER",
        "10.248.6.132",
        ":8091",
        "10.248.6.132:8091/loginTrusted",
        false,
        true,
    ),
    preset(
        "CMB-PRO2",
        "prd2sdk.wellcloud.cc:5082",
        "",
        "prd2tpi.wellcloud.cc:5081/login",
        false,
        true,
    ),
    with_domain(
        preset(
            "CMB-PRO",
            "mbsdk.wellcloud.cc",
            ":5088",
            "mbsdk.wellcloud.cc:5088/loginTrusted",
            true,
            true,
        ),
        "cmb.cc",
    ),
    preset(
        "CMB-PRO-443",
        "mbsdk.wellcloud.cc",
        "",
        "mbsdk.wellcloud.cc/login",
        true,
        true,
    ),
    preset(
        "CMB-TEST",
        "uatsdk.wellcloud.cc",
        "",
        "uatsdk.wellcloud.cc/loginTrusted",
        true,
        true,
    ),
    with_domain(
        preset(
            "CMB-DEV",
            "uatsdk.wellcloud.cc",
            "",
            "uatsdk.wellcloud.cc/loginTrusted",
            true,
            true,
        ),
        "cmbyc.cc",
    ),
    with_domain(
        preset(
            "CMB-UAT",
            "uatsdk.wellcloud.cc",
            "",
            "uatsdk.wellcloud.cc/loginTrusted",
            true,
            true,
        ),
        "cmb.uat",
    ),
    with_domain(
        preset(
            "CMB-INNER",
            "10.248.6.71",
            ":80",
            "10.248.6.71/loginTrusted",
            false,
            true,
        ),
        "cmb.cc",
    ),
    preset(
        "CMB-OFFICE",
        "99.248.1.244",
        ":5080",
        "99.248.1.244:5080/api/security/loginTrusted",
        false,
        true,
    ),
    preset(
        "OUR-DEV",
        "172.16.200.152",
        ":58080",
        "172.16.200.152:58080/login",
        true,
        true,
    ),
    preset(
        "AWS-PRO",
        "tpisdk.wellcloud.cc",
        "",
        "tpi.wellcloud.cc/login",
        false,
        false,
    ),
    preset(
        "AWS-HTTPS",
        "api.wellcloud.cc/sdk",
        "",
        "api.wellcloud.cc/agent/login",
        true,
        false,
    ),
    preset(
        "TX",
        "qsdk.wellcloud.cc",
        ":443",
        "qsdk.wellcloud.cc:443/api/security/login",
        true,
        false,
    ),
    preset(
        "OUR-TEST",
        "192.168.40.107",
        ":31024",
        "192.168.40.107:31024/login",
        false,
        true,
    ),
    preset(
        "OUR-TEST-SDK",
        "192.168.40.79",
        ":58080",
        "192.168.40.79:58080/login",
        false,
        true,
    ),
    preset(
        "STRESS-TEST",
        "192.168.40.141",
        ":31024",
        "192.168.40.141:31024/login",
        false,
        true,
    ),
    Preset {
        name: "TIANAN",
        sdk: "10.100.32.215",
        csta_port: ":58080",
        event_port: ":58080",
        tpi: "10.100.32.215:8090/login",
        protocol: "http://",
        ws_protocol: "ws://",
        auto_answer: true,
        domain: None,
    },
    preset(
        "IPRD",
        "172.16.30.8",
        ":31024",
        "172.16.30.8:31024/api/security/login",
        false,
        true,
    ),
    with_domain(
        preset(
            "LOCAL",
            "127.0.0.1",
            ":8088",
            "127.0.0.1:8088/login",
            false,
            false,
        ),
        "test.cc",
    ),
];

/// Finds a preset by its exact (case-sensitive) name.
pub fn find_preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// How the WebSocket is re-opened after it drops.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Attempts before `wsDisconnected` is reported.
    pub tries: u32,
    /// Delay between those attempts, in ms (jittered by ±20 %).
    pub delay_ms: u32,
    /// Keep trying in the background after `wsDisconnected`, with capped backoff.
    pub background: bool,
    /// Cap of the background backoff, in ms.
    pub max_delay_ms: u32,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            tries: 5,
            delay_ms: 1000,
            background: true,
            max_delay_ms: 30_000,
        }
    }
}

/// STOMP settings: optional `CONNECT` headers (none are sent unless set: DECISIONS.md K11)
/// and the heart-beats offered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StompSettings {
    /// `host` header (RabbitMQ reads it as the virtual host).
    pub host: Option<String>,
    /// `login` header.
    pub login: Option<String>,
    /// `passcode` header (never logged).
    pub passcode: Option<String>,
    /// `(cx, cy)` offered in `heart-beat`, ms: how often we can send, how often we want the
    /// server to. The default `10000,10000` is RabbitMQ's; see `stomp::heartbeat` for why the
    /// server's beats matter in a background tab.
    pub heart_beat: (u32, u32),
}

impl Default for StompSettings {
    fn default() -> Self {
        StompSettings {
            host: None,
            login: None,
            passcode: None,
            heart_beat: (10_000, 10_000),
        }
    }
}

/// The live configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Name of the preset last applied (`ENV_NAME`).
    pub env_name: String,
    /// Platform host name (`SDK`).
    pub sdk: String,
    /// Port part of REST URLs, with its colon or empty (`cstaPort`).
    pub csta_port: String,
    /// Port part of the WebSocket URL, with its colon or empty (`eventPort`).
    pub event_port: String,
    /// Host and path of the token login, without the scheme (`TPI`).
    pub tpi: String,
    /// Scheme of REST URLs, `http://` or `https://` (`protocol`).
    pub protocol: String,
    /// Scheme of the WebSocket URL, `ws://` or `wss://` (`wsProtocol`).
    pub ws_protocol: String,
    /// Path before `/websocket` (`eventBasePath`).
    pub event_base_path: String,
    /// Subscription prefix the agent id is appended to (`newWsTopic`).
    pub new_ws_topic: String,
    /// Forwarded to the UI layer's `delivered` event.
    pub auto_answer: bool,
    /// Whether the page itself set `autoAnswer` (only then may the core answer: K9), and it
    /// survives a later `useConfig` (K15).
    pub auto_answer_set_by_page: bool,
    /// Delay before the core auto-answers, in ms.
    pub auto_answer_delay_ms: u32,
    /// Show login errors as alerts (`useErrorAlert`).
    pub use_error_alert: bool,
    /// Mirror log lines to the console (`debug`).
    pub debug: bool,
    /// Show every STOMP frame on the console (`useWsLog`).
    pub use_ws_log: bool,
    /// Class of click-to-dial elements (`clickCallClass`).
    pub click_call_class: String,
    /// Interval of the HTTP heartbeat, ms (`heartbeatLength`).
    pub heartbeat_ms: u32,
    /// How long a command waits for its answer before it rejects, ms (`requestTimeoutMs`).
    pub request_timeout_ms: u32,
    /// How the WebSocket is reconnected (`reconnect`, `maxReconnectTimes`, `timeout`).
    pub reconnect: ReconnectPolicy,
    /// Keep received events in the event log (`useEventLog`, `enableLog`/`disableLog`).
    pub use_event_log: bool,
    /// Run the status clock on pages that have its element (`useClock`).
    pub use_clock: bool,
    /// Element ids hidden with class `well-dn` (`hideButton`).
    pub hide_button: Vec<String>,
    /// Log out when the page goes away, instead of keeping the session (`logoutOnUnload`).
    pub logout_on_unload: bool,
    /// Origins whose `postMessage` commands are accepted; none by default.
    pub post_message_origins: Vec<String>,
    /// `CONNECT` headers and heart-beats (`stomp`).
    pub stomp: StompSettings,
    /// Domain used when `agentLogin` is given none.
    pub default_domain: String,
    /// Name of the cookie that keeps the session id.
    pub session_cookie_name: String,
}

impl Default for Config {
    /// The original's defaults: `CMB-PRO` with the `/login` token path.
    fn default() -> Self {
        Config {
            env_name: "CMB-PRO".into(),
            sdk: "mbsdk.wellcloud.cc".into(),
            csta_port: ":5088".into(),
            event_port: ":5088".into(),
            tpi: "mbsdk.wellcloud.cc:5088/login".into(),
            protocol: "https://".into(),
            ws_protocol: "wss://".into(),
            event_base_path: "/mvc/stomp".into(),
            new_ws_topic: "/topic/event.agent.*.".into(),
            auto_answer: true,
            auto_answer_set_by_page: false,
            auto_answer_delay_ms: 500,
            use_error_alert: false,
            debug: false,
            use_ws_log: false,
            click_call_class: "well-canBeCalled".into(),
            heartbeat_ms: 60_000,
            request_timeout_ms: 10_000,
            reconnect: ReconnectPolicy::default(),
            use_event_log: true,
            use_clock: true,
            hide_button: Vec::new(),
            logout_on_unload: false,
            post_message_origins: Vec::new(),
            stomp: StompSettings::default(),
            default_domain: "cmb.cc".into(),
            session_cookie_name: "wellclient-cookie-session-id".into(),
        }
    }
}

/// A `setConfig` field that was present but of the wrong type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadField(pub &'static str);

impl Config {
    /// REST base: `{protocol}{SDK}{cstaPort}`.
    pub fn rest_base(&self) -> String {
        [self.protocol.as_str(), &self.sdk, &self.csta_port].concat()
    }

    /// Token login URL: `{protocol}{TPI}`.
    pub fn tpi_url(&self) -> String {
        [self.protocol.as_str(), &self.tpi].concat()
    }

    /// WebSocket URL: `{wsProtocol}{SDK}{eventPort}{eventBasePath}/websocket`.
    pub fn ws_url(&self) -> String {
        [
            self.ws_protocol.as_str(),
            &self.sdk,
            &self.event_port,
            &self.event_base_path,
            "/websocket",
        ]
        .concat()
    }

    /// The STOMP destination for an agent: dots of the login id become underscores.
    pub fn topic_for(&self, login_id: &str) -> String {
        let mut out = self.new_ws_topic.clone();
        out.extend(login_id.chars().map(|c| if c == '.' { '_' } else { c }));
        out
    }

    /// Applies a preset (`useConfig`): the connection fields are replaced; `autoAnswer` too
    /// unless the page set it itself.
    pub fn use_preset(&mut self, p: &Preset) {
        self.env_name = p.name.into();
        self.sdk = p.sdk.into();
        self.csta_port = p.csta_port.into();
        self.event_port = p.event_port.into();
        self.tpi = p.tpi.into();
        self.protocol = p.protocol.into();
        self.ws_protocol = p.ws_protocol.into();
        if !self.auto_answer_set_by_page {
            self.auto_answer = p.auto_answer;
        }
        if let Some(domain) = p.domain {
            self.default_domain = domain.into();
            self.use_clock = true;
        }
    }

    /// Applies the fields of a `setConfig` object. Unknown keys are ignored; each field of the
    /// wrong type is skipped and returned so the caller can report it.
    pub fn apply(&mut self, conf: &Map) -> Vec<BadField> {
        let mut bad = Vec::new();
        for (key, value) in conf.iter() {
            if let Err(e) = self.apply_field(key, value) {
                bad.push(e);
            }
        }
        bad
    }

    fn apply_field(&mut self, key: &str, v: &Value) -> Result<(), BadField> {
        fn text(v: &Value, name: &'static str) -> Result<String, BadField> {
            v.as_str().map(str::to_owned).ok_or(BadField(name))
        }
        fn flag(v: &Value, name: &'static str) -> Result<bool, BadField> {
            v.as_bool().ok_or(BadField(name))
        }
        fn millis(v: &Value, name: &'static str) -> Result<u32, BadField> {
            v.as_i64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or(BadField(name))
        }
        fn list(v: &Value, name: &'static str) -> Result<Vec<String>, BadField> {
            match v {
                Value::Null => Ok(Vec::new()),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_owned).ok_or(BadField(name)))
                    .collect(),
                _ => Err(BadField(name)),
            }
        }
        match key {
            "debug" => self.debug = flag(v, "debug")?,
            "useWsLog" => self.use_ws_log = flag(v, "useWsLog")?,
            "useErrorAlert" => self.use_error_alert = flag(v, "useErrorAlert")?,
            "useEventLog" => self.use_event_log = flag(v, "useEventLog")?,
            "useClock" => self.use_clock = flag(v, "useClock")?,
            "logoutOnUnload" => self.logout_on_unload = flag(v, "logoutOnUnload")?,
            "autoAnswer" => {
                self.auto_answer = flag(v, "autoAnswer")?;
                self.auto_answer_set_by_page = true;
            }
            "autoAnswerDelayMs" => self.auto_answer_delay_ms = millis(v, "autoAnswerDelayMs")?,
            "clickCallClass" => {
                let class = text(v, "clickCallClass")?;
                if class.is_empty() {
                    return Err(BadField("clickCallClass"));
                }
                self.click_call_class = class;
            }
            "hideButton" => self.hide_button = list(v, "hideButton")?,
            "postMessageOrigins" => self.post_message_origins = list(v, "postMessageOrigins")?,
            "SDK" => self.sdk = text(v, "SDK")?,
            "cstaPort" => self.csta_port = text(v, "cstaPort")?,
            "eventPort" => self.event_port = text(v, "eventPort")?,
            "TPI" => self.tpi = text(v, "TPI")?,
            "protocol" => self.protocol = text(v, "protocol")?,
            "wsProtocol" => self.ws_protocol = text(v, "wsProtocol")?,
            "eventBasePath" => self.event_base_path = text(v, "eventBasePath")?,
            "newWsTopic" => self.new_ws_topic = text(v, "newWsTopic")?,
            "heartbeatLength" => {
                let ms = millis(v, "heartbeatLength")?;
                if ms < 1000 {
                    return Err(BadField("heartbeatLength"));
                }
                self.heartbeat_ms = ms;
            }
            "requestTimeoutMs" => self.request_timeout_ms = millis(v, "requestTimeoutMs")?.max(1),
            // 1.3.7's names for the reconnect policy, in seconds and attempts.
            "timeout" => {
                let secs = millis(v, "timeout")?;
                self.reconnect.delay_ms = secs.saturating_mul(1000);
            }
            "maxReconnectTimes" => self.reconnect.tries = millis(v, "maxReconnectTimes")?,
            "reconnect" => {
                let m = v.as_object().ok_or(BadField("reconnect"))?;
                for (k, v) in m.iter() {
                    match k {
                        "tries" => self.reconnect.tries = millis(v, "reconnect.tries")?,
                        "delayMs" => self.reconnect.delay_ms = millis(v, "reconnect.delayMs")?,
                        "background" => {
                            self.reconnect.background = flag(v, "reconnect.background")?
                        }
                        "maxDelayMs" => {
                            self.reconnect.max_delay_ms = millis(v, "reconnect.maxDelayMs")?
                        }
                        _ => {}
                    }
                }
            }
            "stomp" => {
                let m = v.as_object().ok_or(BadField("stomp"))?;
                let opt =
                    |name: &'static str, v: Option<&Value>| -> Result<Option<String>, BadField> {
                        match v {
                            None | Some(Value::Null) => Ok(None),
                            Some(v) => v.as_str().map(|s| Some(s.to_owned())).ok_or(BadField(name)),
                        }
                    };
                let beats = |v: Option<&Value>| -> Result<Option<(u32, u32)>, BadField> {
                    let Some(v) = v.filter(|v| !v.is_null()) else {
                        return Ok(None);
                    };
                    match v.as_array() {
                        Some([cx, cy]) => Ok(Some((
                            millis(cx, "stomp.heartBeat")?,
                            millis(cy, "stomp.heartBeat")?,
                        ))),
                        _ => Err(BadField("stomp.heartBeat")),
                    }
                };
                self.stomp = StompSettings {
                    host: opt("stomp.host", m.get("host"))?,
                    login: opt("stomp.login", m.get("login"))?,
                    passcode: opt("stomp.passcode", m.get("passcode"))?,
                    heart_beat: beats(m.get("heartBeat"))?.unwrap_or(self.stomp.heart_beat),
                };
            }
            _ => {}
        }
        Ok(())
    }

    /// The object `getConfig()` shows, with the original's field names. No secrets.
    pub fn to_json(&self, logged_in: bool) -> Map {
        let strings =
            |items: &[String]| -> Value { Value::Array(items.iter().map(Value::from).collect()) };
        Map::new()
            .with("version", VERSION)
            .with("ENV_NAME", self.env_name.as_str())
            .with("sessionIdCookieName", self.session_cookie_name.as_str())
            .with("SDK", self.sdk.as_str())
            .with("cstaPort", self.csta_port.as_str())
            .with("eventPort", self.event_port.as_str())
            .with("TPI", self.tpi.as_str())
            .with("protocol", self.protocol.as_str())
            .with("wsProtocol", self.ws_protocol.as_str())
            .with("autoAnswer", self.auto_answer)
            .with("autoAnswerDelayMs", i64::from(self.auto_answer_delay_ms))
            .with("useErrorAlert", self.use_error_alert)
            .with("newWsTopic", self.new_ws_topic.as_str())
            .with("debug", self.debug)
            .with("useWsLog", self.use_ws_log)
            .with("eventBasePath", self.event_base_path.as_str())
            .with("clickCallClass", self.click_call_class.as_str())
            .with("timeout", i64::from(self.reconnect.delay_ms / 1000))
            .with("maxReconnectTimes", i64::from(self.reconnect.tries))
            .with(
                "reconnect",
                Map::new()
                    .with("tries", i64::from(self.reconnect.tries))
                    .with("delayMs", i64::from(self.reconnect.delay_ms))
                    .with("background", self.reconnect.background)
                    .with("maxDelayMs", i64::from(self.reconnect.max_delay_ms)),
            )
            .with("isLogined", logged_in)
            .with("heartbeatLength", i64::from(self.heartbeat_ms))
            .with("requestTimeoutMs", i64::from(self.request_timeout_ms))
            .with("useEventLog", self.use_event_log)
            .with("useClock", self.use_clock)
            .with("hideButton", strings(&self.hide_button))
            .with("logoutOnUnload", self.logout_on_unload)
            .with("postMessageOrigins", strings(&self.post_message_origins))
            .with(
                "stomp",
                Map::new()
                    .with("host", self.stomp.host.as_deref())
                    .with("login", self.stomp.login.as_deref())
                    .with(
                        "heartBeat",
                        Value::Array(vec![
                            i64::from(self.stomp.heart_beat.0).into(),
                            i64::from(self.stomp.heart_beat.1).into(),
                        ]),
                    ),
            )
    }
}

/// The `setConfig` keys that a write to a `getConfig()` field applies (K16).
pub const SETTABLE_KEYS: &[&str] = &[
    "debug",
    "useWsLog",
    "useErrorAlert",
    "useEventLog",
    "useClock",
    "logoutOnUnload",
    "autoAnswer",
    "autoAnswerDelayMs",
    "clickCallClass",
    "hideButton",
    "postMessageOrigins",
    "SDK",
    "cstaPort",
    "eventPort",
    "TPI",
    "protocol",
    "wsProtocol",
    "eventBasePath",
    "newWsTopic",
    "heartbeatLength",
    "requestTimeoutMs",
    "timeout",
    "maxReconnectTimes",
    "reconnect",
    "stomp",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn obj(text: &str) -> Map {
        parse(text).unwrap().as_object().unwrap().clone()
    }

    #[test]
    fn urls_of_presets() {
        let mut c = Config::default();
        assert_eq!(c.rest_base(), "https://mbsdk.wellcloud.cc:5088");
        c.use_preset(find_preset("AWS-HTTPS").unwrap());
        assert_eq!(c.rest_base(), "https://api.wellcloud.cc/sdk");
        assert_eq!(c.tpi_url(), "https://api.wellcloud.cc/agent/login");
        assert_eq!(c.ws_url(), "wss://api.wellcloud.cc/sdk/mvc/stomp/websocket");
        c.use_preset(find_preset("LOCAL").unwrap());
        assert_eq!(c.rest_base(), "http://127.0.0.1:8088");
        assert_eq!(c.tpi_url(), "http://127.0.0.1:8088/login");
        assert_eq!(c.ws_url(), "ws://127.0.0.1:8088/mvc/stomp/websocket");
        assert_eq!(c.default_domain, "test.cc");
        assert!(!c.auto_answer);
        assert_eq!(
            c.topic_for("5001@test.cc"),
            "/topic/event.agent.*.5001@test_cc"
        );
    }

    #[test]
    fn every_documented_preset_exists() {
        for name in [
            "CMB-PRO",
            "CMB-DEV",
            "CMB-INNER",
            "AWS-PRO",
            "AWS-HTTPS",
            "CMB-PRO2",
            "SUN-INNER",
            "TX",
            "LOCAL",
        ] {
            assert!(find_preset(name).is_some(), "{name}");
        }
        assert!(find_preset("CMB-PRD2").is_none());
        assert!(find_preset("local").is_none());
    }

    #[test]
    fn set_config_works_both_ways() {
        let mut c = Config::default();
        assert!(c
            .apply(&obj(r#"{"debug":true,"autoAnswer":false,"useWsLog":true}"#))
            .is_empty());
        assert!(c.debug && !c.auto_answer && c.use_ws_log && c.auto_answer_set_by_page);
        c.apply(&obj(
            r#"{"debug":false,"useWsLog":false,"useErrorAlert":true}"#,
        ));
        assert!(!c.debug && !c.use_ws_log && c.use_error_alert);
    }

    #[test]
    fn page_auto_answer_survives_use_config() {
        let mut c = Config::default();
        c.apply(&obj(r#"{"autoAnswer":true}"#));
        c.use_preset(find_preset("AWS-HTTPS").unwrap());
        assert!(c.auto_answer);
        let mut d = Config::default();
        d.use_preset(find_preset("AWS-HTTPS").unwrap());
        assert!(!d.auto_answer && !d.auto_answer_set_by_page);
    }

    #[test]
    fn connection_fields_and_reconnect_names() {
        let mut c = Config::default();
        let bad = c.apply(&obj(
            r#"{"SDK":"10.0.0.1","cstaPort":":9","protocol":"http://","timeout":3,"maxReconnectTimes":30,"debug":"yes"}"#,
        ));
        assert_eq!(bad, vec![BadField("debug")]);
        assert_eq!(c.rest_base(), "http://10.0.0.1:9");
        assert_eq!(c.reconnect.delay_ms, 3000);
        assert_eq!(c.reconnect.tries, 30);
        c.apply(&obj(
            r#"{"reconnect":{"tries":2,"delayMs":50,"background":false}}"#,
        ));
        assert_eq!(c.reconnect.tries, 2);
        assert!(!c.reconnect.background);
    }

    #[test]
    fn get_config_has_no_secrets() {
        let mut c = Config::default();
        c.apply(&obj(r#"{"stomp":{"login":"guest","passcode":"s3cret"}}"#));
        let text = Value::Object(c.to_json(false)).to_json();
        assert!(!text.contains("s3cret"));
        assert!(text.contains("\"heartBeat\":[10000,10000]"));
        c.apply(&obj(r#"{"stomp":{"heartBeat":[1000,2000]}}"#));
        assert_eq!(c.stomp.heart_beat, (1000, 2000));
        assert_eq!(
            c.apply(&obj(r#"{"stomp":{"heartBeat":[1000]}}"#)),
            vec![BadField("stomp.heartBeat")]
        );
        assert!(text.contains("\"ENV_NAME\":\"CMB-PRO\""));
    }
}
