//! The state shared by every handler: config, store, faults. Locks are `std::sync::Mutex`,
//! always taken briefly and never held across an `.await`.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::agents::{seeded_agent, Agent};
use super::conversations::Conversation;
use super::tokens::{TokenCheck, TokenRecord};
use crate::assumptions::{TOKEN_PREFIX, TOKEN_RANDOM_LEN};
use crate::config::{EmulatorConfig, SEEDED_AGENT_ID};
use crate::error::ApiError;
use crate::faults::Faults;
use crate::ids;

/// Everything in memory.
#[derive(Debug, Default)]
pub struct Store {
    /// Agents by id.
    pub agents: HashMap<String, Agent>,
    /// Conversations by id.
    pub conversations: HashMap<String, Conversation>,
    /// Every minted token.
    pub tokens: HashMap<String, TokenRecord>,
    /// Creation counter for agents and conversations.
    pub next_seq: u64,
}

impl Store {
    /// The next creation sequence number.
    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    /// Mints a token for a conversation, revoking its previous one. Returns (token, expires_at).
    pub fn mint_token(
        &mut self,
        conversation_id: &str,
        ttl: Duration,
    ) -> Result<(String, String), ApiError> {
        let conversation = self
            .conversations
            .get_mut(conversation_id)
            .ok_or_else(|| not_found(conversation_id))?;
        if let Some(old) = conversation.active_token.take() {
            if let Some(rec) = self.tokens.get_mut(&old) {
                rec.revoked = true;
            }
        }
        let token = ids::random_id(TOKEN_PREFIX, TOKEN_RANDOM_LEN);
        let ttl = time::Duration::try_from(ttl).unwrap_or(time::Duration::hours(3));
        let expires_at = ids::now() + ttl;
        conversation.active_token = Some(token.clone());
        self.tokens.insert(
            token.clone(),
            TokenRecord {
                conversation_id: conversation_id.to_string(),
                expires_at,
                revoked: false,
            },
        );
        Ok((token, ids::rfc3339(expires_at)))
    }

    /// Checks a `?token=` for a conversation.
    pub fn check_token(&self, token: &str, conversation_id: &str) -> TokenCheck {
        match self.tokens.get(token) {
            None => TokenCheck::Unknown,
            Some(rec) => rec.check(conversation_id, ids::now()),
        }
    }

    /// The active token of a conversation, for fault injection.
    pub fn active_token_mut(&mut self, conversation_id: &str) -> Option<&mut TokenRecord> {
        let token = self
            .conversations
            .get(conversation_id)?
            .active_token
            .clone()?;
        self.tokens.get_mut(&token)
    }
}

/// 404 for a conversation id.
pub fn not_found(conversation_id: &str) -> ApiError {
    ApiError::not_found(format!("Conversation {conversation_id} not found."))
}

/// Config plus locked state.
#[derive(Debug)]
pub struct Shared {
    /// The configuration.
    pub config: EmulatorConfig,
    store: Mutex<Store>,
    faults: Mutex<Faults>,
}

impl Shared {
    /// Locks the store (recovering from poisoning: the data stays consistent per operation).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the fault table.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Pause between deltas for a conversation (a `slow_agent` fault overrides the config).
    pub fn delta_interval(&self, conversation_id: &str) -> Duration {
        self.faults()
            .delta_interval(conversation_id)
            .unwrap_or(self.config.agent_delta_interval)
    }

    /// Wakes every open stream of every conversation (after arming a fault).
    pub fn poke_all(&self) {
        let logs: Vec<_> = self
            .store()
            .conversations
            .values()
            .map(|c| c.log.clone())
            .collect();
        for log in logs {
            log.poke();
        }
    }
}

/// Cheaply clonable handle on [`Shared`].
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    /// Fresh state with the seeded agent.
    pub fn new(config: EmulatorConfig) -> Self {
        let mut store = Store::default();
        store
            .agents
            .insert(SEEDED_AGENT_ID.to_string(), seeded_agent(SEEDED_AGENT_ID));
        Self(Arc::new(Shared {
            config,
            store: Mutex::new(store),
            faults: Mutex::new(Faults::default()),
        }))
    }
}

impl Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}
