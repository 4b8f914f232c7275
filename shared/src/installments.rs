//! Installments (taksit): the merchant's settings, the session's choice, and the plan maths.
//!
//! Everything is integer minor units. A plan's interest is `amount × rate` rounded half up to the minor unit; the
//! payer pays it only when the merchant set `interest_paid_by: payer` (otherwise the merchant bears the rate and the
//! payer's total is the order amount). Each installment is the total divided by the count rounded half up, and the
//! last installment takes the remainder, so the installments always add up to the total exactly.
//!
//! Which counts exist is data: the rate table (family × count → rate in basis points) comes from the edge's
//! `installment_rates` table; this module only computes with it.

use crate::bin::{BinInfo, CardFamily};
use crate::error::{codes, ApiError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most installments any plan may have (the sector caps set by regulation are at most this; merchants lower it).
pub const MAX_COUNT: u32 = 12;
/// Below this amount (minor units, ₺100,00) a session gets no installments unless the merchant asks for them.
pub const DEFAULT_MIN_AMOUNT: i64 = 10_000;
/// The only currency installments are offered in: Turkish installment programmes are for TRY payments.
pub const CURRENCY: &str = "TRY";
/// Parameter of the chosen count on the confirm body.
pub const PARAM_COUNT: &str = "payment_method[installments][count]";

/// Who pays the plan's interest.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestPaidBy {
    /// The payer pays the order amount; the merchant bears the rate ("peşin fiyatına taksit").
    Merchant,
    /// The payer pays the order amount plus the plan's interest ("vade farkı").
    #[default]
    Payer,
}

/// The merchant's installment settings (`GET`/`POST /v1/settings/installments`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallmentSettings {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Most installments on any card (2–12).
    #[serde(default = "max_count")]
    pub max_count: u32,
    /// Lower caps per card family, e.g. `{"world": 6}` (sector caps, or a programme the merchant limits).
    #[serde(default)]
    pub family_max_count: BTreeMap<CardFamily, u32>,
    #[serde(default)]
    pub interest_paid_by: InterestPaidBy,
    /// Sessions below this amount (TRY minor units) get no installments unless they ask for them.
    #[serde(default = "min_amount")]
    pub min_amount: i64,
}

fn yes() -> bool {
    true
}
fn max_count() -> u32 {
    MAX_COUNT
}
fn min_amount() -> i64 {
    DEFAULT_MIN_AMOUNT
}

impl Default for InstallmentSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            max_count: MAX_COUNT,
            family_max_count: BTreeMap::new(),
            interest_paid_by: InterestPaidBy::default(),
            min_amount: DEFAULT_MIN_AMOUNT,
        }
    }
}

fn count_in_range(count: u32, param: &str) -> Result<(), ApiError> {
    if (2..=MAX_COUNT).contains(&count) {
        Ok(())
    } else {
        Err(ApiError::invalid(param, format!("Installment counts are between 2 and {MAX_COUNT}.")))
    }
}

impl InstallmentSettings {
    /// Checks what a merchant sends.
    pub fn validate(&self) -> Result<(), ApiError> {
        count_in_range(self.max_count, "max_count")?;
        for (family, count) in &self.family_max_count {
            if *family == CardFamily::None {
                return Err(ApiError::invalid("family_max_count", "Cards without a family get single payment only."));
            }
            count_in_range(*count, &format!("family_max_count[{}]", family.as_str()))?;
        }
        if self.min_amount < 0 {
            return Err(ApiError::invalid("min_amount", "min_amount cannot be negative."));
        }
        Ok(())
    }

    /// The session setting a new session gets when its create body says nothing.
    pub fn session_default(&self, amount: i64, currency: &str) -> SessionInstallments {
        SessionInstallments {
            enabled: self.enabled && currency == CURRENCY && amount >= self.min_amount,
            max_count: Some(self.max_count),
        }
    }
}

