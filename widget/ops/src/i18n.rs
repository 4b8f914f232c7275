//! Every word of the console in Turkish and English. Status words come from [`status_label`], keyed by the wire
//! value, so the console never shows a colour without a word, nor a word that differs from the API's state.

// The language type, the packed-catalogue macro and the filler are shared with the payer's form (`hsrc-webkit`).
pub use hsrc_webkit::{fill, Lang};

hsrc_webkit::catalogue! {
    Title => "Operations console", "Operasyon konsolu";
    LangToggle => "Türkçe", "English";
    LangToggleLabel => "Switch the console to Turkish", "Konsolu İngilizceye çevir";
    SignOut => "Forget key", "Anahtarı unut";
    TestMode => "Test mode", "Test modu";
    LiveMode => "Live", "Canlı";

    KeyTitle => "Sign in with your secret key", "Gizli anahtarınızla girin";
    KeyHelp => "The console calls the API with your secret key (sk_test_… or sk_live_…). It stays in this tab only and is never put in a URL.", "Konsol API'yi gizli anahtarınızla (sk_test_… veya sk_live_…) çağırır. Anahtar yalnızca bu sekmede kalır, hiçbir adrese eklenmez.";
    KeyLabel => "Secret key", "Gizli anahtar";
    KeyRemember => "Keep it until this tab is closed", "Bu sekme kapanana kadar hatırla";
    KeySubmit => "Open the console", "Konsolu aç";
    KeyChecking => "Checking…", "Kontrol ediliyor…";
    KeyRejected => "This key was refused. Use the merchant's secret key (sk_…), not the publishable one.", "Bu anahtar reddedildi. Satıcının gizli anahtarını (sk_…) kullanın, açık anahtarı değil.";
    KeyShape => "A secret key starts with sk_test_ or sk_live_.", "Gizli anahtar sk_test_ veya sk_live_ ile başlar.";

    SearchLabel => "Search", "Ara";
    SearchPlaceholder => "Session or payment id, request id, order id, email, last 4 digits…", "Oturum veya ödeme no, istek no, sipariş no, e-posta, kartın son 4 hanesi…";
    SearchHelp => "Tokens are never searched. key:value searches one metadata key.", "Token ile arama yapılmaz. anahtar:değer tek bir metadata alanında arar.";
    SessionStatusLabel => "Session status", "Oturum durumu";
    PaymentStatusLabel => "Payment status", "Ödeme durumu";
    AnyStatus => "Any", "Tümü";
    FromLabel => "From", "Başlangıç";
    ToLabel => "To", "Bitiş";
    SearchButton => "Search", "Ara";
    ClearButton => "Clear", "Temizle";
    Loading => "Loading…", "Yükleniyor…";
    NoResults => "Nothing matches.", "Eşleşen kayıt yok.";
    CardTestingPause => "Card testing suspected: most recent payment attempts were declined, so payments are paused until", "Kart denemesi şüphesi: son ödeme denemelerinin çoğu reddedildi, ödemeler şu saate kadar durduruldu:";
    DeclinedSessions => "declined sessions", "reddedilen oturum";
    MatchedBy => "Matched by", "Eşleşme";
    Newer => "← Newer", "← Daha yeni";
    Older => "Older →", "Daha eski →";
    Refresh => "Refresh", "Yenile";

    ColCreated => "Created", "Oluşturma";
    ColSession => "Session", "Oturum";
    ColPayment => "Payment", "Ödeme";
    ColOrder => "Order", "Sipariş";
    ColAmount => "Amount", "Tutar";
    ColCard => "Card", "Kart";
    ColEmail => "Payer", "Ödeyen";
    ColTime => "Time", "Zaman";
    ColEntity => "Object", "Nesne";
    ColChange => "Change", "Değişim";
    ColRequest => "Request id", "İstek no";
    ColProvider => "Provider", "Sağlayıcı";
    ColRoute => "Route", "Rota";
    ColOutcome => "Outcome", "Sonuç";
    ColDecline => "Decline code", "Ret kodu";
    ColLatency => "Latency", "Süre";
    ColAttempt => "Attempt", "Deneme";
    ColHttp => "HTTP", "HTTP";
    ColError => "Error", "Hata";
    ColEndpoint => "Endpoint", "Uç nokta";
    ColStatus => "Status", "Durum";
    ColNext => "Next attempt", "Sonraki deneme";
    ColChallenge => "Challenge", "Doğrulama";
    ColCharge => "Charge", "Deneme (charge)";
    ColStarted => "Started", "Başlangıç";
    ColResolved => "Resolved", "Sonuçlanma";

    Back => "← Back to search", "← Aramaya dön";
    PaidQuestion => "Paid?", "Ödendi mi?";
    NotifiedQuestion => "Did the merchant hear about it?", "Satıcıya bildirildi mi?";
    VerdictPaid => "Yes — paid", "Evet — ödendi";
    VerdictAuthorized => "Authorized — waiting for capture", "Provizyonda — tahsilat bekliyor";
    VerdictInProgress => "In progress", "İşlem sürüyor";
    VerdictAwaitingPayer => "No — waiting for the payer", "Hayır — ödeyen bekleniyor";
    VerdictNotPaid => "No — not paid", "Hayır — ödenmedi";
    NotifiedDelivered => "Yes — webhook delivered", "Evet — webhook teslim edildi";
    NotifiedRetrying => "Not yet — retrying", "Henüz değil — yeniden deneniyor";
    NotifiedFailed => "No — delivery gave up", "Hayır — teslim edilemedi";
    NotifiedNoEndpoint => "No — no webhook endpoint was subscribed", "Hayır — abone webhook uç noktası yok";
    NotifiedNoEvents => "Nothing to tell yet", "Henüz bildirilecek bir şey yok";
    LatestEvents => "Latest events", "Son olaylar";
    DeliveredAt => "Delivered", "Teslim";

    SessionSection => "Checkout session", "Ödeme oturumu";
    PayerSection => "Payer", "Ödeyen";
    PaymentSection => "Payment", "Ödeme";
    ChargesSection => "Charges (provider attempts)", "Sağlayıcı denemeleri (charge)";
    TimelineSection => "Timeline", "Zaman çizelgesi";
    ChallengesSection => "3DS steps", "3DS adımları";
    EventsSection => "Events and webhook deliveries", "Olaylar ve webhook teslimatları";
    RedirectSection => "Return and cancel", "Dönüş ve iptal";
    ActionsSection => "Actions", "İşlemler";

    FieldStatus => "Status", "Durum";
    FieldAmount => "Amount", "Tutar";
    FieldCaptured => "Captured", "Tahsil edilen";
    FieldInstallments => "Installments", "Taksit";
    SinglePayment => "Single payment", "Tek çekim";
    InstallmentTotal => "total", "toplam";
    InstallmentOrder => "order", "sipariş";
    InterestByPayer => "interest paid by the payer", "vade farkını alıcı öder";
    InterestByMerchant => "interest paid by the merchant", "vade farkını satıcı öder";
    FieldCaptureMethod => "Capture", "Tahsilat";
    CaptureAutomatic => "automatic", "otomatik";
    CaptureManual => "manual", "manuel";
    FieldCreated => "Created", "Oluşturma";
    FieldUpdated => "Updated", "Güncelleme";
    FieldExpires => "Expires", "Son geçerlilik";
    FieldAttempts => "Attempts", "Deneme";
    FieldSecureMode => "3DS forced", "3DS zorunlu";
    FieldMetadata => "Metadata", "Metadata";
    FieldCard => "Card", "Kart";
    FieldLastError => "Last error", "Son hata";
    FieldName => "Name", "Ad";
    FieldEmail => "Email", "E-posta";
    FieldPhone => "Phone", "Telefon";
    FieldBilling => "Billing", "Fatura";
    FieldShipping => "Shipping", "Teslimat";
    FieldCustomFields => "Answered fields", "Yanıtlanan alanlar";
    SameAsBilling => "same as billing", "fatura ile aynı";
    MaskedNote => "Personal data is masked. Search takes the full email.", "Kişisel veriler maskelenir. Arama tam e-posta ile yapılır.";
    ReturnUrl => "Return URL", "Dönüş adresi";
    CancelUrl => "Cancel URL", "İptal adresi";
    PayerSentTo => "The payer's page sends them to", "Ödeyen şu adrese yönlendirilir";
    PayerSentNowhere => "No redirect for this state.", "Bu durumda yönlendirme yok.";
    RedirectNote => "A redirect is the payer's browser, not proof of payment: trust the payment status and the webhook.", "Yönlendirme ödeyenin tarayıcısıdır, ödeme kanıtı değildir: ödeme durumuna ve webhook'a güvenin.";
    CancelledBy => "Cancelled by", "İptal eden";
    ByPayer => "the payer", "ödeyen";
    ByMerchant => "the merchant", "satıcı";
    None => "—", "—";
    NoCharges => "No attempt yet.", "Henüz deneme yok.";
    NoChallenges => "No 3DS step.", "3DS adımı yok.";
    NoEvents => "No events yet.", "Henüz olay yok.";
    NoDeliveries => "No delivery: no endpoint was subscribed to this event.", "Teslimat yok: bu olaya abone uç nokta yoktu.";
    Primary => "primary", "birincil";
    Fallback => "fallback", "yedek";
    Attempts => "attempts", "deneme";

    CancelSession => "Cancel session", "Oturumu iptal et";
    CapturePayment => "Capture payment", "Ödemeyi tahsil et";
    VoidPayment => "Void authorization", "Provizyonu iptal et";
    Resend => "Resend", "Yeniden gönder";
    Reenable => "Re-enable endpoint", "Uç noktayı etkinleştir";
    ConfirmTitle => "Please confirm", "Lütfen onaylayın";
    ConfirmCancel => "Cancel this checkout session? The payer can no longer pay with its link.", "Bu ödeme oturumu iptal edilsin mi? Ödeyen bu bağlantıyla artık ödeme yapamaz.";
    ConfirmCapture => "Capture {amount} from the authorized card?", "Provizyonlu karttan {amount} tahsil edilsin mi?";
    ConfirmVoid => "Release the authorization of {amount}? No money will move.", "{amount} tutarındaki provizyon bırakılsın mı? Para hareketi olmaz.";
    ConfirmResend => "Send event {event} to {endpoint} again? The receiver sees the same webhook-id.", "{event} olayı {endpoint} adresine yeniden gönderilsin mi? Alıcı aynı webhook-id'yi görür.";
    ConfirmReenable => "Re-enable {endpoint}? Deliveries waiting for it become due now.", "{endpoint} yeniden etkinleştirilsin mi? Bekleyen teslimatlar hemen gönderilir.";
    ConfirmRefund => "Refund {amount} to the payer's card? Money that went back cannot be taken again.", "{amount} ödeyenin kartına iade edilsin mi? İade edilen para geri alınamaz.";
    RefundPayment => "Refund", "İade et";
    RefundAmount => "Amount to refund", "İade tutarı";
    RefundAmountInvalid => "Enter an amount greater than zero and at most what is left to refund ({amount}).", "Sıfırdan büyük ve iade edilebilecek tutarı ({amount}) aşmayan bir tutar girin.";
    RefundsSection => "Refunds", "İadeler";
    NoRefunds => "No refunds.", "İade yok.";
    ColRefund => "Refund", "İade";
    ColReason => "Reason", "Neden";
    ColAttempts => "Provider attempts", "Sağlayıcı denemeleri";
    FieldRefunded => "Refunded", "İade edilen";
    VerdictRefunded => "refunded", "iade edildi";
    VerdictRefundPending => "refund pending", "iade bekliyor";
    RefundAttemptEntity => "Refund attempt", "İade denemesi";
    ConfirmYes => "Yes, do it", "Evet, uygula";
    ConfirmNo => "Go back", "Vazgeç";
    Working => "Working…", "Uygulanıyor…";
    ActionDone => "Done.", "Tamamlandı.";
    ActionFailed => "The API refused:", "API reddetti:";
    NetworkError => "The API could not be reached. Check the connection and retry.", "API'ye ulaşılamadı. Bağlantıyı kontrol edip tekrar deneyin.";
    NotFound => "No such checkout session or payment for this key.", "Bu anahtarla böyle bir ödeme oturumu veya ödeme yok.";
    Retry => "Retry", "Tekrar dene";

    // API-only payments (#15): a payment without a checkout session.
    ApiOnly => "API-only", "Yalnız API";
    ApiSection => "API-only payment", "API ile ödeme";
    PaymentTitle => "Payment", "Ödeme";
    FieldCustomerReference => "Customer reference", "Müşteri referansı";
    FieldDescription => "Description", "Açıklama";
    FieldSecretExpires => "Client secret valid until", "İstemci anahtarı geçerlilik sonu";
    CancelPayment => "Cancel payment", "Ödemeyi iptal et";
    ConfirmCancelPayment => "Cancel this payment? It can no longer be confirmed.", "Bu ödeme iptal edilsin mi? Artık onaylanamaz.";
}

