//! Test fixtures shared by the native tests.

use hsrc_shared::api::{Locale, MerchantDisplay, PayerSessionView, PaymentSummary};
use hsrc_shared::lifecycle::{PaymentStatus, SessionStatus};

/// A sandbox session of ₺125.00 at the demo store (Turkish), with its payment in `payment`.
pub fn view(status: SessionStatus, payment: PaymentStatus) -> PayerSessionView {
    PayerSessionView {
        id: "cs_1".into(),
        object: "checkout_session".into(),
        status,
        amount: 12500,
        currency: "TRY".into(),
        expires_at: 0,
        merchant: MerchantDisplay { name: "HSRC Demo Store".into() },
        locale: Locale::Tr,
        customer: None,
        collect: vec![],
        custom_fields: vec![],
        metadata: Default::default(),
        return_url: None,
        cancel_url: None,
        secure_mode: false,
        livemode: false,
        payer: None,
        attempts_remaining: 2,
        payment: PaymentSummary {
            id: "pay_1".into(),
            status: payment,
            amount: 12500,
            currency: "TRY".into(),
            card: None,
            next_action: None,
            last_error: None,
            installments: None,
        },
        installments: None,
    }
}
