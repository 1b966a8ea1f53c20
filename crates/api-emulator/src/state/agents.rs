//! Conversational agents and their versions (operator-api.md §6).

use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::ids;

/// One version of an agent.
#[derive(Debug, Clone)]
pub struct AgentVersion {
    /// `N` in `ca_x@vN`.
    pub number: u32,
    /// Display name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Free-form agent config (§6 shape, not validated beyond being an object).
    pub config: Value,
    /// `postprocess_agents` from an update, if any.
    pub postprocess_agents: Option<Value>,
    /// Whether this version was released.
    pub is_released: bool,
    /// Creation time.
    pub created_at: OffsetDateTime,
    /// Last update time.
    pub updated_at: OffsetDateTime,
}

/// A conversational agent.
#[derive(Debug, Clone)]
pub struct Agent {
    /// `ca_…`.
    pub id: String,
    /// Creation order (newest first in lists).
    pub seq: u64,
    /// Versions, index = version number.
    pub versions: Vec<AgentVersion>,
    /// The version `ca_x` resolves to for new conversations.
    pub released: Option<u32>,
}

/// Splits `ca_x@v2` into (`ca_x`, Some(2)); `ca_x` into (`ca_x`, None).
/// A malformed version suffix gives `None` overall.
pub fn split_agent_ref(reference: &str) -> Option<(&str, Option<u32>)> {
    match reference.split_once('@') {
        None => Some((reference, None)),
        Some((id, version)) => {
            let number = version.strip_prefix('v')?.parse().ok()?;
            Some((id, Some(number)))
        }
    }
}

impl Agent {
    /// A new agent with a draft `v0`.
    pub fn new(seq: u64, name: String, description: String, config: Value) -> Self {
        let now = ids::now();
        Self {
            id: ids::agent_id(),
            seq,
            versions: vec![AgentVersion {
                number: 0,
                name,
                description,
                config,
                postprocess_agents: None,
                is_released: false,
                created_at: now,
                updated_at: now,
            }],
            released: None,
        }
    }

    /// `ca_x@vN`.
    pub fn version_id(&self, number: u32) -> String {
        format!("{}@v{}", self.id, number)
    }

    /// The latest version.
    pub fn latest(&self) -> &AgentVersion {
        // `versions` is never empty: `new` creates v0 and versions are only added.
        &self.versions[self.versions.len() - 1]
    }

    /// The given version, or the latest one.
    pub fn version(&self, number: Option<u32>) -> Option<&AgentVersion> {
        match number {
            Some(n) => self.versions.get(n as usize),
            None => Some(self.latest()),
        }
    }

    /// `GET /conversational_agents/{id}` body for a version.
    pub fn to_json(&self, v: &AgentVersion) -> Value {
        json!({
            "id": self.id,
            "version_id": self.version_id(v.number),
            "name": v.name,
            "description": v.description,
            "is_released": v.is_released,
            "config": v.config,
        })
    }

    /// One item of `GET /conversational_agents/{id}/versions`.
    pub fn version_summary(&self, v: &AgentVersion) -> Value {
        json!({
            "version_id": self.version_id(v.number),
            "created_at": ids::rfc3339(v.created_at),
            "updated_at": ids::rfc3339(v.updated_at),
            "name": v.name,
            "description": v.description,
            "is_released": v.is_released,
        })
    }
}

/// The agent present at start: released `v0`.
pub fn seeded_agent(id: &str) -> Agent {
    let mut agent = Agent::new(
        0,
        "Demo agent".to_string(),
        "Scripted agent of the local Operator emulator.".to_string(),
        json!({
            "personas": [{"name": "Ada", "voice": {"provider": "operator", "id": "Female 1"}}],
            "runtime": {"model": "openai/gpt-4o", "prompt": {"text": "You are a helpful demo agent.", "type": "fixed"}, "variables": []},
            "tool": {"tools": [{"ns": "syscall", "name": "lookup_order"}], "transfers": []},
            "language": {"default_language": "English", "supported_languages": ["English"]}
        }),
    );
    agent.id = id.to_string();
    agent.versions[0].is_released = true;
    agent.released = Some(0);
    agent
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_references_split_into_id_and_version() {
        assert_eq!(split_agent_ref("ca_x"), Some(("ca_x", None)));
        assert_eq!(split_agent_ref("ca_x@v2"), Some(("ca_x", Some(2))));
        assert_eq!(split_agent_ref("ca_x@2"), None);
        assert_eq!(split_agent_ref("ca_x@vtwo"), None);
    }
}