/// A status word for a wire status value, by what kind of object it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Session,
    Payment,
    Charge,
    Delivery,
    Attempt,
    Challenge,
    Endpoint,
    /// A refund (`PENDING`…) or one of its provider attempts (`pending`…).
    Refund,
}

/// The word for a status in `lang`; unknown values are shown as they are.
pub fn status_label(kind: Kind, status: &str, lang: Lang) -> String {
    let pair: Option<(&str, &str)> = match (kind, status) {
        (Kind::Session, "PENDING") => Some(("Open", "Açık")),
        (Kind::Session, "PROCESSING") | (Kind::Payment, "PROCESSING") => Some(("Processing", "İşleniyor")),
        (Kind::Session, "COMPLETED") => Some(("Completed", "Tamamlandı")),
        (Kind::Session, "EXPIRED") => Some(("Expired", "Süresi doldu")),
        (Kind::Session, "CANCELLED") | (Kind::Payment, "CANCELLED") => Some(("Cancelled", "İptal edildi")),
        (Kind::Session, "FAILED") | (Kind::Payment, "FAILED") => Some(("Failed", "Başarısız")),
        (Kind::Payment, "CREATED") => Some(("Created", "Oluşturuldu")),
        (Kind::Payment, "REQUIRES_ACTION") => Some(("Waiting for 3DS", "3DS bekleniyor")),
        (Kind::Payment, "REQUIRES_PAYMENT_METHOD") => Some(("Needs another card", "Başka kart bekleniyor")),
        (Kind::Payment, "AUTHORIZED") => Some(("Authorized", "Provizyon alındı")),
        (Kind::Payment, "SUCCEEDED") => Some(("Succeeded", "Başarılı")),
        (Kind::Charge, "pending") => Some(("Waiting for provider", "Sağlayıcı yanıtı bekleniyor")),
        (Kind::Charge, "requires_action") => Some(("Waiting for 3DS", "3DS bekleniyor")),
        (Kind::Charge, "succeeded") | (Kind::Attempt, "succeeded") => Some(("Succeeded", "Başarılı")),
        (Kind::Charge, "authorized") => Some(("Authorized", "Provizyon alındı")),
        (Kind::Charge, "declined") => Some(("Declined", "Reddedildi")),
        (Kind::Charge, "failed") => Some(("Provider error", "Sağlayıcı hatası")),
        (Kind::Delivery, "pending") => Some(("Retry scheduled", "Yeniden denenecek")),
        (Kind::Delivery, "sending") => Some(("Sending", "Gönderiliyor")),
        (Kind::Delivery, "succeeded") => Some(("Delivered", "Teslim edildi")),
        (Kind::Delivery, "failed") => Some(("Gave up", "Vazgeçildi")),
        (Kind::Delivery, "cancelled") => Some(("Cancelled", "İptal edildi")),
        (Kind::Attempt, "failed") => Some(("Failed", "Başarısız")),
        (Kind::Attempt, "timeout") => Some(("Timed out", "Zaman aşımı")),
        (Kind::Attempt, "error") => Some(("Network error", "Ağ hatası")),
        (Kind::Challenge, "pending") => Some(("Waiting", "Bekliyor")),
        (Kind::Challenge, "passed") => Some(("Passed", "Geçti")),
        (Kind::Challenge, "failed") => Some(("Failed", "Başarısız")),
        (Kind::Challenge, "abandoned") => Some(("Abandoned", "Yarıda bırakıldı")),
        (Kind::Refund, "PENDING") | (Kind::Refund, "pending") => Some(("Waiting for provider", "Sağlayıcı bekleniyor")),
        (Kind::Refund, "SUCCEEDED") | (Kind::Refund, "succeeded") => Some(("Refunded", "İade edildi")),
        (Kind::Refund, "FAILED") | (Kind::Refund, "failed") => Some(("Refused by provider", "Sağlayıcı reddetti")),
        (Kind::Refund, "CANCELLED") | (Kind::Refund, "cancelled") => Some(("Cancelled", "İptal edildi")),
        (Kind::Endpoint, "enabled") => Some(("Enabled", "Etkin")),
        (Kind::Endpoint, "disabled") => Some(("Disabled", "Devre dışı")),
        (Kind::Endpoint, "deleted") => Some(("Deleted", "Silindi")),
        _ => None,
    };
    match (pair, lang) {
        (Some((en, _)), Lang::En) => en.to_string(),
        (Some((_, tr)), Lang::Tr) => tr.to_string(),
        (None, _) => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hsrc_shared::lifecycle::{ChargeStatus, PaymentStatus, SessionStatus};

    #[test]
    fn every_message_exists_in_both_languages() {
        for m in Msg::ALL {
            assert!(!m.text(Lang::En).is_empty() && !m.text(Lang::Tr).is_empty(), "{m:?}");
        }
    }

    #[test]
    fn every_lifecycle_state_has_a_word_in_both_languages() {
        for lang in [Lang::Tr, Lang::En] {
            for s in SessionStatus::ALL {
                assert_ne!(status_label(Kind::Session, s.as_str(), lang), s.as_str(), "{s:?}");
            }
            for s in PaymentStatus::ALL {
                assert_ne!(status_label(Kind::Payment, s.as_str(), lang), s.as_str(), "{s:?}");
            }
            for s in ChargeStatus::ALL {
                assert_ne!(status_label(Kind::Charge, s.as_str(), lang), s.as_str(), "{s:?}");
            }
            for s in ["pending", "sending", "succeeded", "failed", "cancelled"] {
                assert_ne!(status_label(Kind::Delivery, s, lang), s);
            }
            for s in hsrc_shared::refund::RefundStatus::ALL {
                assert_ne!(status_label(Kind::Refund, s.as_str(), lang), s.as_str(), "{s:?}");
            }
            for s in hsrc_shared::api::refunds::RefundAttemptStatus::ALL {
                assert_ne!(status_label(Kind::Refund, s.as_str(), lang), s.as_str(), "{s:?}");
            }
        }
        assert_eq!(status_label(Kind::Session, "COMPLETED", Lang::Tr), "Tamamlandı");
        assert_eq!(status_label(Kind::Session, "SOMETHING_NEW", Lang::En), "SOMETHING_NEW");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(Msg::ConfirmCapture.text(Lang::En), &[("amount", "₺125.00")]),
            "Capture ₺125.00 from the authorized card?"
        );
        assert_eq!(Lang::parse("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
    }
}
