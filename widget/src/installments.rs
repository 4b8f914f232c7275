//! Installments in the form (plain Rust, tested natively): which BIN to ask about as the payer types, the plan
//! list's state, the radio labels, and reading the plan types from API answers.
//!
//! The form asks `GET …/installments?bin=` with the first 6 digits, and again with 8 once they are typed (8-digit
//! BIN ranges); never more, so the card number never leaves the confirm request.

use crate::i18n::{fill, Lang, Msg};
use crate::lean::json::{opt, req, FromJson, Json};
use hsrc_shared::bin::CardFamily;
use hsrc_shared::card::normalize_number;
use hsrc_shared::installments::{InstallmentPlan, InterestPaidBy, PaymentInstallments, SessionInstallments};
use hsrc_shared::money;

/// The BIN to look up for what is in the card field: its first 8 digits, or 6 while 6–7 are typed; `None` below 6.
pub fn bin_key(card_input: &str) -> Option<String> {
    let digits = normalize_number(card_input);
    match digits.len() {
        0..=5 => None,
        6 | 7 => Some(digits[..6].to_string()),
        _ => Some(digits[..8].to_string()),
    }
}

/// The plans offered for the card being typed. The payer's choice (a count) lives beside it, so choosing does not
/// rebuild the radio group (and keyboard focus stays where it is).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanState {
    /// The BIN the plans are for (empty: none asked yet).
    pub bin: String,
    /// Single payment first; empty while unknown (the form then offers nothing and pays in one).
    pub plans: Vec<InstallmentPlan>,
}

impl PlanState {
    /// Forgets the plans when the card changes to another BIN (or under 6 digits); true when a lookup is due.
    pub fn card_changed(&mut self, key: Option<&str>) -> bool {
        let key = key.unwrap_or_default();
        if key == self.bin {
            return false;
        }
        *self = Self { bin: key.to_string(), plans: Vec::new() };
        !key.is_empty()
    }

    /// Takes the answer for `bin`, unless the card moved on meanwhile; true when taken.
    pub fn answered(&mut self, bin: &str, plans: Vec<InstallmentPlan>) -> bool {
        let current = bin == self.bin;
        if current {
            self.plans = plans;
        }
        current
    }

    /// Whether the payer has a real choice (more than a single payment).
    pub fn has_choice(&self) -> bool {
        self.plans.len() > 1
    }

    /// The plan of `chosen`, when it is one of the plans shown.
    pub fn plan_of(&self, chosen: u32) -> Option<&InstallmentPlan> {
        self.plans.iter().find(|p| p.count == chosen)
    }

    /// The count to send on confirm: `None` for a single payment (or a count no longer offered).
    pub fn choice(&self, chosen: u32) -> Option<u32> {
        self.plan_of(chosen).map(|p| p.count).filter(|c| *c > 1)
    }
}

fn amount(minor: i64, currency: &str, lang: Lang) -> String {
    match money::currency(currency) {
        Some(c) => money::format_amount(minor, &c, lang.locale()),
        None => minor.to_string(),
    }
}

/// A radio's text: "Tek çekim — ₺125,00", or "3 × ₺41,67 — toplam ₺125,00".
pub fn plan_label(plan: &InstallmentPlan, currency: &str, lang: Lang) -> String {
    let total = amount(plan.total_amount, currency, lang);
    if plan.count <= 1 {
        return fill(Msg::SinglePaymentAmount.text(lang), &[("total", &total)]);
    }
    let each = amount(plan.installment_amount, currency, lang);
    fill(Msg::PlanLabel.text(lang), &[("n", &plan.count.to_string()), ("each", &each), ("total", &total)])
}

/// The receipt's line for a payment made in installments (`None` for a single payment).
pub fn receipt_line(p: &PaymentInstallments, currency: &str, lang: Lang) -> Option<String> {
    if p.count <= 1 {
        return None;
    }
    let each = amount(p.installment_amount, currency, lang);
    let total = amount(p.total_amount, currency, lang);
    let order = amount(p.base_amount, currency, lang);
    Some(fill(
        Msg::ReceiptInstallments.text(lang),
        &[("n", &p.count.to_string()), ("each", &each), ("total", &total), ("order", &order)],
    ))
}

impl FromJson for InstallmentPlan {
    fn from_json(j: &Json) -> Option<Self> {
        Some(InstallmentPlan {
            count: req(j, "count")?,
            installment_amount: req(j, "installment_amount")?,
            last_installment_amount: req(j, "last_installment_amount")?,
            total_amount: req(j, "total_amount")?,
            interest_amount: req(j, "interest_amount")?,
            interest_rate: req(j, "interest_rate")?,
        })
    }
}

impl FromJson for SessionInstallments {
    fn from_json(j: &Json) -> Option<Self> {
        Some(SessionInstallments { enabled: req(j, "enabled")?, max_count: opt(j, "max_count")? })
    }
}

impl FromJson for InterestPaidBy {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Str(s) if s == "merchant" => Some(Self::Merchant),
            Json::Str(s) if s == "payer" => Some(Self::Payer),
            _ => None,
        }
    }
}

impl FromJson for CardFamily {
    fn from_json(j: &Json) -> Option<Self> {
        match j {
            Json::Str(s) => CardFamily::parse(s),
            _ => None,
        }
    }
}

