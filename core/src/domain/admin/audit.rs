//! The audit log as the admin area lists it.

use serde::{Deserialize, Serialize};

/// One admin write: who, when, what, and the record before and after (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub by: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The `before` of the next (older) page.
    pub next: Option<i64>,
}

/// The audit page's filters: an action prefix (`order`, `stock.adjust`), an entity id, a staff email.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    /// Entries older than this id.
    pub before: Option<i64>,
}

impl AuditFilter {
    pub fn parse(
        action: &str,
        entity_id: &str,
        actor: &str,
        before: &str,
    ) -> Result<Self, super::DomainError> {
        let text = |raw: &str, field: &'static str| -> Result<Option<String>, super::DomainError> {
            super::note(raw, field, 120)
        };
        let before = match before.trim() {
            "" => None,
            raw => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(super::DomainError::Cursor)?,
            ),
        };
        Ok(AuditFilter {
            action: text(action, "action")?,
            entity_id: text(entity_id, "entity_id")?,
            actor: text(actor, "actor")?,
            before,
        })
    }
}
