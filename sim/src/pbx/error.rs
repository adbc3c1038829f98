//! Why the platform refused a request, and the HTTP status and body it answers with.

use serde_json::{json, Value};

/// A refused request. Each variant is one situation of the platform's status table
/// (PROTOCOL.md §2.5); [`PbxError::status`] gives its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PbxError {
    /// Token login or Login with a wrong job number, password or domain.
    #[error("username or password error")]
    BadCredentials,
    /// Missing, unknown or expired `sessionId`.
    #[error("get AccessToken failed")]
    SessionInvalid,
    /// The agent is disabled in the tenant.
    #[error("illegal agent state: agent disabled")]
    AgentDisabled,
    /// The extension's phone is not registered.
    #[error("device unregistered")]
    ExtensionNotRegistered,
    /// The job number is not an agent of the tenant.
    #[error("illegal agent job number")]
    AgentNotInTenant,
    /// The extension is not one of the tenant's.
    #[error("illegal deviceId")]
    ExtensionNotInTenant,
    /// The agent is already logged in on this very extension.
    #[error("agent already logged in")]
    AlreadyLoggedInHere,
    /// The agent is logged in on another extension.
    #[error("agent already logged in on another device")]
    LoggedInElsewhere {
        /// The extension the agent is logged in on.
        device: String,
    },
    /// The extension is in a call nobody is logged in for.
    #[error("illegal device state")]
    IllegalDeviceState,
    /// The extension is reserved for other agents.
    #[error("unauthorized device")]
    UnauthorizedDevice,
    /// The agent is not logged in.
    #[error("agent already logged out")]
    NotLoggedIn,
    /// Another agent is logged in on the extension.
    #[error("device in use by another agent")]
    ExtensionInUse {
        /// The agent logged in on the extension.
        agent: String,
    },
    /// Agent state cannot change while the agent's call is being set up.
    #[error("cannot set agent state while calling")]
    InCall,
    /// The tenant's online-agent limit is reached.
    #[error("online agent count over limit")]
    TenantFull,
    /// The agent was not Ready and idle when the dialler tried to reserve it.
    #[error("agent pre-allocation failed")]
    AllocationFailed,
    /// Ready refused: the agent answered its quota of dialler calls.
    #[error("ExceedAgentAutoOutboundQuota")]
    QuotaReached,
    /// Agents of this tenant may not start or stop recordings.
    #[error("recording start/stop disabled")]
    RecordingDisabled,
    /// No call with this id.
    #[error("no call {0}")]
    UnknownCall(String),
    /// The device has no connection in this call.
    #[error("no connection {0}")]
    UnknownConnection(String),
    /// The operation does not apply to the connection's current state.
    #[error("{0}")]
    InvalidState(String),
    /// The request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// The named thing does not exist.
    #[error("{0}")]
    NotFound(String),
}

impl PbxError {
    /// The HTTP status the platform answers with.
    pub fn status(&self) -> u16 {
        match self {
            PbxError::BadCredentials => 401,
            PbxError::SessionInvalid => 426,
            PbxError::AgentDisabled => 423,
            PbxError::ExtensionNotRegistered => 451,
            PbxError::AgentNotInTenant => 452,
            PbxError::ExtensionNotInTenant => 453,
            PbxError::AlreadyLoggedInHere => 454,
            PbxError::LoggedInElsewhere { .. } => 455,
            PbxError::IllegalDeviceState => 456,
            PbxError::UnauthorizedDevice => 457,
            PbxError::NotLoggedIn => 458,
            PbxError::ExtensionInUse { .. } => 459,
            PbxError::InCall => 460,
            PbxError::TenantFull => 461,
            PbxError::AllocationFailed => 462,
            PbxError::QuotaReached => 465,
            PbxError::RecordingDisabled => 466,
            PbxError::UnknownCall(_) | PbxError::UnknownConnection(_) | PbxError::NotFound(_) => {
                404
            }
            PbxError::InvalidState(_) => 409,
            PbxError::BadRequest(_) => 400,
        }
    }

    /// The JSON body: the fields the client reads for 455 (`deviceId`) and 459 (`agent`),
    /// `{status, message}` otherwise.
    pub fn body(&self) -> Value {
        match self {
            PbxError::LoggedInElsewhere { device } => json!({ "deviceId": device }),
            PbxError::ExtensionInUse { agent } => json!({ "agent": agent }),
            other => json!({ "status": other.status(), "message": other.to_string() }),
        }
    }

    /// The reason phrase of the platform's own statuses (PROTOCOL.md §2.5 code table), which
    /// HTTP has no standard phrase for; `None` for standard ones.
    pub fn reason_phrase(&self) -> Option<&'static str> {
        Some(match self {
            PbxError::SessionInvalid => "get AccessToken failed",
            PbxError::ExtensionNotRegistered => "device unregistered",
            PbxError::AgentNotInTenant => "illegal agent job number",
            PbxError::ExtensionNotInTenant => "illegal deviceId",
            PbxError::AlreadyLoggedInHere => "agent already logged in",
            PbxError::LoggedInElsewhere { .. } => "agent already logged in on another device",
            PbxError::IllegalDeviceState => "illegal device state",
            PbxError::UnauthorizedDevice => "unauthorized device",
            PbxError::NotLoggedIn => "agent already logged out",
            PbxError::ExtensionInUse { .. } => "device in use by another agent",
            PbxError::InCall => "cannot set agent state while calling",
            PbxError::TenantFull => "online agent count over limit",
            PbxError::AllocationFailed => "agent pre-allocation failed",
            PbxError::QuotaReached => "ExceedAgentAutoOutboundQuota",
            PbxError::RecordingDisabled => "recording start/stop disabled",
            _ => return None,
        })
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        PbxError::InvalidState(message.into())
    }

    pub(crate) fn bad(message: impl Into<String>) -> Self {
        PbxError::BadRequest(message.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_what_the_client_reads() {
        let e = PbxError::LoggedInElsewhere {
            device: "8001@test.cc".into(),
        };
        assert_eq!(e.status(), 455);
        assert_eq!(e.body(), json!({"deviceId": "8001@test.cc"}));
        let e = PbxError::ExtensionInUse {
            agent: "5002@test.cc".into(),
        };
        assert_eq!(e.body(), json!({"agent": "5002@test.cc"}));
        assert_eq!(PbxError::SessionInvalid.body()["status"], 426);
    }
}