impl FromJson for PaymentInstallments {
    fn from_json(j: &Json) -> Option<Self> {
        Some(PaymentInstallments {
            count: req(j, "count")?,
            installment_amount: req(j, "installment_amount")?,
            last_installment_amount: req(j, "last_installment_amount")?,
            total_amount: req(j, "total_amount")?,
            base_amount: req(j, "base_amount")?,
            interest_amount: req(j, "interest_amount")?,
            interest_rate: req(j, "interest_rate")?,
            interest_paid_by: req(j, "interest_paid_by")?,
            family: req(j, "family")?,
        })
    }
}

/// The plans of a `GET …/installments` answer.
pub fn read_plans(j: &Json) -> Option<Vec<InstallmentPlan>> {
    req(j, "plans")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lean::json::parse;
    use hsrc_shared::bin::lookup;
    use hsrc_shared::installments::{plan, plans, InstallmentOptions, InstallmentSettings, Offer, Rate};

    fn read<T: serde::Serialize>(value: &T) -> Json {
        parse(&serde_json::to_string(value).expect("serializes")).expect("parses")
    }

    #[test]
    fn bin_key_sends_six_then_eight_digits_never_more() {
        assert_eq!(bin_key("5400 6"), None);
        assert_eq!(bin_key("5400 61"), Some("540061".into()));
        assert_eq!(bin_key("5400 610"), Some("540061".into()));
        assert_eq!(bin_key("5400 6100"), Some("54006100".into()));
        assert_eq!(bin_key("5400 6100 0000 0001"), Some("54006100".into()));
    }

    #[test]
    fn plan_state_follows_the_card() {
        let mut s = PlanState::default();
        assert!(!s.card_changed(None));
        assert!(s.card_changed(Some("540061")));
        assert!(!s.card_changed(Some("540061")));
        let three = plan(12_500, 3, 0, InterestPaidBy::Merchant).unwrap();
        assert!(s.answered("540061", vec![plan(12_500, 1, 0, InterestPaidBy::Merchant).unwrap(), three.clone()]));
        assert!(s.has_choice());
        assert_eq!((s.choice(1), s.choice(3), s.choice(6)), (None, Some(3), None));
        assert_eq!(s.plan_of(3), Some(&three));
        // A late answer for an earlier BIN is ignored; a new BIN forgets the plans.
        assert!(s.card_changed(Some("41322600")));
        assert!(!s.answered("540061", vec![three]));
        assert_eq!((s.plans.len(), s.choice(3)), (0, None));
        assert!(!s.card_changed(Some("41322600")));
        assert!(!s.card_changed(None));
        assert!(s.bin.is_empty());
    }

    #[test]
    fn labels_in_both_languages() {
        let three = plan(12_500, 3, 0, InterestPaidBy::Merchant).unwrap();
        assert_eq!(plan_label(&three, "TRY", Lang::Tr), "3 × ₺41,67 — toplam ₺125,00");
        assert_eq!(plan_label(&three, "TRY", Lang::En), "3 × ₺41.67 — total ₺125.00");
        let one = plan(12_500, 1, 0, InterestPaidBy::Merchant).unwrap();
        assert_eq!(plan_label(&one, "TRY", Lang::Tr), "Tek çekim — ₺125,00");
        assert_eq!(plan_label(&one, "TRY", Lang::En), "Single payment — ₺125.00");
        let paid = PaymentInstallments::of(
            &plan(12_500, 3, 449, InterestPaidBy::Payer).unwrap(),
            12_500,
            InterestPaidBy::Payer,
            CardFamily::Bonus,
        );
        assert_eq!(
            receipt_line(&paid, "TRY", Lang::En).unwrap(),
            "3 installments of ₺43.54 — total ₺130.61 (order ₺125.00)"
        );
        assert!(receipt_line(&paid, "TRY", Lang::Tr).unwrap().contains("toplam ₺130,61"));
    }

    #[test]
    fn types_read_back_exactly_as_the_shared_serde_writes_them() {
        let rates: Vec<Rate> = (2..=6).map(|count| Rate { count, rate_bps: 100 * count }).collect();
        let settings = InstallmentSettings::default();
        let card = lookup("979200");
        let offer = Offer { amount: 12_500, currency: "TRY", session: None, settings: &settings, rates: &rates };
        let options = InstallmentOptions {
            object: "installment_options".into(),
            card: card.clone(),
            currency: "TRY".into(),
            interest_paid_by: InterestPaidBy::Payer,
            plans: plans(&card, &offer),
        };
        assert_eq!(read_plans(&read(&options)).unwrap(), options.plans);
        for s in [
            SessionInstallments { enabled: true, max_count: Some(6) },
            SessionInstallments { enabled: false, max_count: None },
        ] {
            assert_eq!(SessionInstallments::from_json(&read(&s)), Some(s));
        }
        for by in [InterestPaidBy::Payer, InterestPaidBy::Merchant] {
            let p = PaymentInstallments::of(&options.plans[3], 12_500, by, CardFamily::Troy);
            assert_eq!(PaymentInstallments::from_json(&read(&p)), Some(p));
        }
    }
}
