//! Every word the payer reads, in Turkish and English, in one place.
//!
//! A message is a [`Msg`] key; [`Msg::text`] picks the language. Templates carry `{name}` placeholders that
//! [`fill`] replaces, so word order can differ between the languages ("₺125,00 öde" vs "Pay ₺125.00").
//! Decline reasons are chosen by the provider's `decline_code` in [`decline_reason`], never by its English message.

// The language type, the packed-catalogue macro and the filler are shared with the ops console (`hsrc-webkit`).
pub use hsrc_webkit::{fill, Lang};

hsrc_webkit::catalogue! {
    // Header and chrome.
    /// Caption above the merchant's name.
    PayTo => "Pay", "Ödeme alıcısı";
    /// Badge shown on sandbox (test mode) sessions.
    TestMode => "Test mode", "Test modu";
    /// Loading placeholder.
    Loading => "Loading checkout…", "Ödeme sayfası yükleniyor…";
    /// Accessible name of the checkout region.
    CheckoutLabel => "Secure checkout", "Güvenli ödeme";
    /// Footer reassurance.
    SecuredBy => "Secured by HSRC Pay", "HSRC Pay güvencesiyle";

    // Form sections and labels.
    YourDetails => "Your details", "Bilgileriniz";
    Name => "Full name", "Ad soyad";
    Email => "Email", "E-posta";
    Phone => "Phone", "Telefon";
    BillingAddress => "Billing address", "Fatura adresi";
    ShippingAddress => "Shipping address", "Teslimat adresi";
    ShippingSameAsBilling => "Shipping address is the same as billing", "Teslimat adresi fatura adresiyle aynı";
    Line1 => "Address", "Adres";
    Line2 => "Apartment, suite, floor", "Daire, kat, blok";
    City => "City", "İl";
    State => "District / state", "İlçe / eyalet";
    PostalCode => "Postal code", "Posta kodu";
    Country => "Country", "Ülke";
    AdditionalInfo => "Additional information", "Ek bilgiler";
    /// Suffix of optional fields' labels.
    Optional => "optional", "isteğe bağlı";
    /// First entry of a dropdown.
    ChooseOne => "Choose…", "Seçin…";
    CardSection => "Card", "Kart bilgileri";
    // Installments (#16).
    /// Legend of the installment radio group.
    InstallmentsLegend => "Installments", "Taksit seçenekleri";
    /// The single-payment radio: `{total}`.
    SinglePaymentAmount => "Single payment — {total}", "Tek çekim — {total}";
    /// An installment radio: `{n}` × `{each}`, `{total}` in all.
    PlanLabel => "{n} × {each} — total {total}", "{n} × {each} — toplam {total}";
    /// The receipt line of a payment in installments.
    ReceiptInstallments => "{n} installments of {each} — total {total} (order {order})", "{n} taksit × {each} — toplam {total} (sipariş tutarı {order})";
    CardNumber => "Card number", "Kart numarası";
    Expiry => "Expiry (MM / YY)", "Son kullanma (AA / YY)";
    Cvc => "Security code (CVC)", "Güvenlik kodu (CVC)";
    /// Text of the pay button; `{amount}` is the formatted amount.
    PayAmount => "Pay {amount}", "{amount} öde";
    /// Pay button while the confirm runs.
    Paying => "Processing…", "İşleniyor…";
    CancelPayment => "Cancel payment", "Ödemeyi iptal et";
    /// Hint under the phone field.
    PhoneHint => "With country code, e.g. +90 532 123 45 67", "Ülke koduyla, ör. +90 532 123 45 67";

    // Field errors.
    Required => "This field is required.", "Bu alan zorunludur.";
    EmailInvalid => "Enter a valid email address, like name@example.com.", "Geçerli bir e-posta adresi girin, ör. ad@ornek.com.";
    PhoneInvalid => "Enter the phone number with its country code, e.g. +90 532 123 45 67.", "Telefon numarasını ülke koduyla girin, ör. +90 532 123 45 67.";
    TooLong => "This is too long.", "Bu alan çok uzun.";
    CountryInvalid => "Choose a country.", "Bir ülke seçin.";
    AddressInvalid => "Check this part of the address.", "Adresin bu kısmını kontrol edin.";
    PostalCodeInvalid => "Enter a valid postal code.", "Geçerli bir posta kodu girin.";
    NumberInvalid => "Enter a number.", "Bir sayı girin.";
    OptionInvalid => "Choose one of the options.", "Seçeneklerden birini seçin.";
    FieldInvalid => "Check this field.", "Bu alanı kontrol edin.";
    CardIncomplete => "The card number is incomplete.", "Kart numarası eksik.";
    CardWrongLength => "This card number has the wrong number of digits.", "Bu kart numarasının hane sayısı hatalı.";
    CardInvalid => "This card number is not valid. Check the digits.", "Bu kart numarası geçerli değil. Rakamları kontrol edin.";
    ExpiryIncomplete => "Enter the expiry date as MM / YY.", "Son kullanma tarihini AA / YY biçiminde girin.";
    ExpiryMonthInvalid => "The month must be between 01 and 12.", "Ay 01 ile 12 arasında olmalıdır.";
    ExpiryYearInvalid => "Check the expiry year.", "Son kullanma yılını kontrol edin.";
    ExpiryPast => "This card has expired.", "Bu kartın süresi dolmuş.";
    CvcInvalid => "Enter the 3-digit code on the back of the card.", "Kartın arkasındaki 3 haneli kodu girin.";
    CvcInvalidAmex => "Enter the 4-digit code on the front of the card.", "Kartın önündeki 4 haneli kodu girin.";
    /// Announced after a submit with errors; `{n}` is how many.
    FixErrors => "Please correct {n} highlighted field(s).", "Lütfen işaretli {n} alanı düzeltin.";

    // Screens.
    CompletedTitle => "Payment successful", "Ödeme başarılı";
    CompletedBody => "You paid {amount} to {merchant}.", "{merchant} için {amount} ödediniz.";
    Redirecting => "Taking you back to {merchant}…", "{merchant} sayfasına yönlendiriliyorsunuz…";
    ProcessingTitle => "Confirming your payment", "Ödemeniz onaylanıyor";
    ProcessingBody => "This can take a few seconds. Please keep this page open.", "Bu birkaç saniye sürebilir. Lütfen bu sayfayı kapatmayın.";
    StillProcessingBody => "Your bank is taking longer than usual. You will not be charged twice; {merchant} will confirm the result.", "Bankanızdan yanıt gelmesi beklenenden uzun sürüyor. İki kez ücretlendirilmeyeceksiniz; sonucu {merchant} bildirecek.";
    CheckAgain => "Check again", "Tekrar kontrol et";
    ActionTitle => "Verify your payment", "Ödemenizi doğrulayın";
    ActionBody => "Your bank asks you to confirm this payment.", "Bankanız bu ödemeyi onaylamanızı istiyor.";
    ChallengeFrameTitle => "3D Secure verification", "3D Secure doğrulaması";
    DeclinedTitle => "Payment declined", "Ödeme reddedildi";
    TryAnotherCard => "Try another card", "Başka bir kart deneyin";
    /// `{n}` attempts remain.
    AttemptsLeft => "Attempts left: {n}", "Kalan deneme hakkı: {n}";
    FailedTitle => "Payment failed", "Ödeme başarısız";
    FailedBody => "This checkout can no longer be paid. Return to {merchant} to start again.", "Bu ödeme artık tamamlanamaz. Yeniden başlamak için {merchant} sayfasına dönün.";
    ExpiredTitle => "This checkout has expired", "Bu ödeme oturumunun süresi doldu";
    ExpiredBody => "For your security, checkouts are open for a limited time. Return to {merchant} to start again.", "Güvenliğiniz için ödeme oturumları sınırlı süre açıktır. Yeniden başlamak için {merchant} sayfasına dönün.";
    CancelledTitle => "Payment cancelled", "Ödeme iptal edildi";
    CancelledBody => "No money was taken from your card.", "Kartınızdan herhangi bir tutar çekilmedi.";
    BackToMerchant => "Back to {merchant}", "{merchant} sayfasına dön";
    InvalidLinkTitle => "This payment link is not valid", "Bu ödeme bağlantısı geçerli değil";
    InvalidLinkBody => "Ask the merchant for a new payment link.", "Üye işyerinden yeni bir ödeme bağlantısı isteyin.";
    NetworkError => "We couldn't reach the payment service. Check your connection and try again.", "Ödeme servisine ulaşılamadı. Bağlantınızı kontrol edip tekrar deneyin.";
    ServiceError => "Something went wrong on our side. Your card was not charged twice; please try again.", "Bizim tarafımızda bir sorun oluştu. Kartınızdan iki kez çekim yapılmadı; lütfen tekrar deneyin.";
    TryAgain => "Try again", "Tekrar dene";

    // Decline reasons, by decline_code.
    DeclineGeneric => "Your bank declined the card.", "Bankanız kartı reddetti.";
    DeclineInsufficientFunds => "The card doesn't have enough funds for this payment.", "Kartta bu ödeme için yeterli bakiye yok.";
    DeclineExpiredCard => "The card has expired.", "Kartın son kullanma tarihi geçmiş.";
    DeclineIncorrectCvc => "The security code (CVC) is incorrect.", "Güvenlik kodu (CVC) hatalı.";
    DeclineProcessingError => "The card couldn't be processed right now. Try again or use another card.", "Kart şu anda işlenemedi. Tekrar deneyin ya da başka bir kart kullanın.";
    DeclineAuthentication => "The card verification (3D Secure) was not completed.", "Kart doğrulaması (3D Secure) tamamlanamadı.";
    DeclineTestCard => "This is a test checkout: use one of the sandbox test cards.", "Bu bir test ödemesidir: sandbox test kartlarından birini kullanın.";
    DeclineInvalidCard => "The card details are not valid.", "Kart bilgileri geçerli değil.";
    DeclineUnknown => "The payment could not be completed.", "Ödeme tamamlanamadı.";

    // Sandbox 3DS challenge page.
    ChallengeTitle => "Confirm your payment", "Ödemenizi onaylayın";
    ChallengeBody => "This is a sandbox 3D Secure page: no real bank is involved. Choose the outcome to simulate.", "Bu bir sandbox 3D Secure sayfasıdır; gerçek bir banka yoktur. Simüle edilecek sonucu seçin.";
    Sandbox => "Sandbox", "Sandbox";
    Merchant => "Merchant", "Üye işyeri";
    Amount => "Amount", "Tutar";
    Card => "Card", "Kart";
    ChallengePass => "Pass verification", "Doğrulamayı onayla";
    ChallengeFail => "Fail verification", "Doğrulamayı reddet";
    ChallengePassed => "Verification passed.", "Doğrulama başarılı.";
    ChallengeFailed => "Verification failed.", "Doğrulama başarısız.";
    ChallengeReturning => "Returning to the checkout…", "Ödeme sayfasına dönülüyor…";
    ChallengeDoneTopLevel => "You can close this window and go back to the checkout.", "Bu pencereyi kapatıp ödeme sayfasına dönebilirsiniz.";
    ChallengeMissing => "This verification request was not found or has expired.", "Bu doğrulama isteği bulunamadı ya da süresi doldu.";
}

