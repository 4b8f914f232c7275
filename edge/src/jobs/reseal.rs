//! The re-seal job (part of the cron): after `DATA_KEY` is rotated (the old key moved to `DATA_KEYS_OLD`, a new
//! `DATA_KEY_ID` set), rewrites sealed values under the current key, a bounded batch per run, each by
//! compare-and-set on the old value so a concurrent rotation of a webhook secret always wins. A value that opens
//! under no configured key is left as is and counted: it fails visibly where it is used, it is never used unsealed.

use crate::accounts::sealed::{self, Aad};
use crate::platform::{query_as, Ctx};
use crate::stmt;
use crate::store;
use crate::webhooks::endpoints::secret_aad;
use hsrc_shared::ApiError;
use serde::Deserialize;

#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ResealReport {
    pub resealed: usize,
    pub unreadable: usize,
}

#[derive(Deserialize)]
struct EndpointSecrets {
    id: String,
    secret: String,
    previous_secret: Option<String>,
}

#[derive(Deserialize)]
struct Replay {
    scope: String,
    key: String,
    response_body: String,
}

/// Re-seals up to `limit` rows of each sealed column.
pub async fn run(ctx: &Ctx<'_>, limit: u32) -> Result<ResealReport, ApiError> {
    let current = format!("sealed:v2:{}:%", ctx.config.data_key_id);
    let mut report = ResealReport::default();
    let endpoints: Vec<EndpointSecrets> = query_as(
        ctx.db,
        stmt!(
            "SELECT id, secret, previous_secret FROM webhook_endpoints WHERE secret NOT LIKE ?1 \
             OR (previous_secret IS NOT NULL AND previous_secret NOT LIKE ?1) LIMIT ?2",
            current.as_str(),
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    for e in endpoints {
        let aad = secret_aad(&e.id);
        for (column, value) in [("secret", Some(e.secret.as_str())), ("previous_secret", e.previous_secret.as_deref())]
        {
            let Some(value) = value.filter(|v| sealed::needs_reseal(ctx, v)) else { continue };
            let sql = format!("UPDATE webhook_endpoints SET {column} = ?1 WHERE id = ?2 AND {column} = ?3");
            report.count(ctx, value, &aad, |new| stmt!(sql.clone(), new, e.id.as_str(), value)).await;
        }
    }
    let replays: Vec<Replay> = query_as(
        ctx.db,
        stmt!(
            "SELECT scope, key, response_body FROM idempotency_keys WHERE state = 'done' AND response_body NOT LIKE ?1 LIMIT ?2",
            current.as_str(),
            i64::from(limit)
        ),
    )
    .await
    .map_err(store::internal)?;
    for r in replays {
        let aad = Aad::new("idempotency_keys", "response_body", &format!("{}\n{}", r.scope, r.key));
        let old = r.response_body.as_str();
        report
            .count(ctx, old, &aad, |new| {
                stmt!(
                    "UPDATE idempotency_keys SET response_body = ?1 WHERE scope = ?2 AND key = ?3 AND response_body = ?4",
                    new,
                    r.scope.as_str(),
                    r.key.as_str(),
                    old
                )
            })
            .await;
    }
    if report.unreadable > 0 {
        crate::log::error("reseal", &format!("{} sealed values open under no configured key", report.unreadable));
    }
    Ok(report)
}

impl ResealReport {
    async fn count(
        &mut self,
        ctx: &Ctx<'_>,
        old: &str,
        aad: &Aad,
        update: impl FnOnce(String) -> crate::platform::Stmt,
    ) {
        match sealed::reseal(ctx, old, aad) {
            Some(new) => match ctx.db.batch(vec![update(new)]).await {
                Ok(changed) if changed.first().copied().unwrap_or(0) == 1 => self.resealed += 1,
                Ok(_) => {} // Changed meanwhile (a rotation): the new value is already current.
                Err(e) => crate::log::error("reseal", &e.to_string()),
            },
            None => self.unreadable += 1,
        }
    }
}