/// A session's installments (`installments` on create): off, or on up to `max_count`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInstallments {
    pub enabled: bool,
    /// Most installments for this session (2–12); the merchant's caps still apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_count: Option<u32>,
}

impl SessionInstallments {
    /// Checks the create body's `installments` for a session in `currency`.
    pub fn validate(&self, currency: &str) -> Result<(), ApiError> {
        if let Some(count) = self.max_count {
            count_in_range(count, "installments[max_count]")?;
        }
        if self.enabled && currency != CURRENCY {
            return Err(ApiError::invalid("installments[enabled]", "Installments are offered for TRY sessions only."));
        }
        Ok(())
    }
}

/// `payment_method.installments` on confirm.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallmentChoice {
    /// 1 is a single payment.
    pub count: u32,
}

/// One row of the rate table: `count` installments cost `rate_bps` basis points of the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Rate {
    pub count: u32,
    pub rate_bps: u32,
}

/// A plan as the payer chooses it. Amounts in the session currency's minor units.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentPlan {
    pub count: u32,
    /// Every installment but the last.
    pub installment_amount: i64,
    /// The last installment: takes the rounding remainder.
    pub last_installment_amount: i64,
    /// What the payer pays in all.
    pub total_amount: i64,
    /// What the payer pays above the order amount.
    pub interest_amount: i64,
    /// The payer's interest as a percentage of the order amount, two decimals (`"4.49"`; `"0.00"` when the
    /// merchant pays it).
    pub interest_rate: String,
}

/// A percentage with two decimals from basis points, without floats: 449 → `"4.49"`.
pub fn percent(bps: u32) -> String {
    let cents = bps % 100;
    let tens = if cents < 10 { "0" } else { "" };
    format!("{}.{tens}{cents}", bps / 100)
}

/// `n / d` rounded half up, for non-negative `n` and positive `d`.
fn div_round(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// The plan for `count` installments of `amount` at `rate_bps`, `paid_by` bearing the interest. `None` when the
/// amounts would not fit (an amount so large no real payment has it) or `count` is 0.
pub fn plan(amount: i64, count: u32, rate_bps: u32, paid_by: InterestPaidBy) -> Option<InstallmentPlan> {
    if count == 0 || amount < 0 {
        return None;
    }
    let payer_bps = if paid_by == InterestPaidBy::Payer && count > 1 { rate_bps } else { 0 };
    let interest = div_round(i128::from(amount) * i128::from(payer_bps), 10_000);
    let total = i128::from(amount) + interest;
    let n = i128::from(count);
    // Rounding each installment up could leave a negative last one on tiny totals: then round them all down.
    let each = match div_round(total, n) {
        up if up * (n - 1) <= total => up,
        _ => total / n,
    };
    let last = total - each * (n - 1);
    Some(InstallmentPlan {
        count,
        installment_amount: i64::try_from(each).ok()?,
        last_installment_amount: i64::try_from(last).ok()?,
        total_amount: i64::try_from(total).ok()?,
        interest_amount: i64::try_from(interest).ok()?,
        interest_rate: percent(payer_bps),
    })
}

/// The single-payment plan: the order amount, once, no interest.
pub fn single(amount: i64) -> InstallmentPlan {
    plan(amount, 1, 0, InterestPaidBy::Merchant).unwrap_or(InstallmentPlan {
        count: 1,
        installment_amount: amount,
        last_installment_amount: amount,
        total_amount: amount,
        interest_amount: 0,
        interest_rate: percent(0),
    })
}

/// Everything a plan list is decided on, besides the card.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    pub amount: i64,
    pub currency: &'a str,
    pub session: Option<SessionInstallments>,
    pub settings: &'a InstallmentSettings,
    /// The card family's rows of the rate table.
    pub rates: &'a [Rate],
}

