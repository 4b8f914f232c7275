use super::*;
use crate::bin::lookup;
use proptest::prelude::*;

fn rates(counts: std::ops::RangeInclusive<u32>) -> Vec<Rate> {
    counts.map(|count| Rate { count, rate_bps: 150 * count }).collect()
}

fn offer<'a>(amount: i64, settings: &'a InstallmentSettings, rates: &'a [Rate]) -> Offer<'a> {
    Offer { amount, currency: "TRY", session: None, settings, rates }
}

#[test]
fn last_installment_takes_the_remainder() {
    // ₺125,00 in 3 with the merchant paying: 3 × ₺41,67 would be ₺125,01, so the last one is ₺41,66.
    let p = plan(12_500, 3, 449, InterestPaidBy::Merchant).unwrap();
    assert_eq!((p.installment_amount, p.last_installment_amount, p.total_amount), (4_167, 4_166, 12_500));
    assert_eq!((p.interest_amount, p.interest_rate.as_str()), (0, "0.00"));
    // ₺100,00 in 6: 1666,67 rounds up to 1667 ×5 = 8335, last 1665.
    let p = plan(10_000, 6, 0, InterestPaidBy::Payer).unwrap();
    assert_eq!((p.installment_amount, p.last_installment_amount), (1_667, 1_665));
}

#[test]
fn payer_pays_the_interest_rounded_half_up() {
    // 4,49 % of ₺125,00 = ₺5,6125 → ₺5,61; total ₺130,61 in 3: 4354 + 4354 + 4353.
    let p = plan(12_500, 3, 449, InterestPaidBy::Payer).unwrap();
    assert_eq!((p.interest_amount, p.total_amount, p.interest_rate.as_str()), (561, 13_061, "4.49"));
    assert_eq!((p.installment_amount, p.last_installment_amount), (4_354, 4_353));
    // Exactly half a kuruş rounds up: 1 % of ₺0,50 = 0,5 kuruş → 1.
    assert_eq!(plan(50, 2, 100, InterestPaidBy::Payer).unwrap().interest_amount, 1);
    assert_eq!(plan(49, 2, 100, InterestPaidBy::Payer).unwrap().interest_amount, 0);
    // A single payment never carries interest, whoever pays it.
    assert_eq!(plan(12_500, 1, 449, InterestPaidBy::Payer).unwrap().total_amount, 12_500);
}

#[test]
fn percent_has_two_decimals_without_floats() {
    assert_eq!(percent(0), "0.00");
    assert_eq!(percent(5), "0.05");
    assert_eq!(percent(449), "4.49");
    assert_eq!(percent(1_200), "12.00");
}

#[test]
fn plans_follow_the_card_and_the_caps() {
    let settings = InstallmentSettings::default();
    let table = rates(2..=12);
    let bonus = lookup("540061");
    let all = plans(&bonus, &offer(12_500, &settings, &table));
    assert_eq!(all.iter().map(|p| p.count).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    assert_eq!(all[0], single(12_500));
    // The family cap, the merchant cap and the session cap each lower the maximum.
    let mut capped = settings.clone();
    capped.family_max_count.insert(CardFamily::Bonus, 6);
    assert_eq!(plans(&bonus, &offer(12_500, &capped, &table)).len(), 6);
    capped.max_count = 4;
    assert_eq!(plans(&bonus, &offer(12_500, &capped, &table)).len(), 4);
    let session = Offer {
        session: Some(SessionInstallments { enabled: true, max_count: Some(3) }),
        ..offer(12_500, &settings, &table)
    };
    assert_eq!(plans(&bonus, &session).len(), 3);
    // The rate table decides which counts exist at all.
    let troy_table = rates(2..=6);
    assert_eq!(plans(&lookup("979200"), &offer(12_500, &settings, &troy_table)).len(), 6);
}

#[test]
fn single_payment_only_cards_and_sessions() {
    let settings = InstallmentSettings::default();
    let table = rates(2..=12);
    for bin in ["413226", "424242", "540062", "979201", "37828200"] {
        let card = lookup(bin);
        assert_eq!(plans(&card, &offer(12_500, &settings, &table)), vec![single(12_500)], "{bin}");
        let e = choose(&card, &offer(12_500, &settings, &table), Some(InstallmentChoice { count: 3 })).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str(), e.param.as_deref()),
            (400, "installments_unavailable", Some(PARAM_COUNT))
        );
        assert_eq!(choose(&card, &offer(12_500, &settings, &table), None).unwrap(), single(12_500));
    }
    let bonus = lookup("540061");
    // Below the minimum amount installments are off unless the session turns them on.
    assert_eq!(plans(&bonus, &offer(9_999, &settings, &table)).len(), 1);
    let on = Offer {
        session: Some(SessionInstallments { enabled: true, max_count: None }),
        ..offer(9_999, &settings, &table)
    };
    assert_eq!(plans(&bonus, &on).len(), 12);
    let off = Offer {
        session: Some(SessionInstallments { enabled: false, max_count: None }),
        ..offer(50_000, &settings, &table)
    };
    assert_eq!(plans(&bonus, &off).len(), 1);
    // Installments are a TRY product; other currencies get single payment.
    let usd = Offer { currency: "USD", ..offer(50_000, &settings, &table) };
    assert_eq!(plans(&bonus, &usd).len(), 1);
    let disabled = InstallmentSettings { enabled: false, ..settings.clone() };
    assert_eq!(plans(&bonus, &offer(50_000, &disabled, &table)).len(), 1);
}