/// Countries offered in address forms: ISO 3166-1 alpha-2, English and Turkish names. Türkiye first.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("TR", "Türkiye", "Türkiye"),
    ("AZ", "Azerbaijan", "Azerbaycan"),
    ("DE", "Germany", "Almanya"),
    ("NL", "Netherlands", "Hollanda"),
    ("FR", "France", "Fransa"),
    ("GB", "United Kingdom", "Birleşik Krallık"),
    ("US", "United States", "Amerika Birleşik Devletleri"),
    ("AE", "United Arab Emirates", "Birleşik Arap Emirlikleri"),
    ("GR", "Greece", "Yunanistan"),
    ("BG", "Bulgaria", "Bulgaristan"),
    ("CY", "Cyprus", "Kıbrıs"),
];

/// The `(code, name)` choices of the country select; a prefilled code we have no name for is kept as is.
pub fn country_options(lang: Lang, current: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(code, en, tr)| (code.to_string(), if lang == Lang::Tr { tr } else { en }.to_string()))
        .collect();
    if !current.is_empty() && !out.iter().any(|(code, _)| code == current) {
        out.push((current.to_string(), current.to_string()));
    }
    out
}

/// The payer-facing reason for a decline, from the provider's `decline_code` (or the error `code` when there is none).
pub fn decline_reason(decline_code: Option<&str>, code: Option<&str>) -> Msg {
    match decline_code.or(code).unwrap_or_default() {
        "card_declined" | "generic_decline" | "do_not_honor" => Msg::DeclineGeneric,
        "insufficient_funds" => Msg::DeclineInsufficientFunds,
        "expired_card" => Msg::DeclineExpiredCard,
        "incorrect_cvc" | "invalid_cvc" => Msg::DeclineIncorrectCvc,
        "processing_error" | "provider_unavailable" => Msg::DeclineProcessingError,
        "authentication_failed" | "authentication_required" | "three_d_secure_failed" | "3ds_failed" => {
            Msg::DeclineAuthentication
        }
        "live_card_in_test_mode" => Msg::DeclineTestCard,
        "card_invalid" | "invalid_number" | "incorrect_number" => Msg::DeclineInvalidCard,
        _ => Msg::DeclineUnknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!msg.text(Lang::En).trim().is_empty(), "{msg:?} has no English text");
            assert!(!msg.text(Lang::Tr).trim().is_empty(), "{msg:?} has no Turkish text");
        }
    }

    #[test]
    fn templates_keep_their_placeholders_in_both_languages() {
        for msg in Msg::ALL {
            let placeholders = |s: &str| {
                let mut found: Vec<String> =
                    s.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(k, _)| k.to_string())).collect();
                found.sort();
                found
            };
            assert_eq!(placeholders(msg.text(Lang::En)), placeholders(msg.text(Lang::Tr)), "{msg:?}");
        }
    }

    #[test]
    fn packed_catalogue_returns_each_text_whole() {
        assert_eq!(Msg::ALL[0].text(Lang::En), "Pay");
        assert_eq!(Msg::ALL[0].text(Lang::Tr), "Ödeme alıcısı");
        let last = *Msg::ALL.last().expect("messages");
        assert_eq!(last.text(Lang::En), "This verification request was not found or has expired.");
        assert_eq!(last.text(Lang::Tr), "Bu doğrulama isteği bulunamadı ya da süresi doldu.");
    }

    #[test]
    fn country_list_starts_with_turkiye_and_keeps_unknown_prefills() {
        let options = country_options(Lang::En, "JP");
        assert_eq!(options[0], ("TR".to_string(), "Türkiye".to_string()));
        assert_eq!(options.last(), Some(&("JP".to_string(), "JP".to_string())));
        assert_eq!(country_options(Lang::Tr, "TR").len(), COUNTRIES.len());
    }

    #[test]
    fn decline_codes_read_as_plain_words() {
        assert_eq!(decline_reason(Some("insufficient_funds"), Some("card_declined")), Msg::DeclineInsufficientFunds);
        assert_eq!(decline_reason(Some("expired_card"), None), Msg::DeclineExpiredCard);
        assert_eq!(decline_reason(Some("incorrect_cvc"), None), Msg::DeclineIncorrectCvc);
        assert_eq!(decline_reason(Some("processing_error"), None), Msg::DeclineProcessingError);
        assert_eq!(decline_reason(None, Some("card_declined")), Msg::DeclineGeneric);
        assert_eq!(decline_reason(None, Some("live_card_in_test_mode")), Msg::DeclineTestCard);
        assert_eq!(decline_reason(Some("something_new"), None), Msg::DeclineUnknown);
        assert_eq!(Msg::DeclineInsufficientFunds.text(Lang::Tr), "Kartta bu ödeme için yeterli bakiye yok.");
    }
}