/// The most installments this card may have on this session: 1 when it gets single payment only.
pub fn max_count_for(card: &BinInfo, offer: &Offer<'_>) -> u32 {
    let session = offer.session.unwrap_or_else(|| offer.settings.session_default(offer.amount, offer.currency));
    if !session.enabled || !offer.settings.enabled || offer.currency != CURRENCY || !card.installments_eligible() {
        return 1;
    }
    let family_cap = offer.settings.family_max_count.get(&card.family).copied().unwrap_or(MAX_COUNT);
    let table_max = offer.rates.iter().map(|r| r.count).max().unwrap_or(1);
    [session.max_count.unwrap_or(MAX_COUNT), offer.settings.max_count, family_cap, table_max, MAX_COUNT]
        .into_iter()
        .min()
        .unwrap_or(1)
        .max(1)
}

/// The plans the payer may choose from, single payment first, then each count of the rate table up to the caps.
pub fn plans(card: &BinInfo, offer: &Offer<'_>) -> Vec<InstallmentPlan> {
    let max = max_count_for(card, offer);
    let mut out = vec![single(offer.amount)];
    let mut rates: Vec<Rate> = offer.rates.iter().copied().filter(|r| (2..=max).contains(&r.count)).collect();
    rates.sort_by_key(|r| r.count);
    rates.dedup_by_key(|r| r.count);
    out.extend(
        rates.into_iter().filter_map(|r| plan(offer.amount, r.count, r.rate_bps, offer.settings.interest_paid_by)),
    );
    out
}

/// Checks the payer's choice against the card's plans and returns the plan to charge. No choice is a single
/// payment; a count the card does not get is a 400 on `payment_method[installments][count]`.
pub fn choose(
    card: &BinInfo,
    offer: &Offer<'_>,
    choice: Option<InstallmentChoice>,
) -> Result<InstallmentPlan, ApiError> {
    let count = choice.map_or(1, |c| c.count);
    if count == 1 {
        return Ok(single(offer.amount));
    }
    let available = plans(card, offer);
    if let Some(p) = available.iter().find(|p| p.count == count) {
        return Ok(p.clone());
    }
    let message = if available.len() == 1 {
        "This card gets a single payment only (debit, prepaid, commercial, foreign or unknown cards, or installments off for this checkout).".to_string()
    } else {
        let counts: Vec<String> = available.iter().map(|p| p.count.to_string()).collect();
        format!("This card can be paid in {} installments; choose one of these counts.", counts.join(", "))
    };
    Err(ApiError::invalid_code(codes::INSTALLMENTS_UNAVAILABLE, PARAM_COUNT, message))
}

/// What a payment records of its plan (`payment.installments`): on every payment object, event and receipt.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentInstallments {
    pub count: u32,
    pub installment_amount: i64,
    pub last_installment_amount: i64,
    /// What the payer is charged (the payment's `amount`).
    pub total_amount: i64,
    /// The order amount (the session's `amount`).
    pub base_amount: i64,
    pub interest_amount: i64,
    pub interest_rate: String,
    pub interest_paid_by: InterestPaidBy,
    /// The card's family the plan was priced for.
    pub family: CardFamily,
}

impl PaymentInstallments {
    pub fn of(plan: &InstallmentPlan, base_amount: i64, paid_by: InterestPaidBy, family: CardFamily) -> Self {
        Self {
            count: plan.count,
            installment_amount: plan.installment_amount,
            last_installment_amount: plan.last_installment_amount,
            total_amount: plan.total_amount,
            base_amount,
            interest_amount: plan.interest_amount,
            interest_rate: plan.interest_rate.clone(),
            interest_paid_by: paid_by,
            family,
        }
    }
}

/// `GET /v1/checkout-sessions/token/:token/installments?bin=…`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallmentOptions {
    pub object: String,
    pub card: BinInfo,
    pub currency: String,
    pub interest_paid_by: InterestPaidBy,
    /// Single payment first.
    pub plans: Vec<InstallmentPlan>,
}

#[cfg(test)]
#[path = "installments_tests.rs"]
mod tests;