#[test]
fn choose_returns_the_offered_plan_or_names_the_counts() {
    let settings = InstallmentSettings::default();
    let table = rates(2..=9);
    let world = lookup("554960");
    let o = offer(12_500, &settings, &table);
    let p = choose(&world, &o, Some(InstallmentChoice { count: 9 })).unwrap();
    assert_eq!(p, plan(12_500, 9, 1_350, InterestPaidBy::Payer).unwrap());
    for bad in [0, 10, 12, 99] {
        let e = choose(&world, &o, Some(InstallmentChoice { count: bad })).unwrap_err();
        assert_eq!(e.param.as_deref(), Some(PARAM_COUNT), "{bad}");
        assert!(e.message.contains("1, 2, 3"), "{}", e.message);
    }
}

#[test]
fn settings_and_session_values_are_checked() {
    assert!(InstallmentSettings::default().validate().is_ok());
    let e = InstallmentSettings { max_count: 13, ..Default::default() }.validate().unwrap_err();
    assert_eq!(e.param.as_deref(), Some("max_count"));
    let mut s = InstallmentSettings::default();
    s.family_max_count.insert(CardFamily::World, 1);
    assert_eq!(s.validate().unwrap_err().param.as_deref(), Some("family_max_count[world]"));
    let e = SessionInstallments { enabled: true, max_count: Some(1) }.validate("TRY").unwrap_err();
    assert_eq!(e.param.as_deref(), Some("installments[max_count]"));
    let e = SessionInstallments { enabled: true, max_count: None }.validate("EUR").unwrap_err();
    assert_eq!(e.param.as_deref(), Some("installments[enabled]"));
    assert!(SessionInstallments { enabled: false, max_count: None }.validate("EUR").is_ok());
    let parsed: InstallmentSettings =
        serde_json::from_str(r#"{"family_max_count":{"world":6},"interest_paid_by":"merchant"}"#).unwrap();
    assert_eq!(
        (parsed.max_count, parsed.family_max_count[&CardFamily::World], parsed.interest_paid_by),
        (12, 6, InterestPaidBy::Merchant)
    );
}

proptest! {
    #[test]
    fn installments_always_add_up_to_the_total(amount in 0i64..10_000_000_000, count in 1u32..=12, bps in 0u32..5_000, payer in any::<bool>()) {
        let by = if payer { InterestPaidBy::Payer } else { InterestPaidBy::Merchant };
        let p = plan(amount, count, bps, by).unwrap();
        prop_assert_eq!(p.installment_amount * i64::from(count - 1) + p.last_installment_amount, p.total_amount);
        prop_assert_eq!(p.total_amount, amount + p.interest_amount);
        prop_assert!(p.last_installment_amount >= 0);
        prop_assert!((p.installment_amount - p.last_installment_amount).abs() <= i64::from(count));
        if !payer || count == 1 { prop_assert_eq!(p.interest_amount, 0); }
    }
}
