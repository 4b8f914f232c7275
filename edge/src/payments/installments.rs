//! Installments over storage: the merchant's settings, the rate table, the payer's plan list, and the confirm
//! hook that turns the payer's choice into the amount to charge. The maths and the rules live in
//! `hsrc_shared::installments`; this module only reads their inputs.

use crate::platform::{query_as, query_one, Ctx};
use crate::records::SessionRow;
use crate::sessions;
use crate::stmt;
use crate::store::{self, to_json_text};
use hsrc_shared::bin::{self, BinInfo, CardFamily};
use hsrc_shared::installments::{
    choose, plans, InstallmentChoice, InstallmentOptions, InstallmentSettings, Offer, PaymentInstallments, Rate,
};
use hsrc_shared::ApiError;
use serde::Deserialize;

/// The merchant's settings (the defaults until it saves its own).
pub async fn settings(ctx: &Ctx<'_>, merchant_id: &str) -> Result<InstallmentSettings, ApiError> {
    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "store::json_text_opt")]
        installments: Option<InstallmentSettings>,
    }
    let row: Option<Row> = query_one(ctx.db, stmt!("SELECT installments FROM merchants WHERE id = ?1", merchant_id))
        .await
        .map_err(store::internal)?;
    Ok(row.and_then(|r| r.installments).unwrap_or_default())
}

/// Replaces the merchant's settings. Sessions created before keep their own `installments`.
pub async fn save_settings(ctx: &Ctx<'_>, merchant_id: &str, settings: &InstallmentSettings) -> Result<(), ApiError> {
    settings.validate()?;
    ctx.db
        .batch(vec![stmt!("UPDATE merchants SET installments = ?1 WHERE id = ?2", to_json_text(settings), merchant_id)])
        .await
        .map_err(store::internal)?;
    Ok(())
}

/// The family's rows of the rate table: the merchant's own rows when it has any for the family, else the default.
pub async fn rates(ctx: &Ctx<'_>, merchant_id: &str, family: CardFamily) -> Result<Vec<Rate>, ApiError> {
    if family == CardFamily::None {
        return Ok(Vec::new());
    }
    #[derive(Deserialize)]
    struct Row {
        merchant_id: String,
        #[serde(deserialize_with = "store::int")]
        count: i64,
        #[serde(deserialize_with = "store::int")]
        rate_bps: i64,
    }
    let rows: Vec<Row> = query_as(
        ctx.db,
        stmt!(
            "SELECT merchant_id, count, rate_bps FROM installment_rates WHERE family = ?1 AND merchant_id IN ('', ?2) ORDER BY count",
            family.as_str(),
            merchant_id
        ),
    )
    .await
    .map_err(store::internal)?;
    let own = rows.iter().any(|r| r.merchant_id == merchant_id);
    Ok(rows
        .iter()
        .filter(|r| (r.merchant_id == merchant_id) == own)
        .filter_map(|r| Some(Rate { count: u32::try_from(r.count).ok()?, rate_bps: u32::try_from(r.rate_bps).ok()? }))
        .collect())
}

/// Everything the plans of one card on one session depend on.
struct Inputs {
    settings: InstallmentSettings,
    rates: Vec<Rate>,
}

impl Inputs {
    async fn load(ctx: &Ctx<'_>, session: &SessionRow, card: &BinInfo) -> Result<Self, ApiError> {
        let settings = settings(ctx, &session.merchant_id).await?;
        let rates = if card.installments_eligible() {
            rates(ctx, &session.merchant_id, card.family).await?
        } else {
            Vec::new()
        };
        Ok(Self { settings, rates })
    }

    fn offer<'a>(&'a self, session: &'a SessionRow) -> Offer<'a> {
        Offer {
            amount: session.amount,
            currency: &session.currency,
            session: session.installments,
            settings: &self.settings,
            rates: &self.rates,
        }
    }
}

/// `GET /v1/checkout-sessions/token/:token/installments?bin=…`: the card's BIN facts and its plans on this session.
pub async fn options(ctx: &Ctx<'_>, token: &str, bin_param: Option<&str>) -> Result<InstallmentOptions, ApiError> {
    let bin = bin::parse_bin(bin_param.unwrap_or_default(), "bin")?;
    let session = sessions::open_session_for_payer(ctx, token).await?;
    let card = bin::lookup(bin);
    let inputs = Inputs::load(ctx, &session, &card).await?;
    let plans = plans(&card, &inputs.offer(&session));
    Ok(InstallmentOptions {
        object: "installment_options".into(),
        card,
        currency: session.currency.clone(),
        interest_paid_by: inputs.settings.interest_paid_by,
        plans,
    })
}

/// The confirm hook: checks the payer's choice against the card's plans. `None` is a single payment of the
/// session amount; `Some` is the plan to record, whose `total_amount` is what gets charged.
pub async fn for_confirm(
    ctx: &Ctx<'_>,
    session: &SessionRow,
    card_digits: &str,
    choice: Option<InstallmentChoice>,
) -> Result<Option<PaymentInstallments>, ApiError> {
    if choice.is_none_or(|c| c.count == 1) {
        return Ok(None);
    }
    let card = bin::lookup_card(card_digits);
    let inputs = Inputs::load(ctx, session, &card).await?;
    let plan = choose(&card, &inputs.offer(session), choice)?;
    Ok(Some(PaymentInstallments::of(&plan, session.amount, inputs.settings.interest_paid_by, card.family)))
}
