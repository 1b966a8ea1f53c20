//! Ephemeral tokens: one active per conversation, revoked ones remembered (A3, A4).

use time::OffsetDateTime;

use crate::error::ApiError;

/// A minted token.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    /// The conversation it grants access to.
    pub conversation_id: String,
    /// Expiry.
    pub expires_at: OffsetDateTime,
    /// Replaced by a refresh or revoked by fault injection.
    pub revoked: bool,
}

/// The outcome of checking a `?token=` against a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Valid for this conversation.
    Valid,
    /// Not a token the emulator minted (or the API key).
    Unknown,
    /// Replaced by a refresh, or revoked.
    Revoked,
    /// Past its `expires_at`.
    Expired,
    /// Valid, but for another conversation.
    OtherConversation,
}

impl TokenRecord {
    /// Checks this record for `conversation_id` at `now`.
    pub fn check(&self, conversation_id: &str, now: OffsetDateTime) -> TokenCheck {
        if self.revoked {
            TokenCheck::Revoked
        } else if now >= self.expires_at {
            TokenCheck::Expired
        } else if self.conversation_id != conversation_id {
            TokenCheck::OtherConversation
        } else {
            TokenCheck::Valid
        }
    }
}

impl TokenCheck {
    /// `Ok` for a valid token, else the error answer.
    pub fn into_result(self) -> Result<(), ApiError> {
        match self {
            TokenCheck::Valid => Ok(()),
            TokenCheck::Unknown => Err(ApiError::token_invalid("The token is not valid.")),
            TokenCheck::Revoked => Err(ApiError::token_revoked()),
            TokenCheck::Expired => Err(ApiError::token_expired()),
            TokenCheck::OtherConversation => Err(ApiError::forbidden(
                "The token belongs to another conversation.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn token_checks_distinguish_revoked_expired_and_foreign() {
        let now = OffsetDateTime::now_utc();
        let rec = TokenRecord {
            conversation_id: "conv_a".into(),
            expires_at: now + Duration::hours(1),
            revoked: false,
        };
        assert_eq!(rec.check("conv_a", now), TokenCheck::Valid);
        assert_eq!(rec.check("conv_b", now), TokenCheck::OtherConversation);
        assert_eq!(
            rec.check("conv_a", now + Duration::hours(2)),
            TokenCheck::Expired
        );
        let revoked = TokenRecord {
            revoked: true,
            ..rec
        };
        assert_eq!(revoked.check("conv_a", now), TokenCheck::Revoked);
        assert_eq!(
            TokenCheck::Expired.into_result().map_err(|e| e.code),
            Err("token_expired")
        );
    }
}
