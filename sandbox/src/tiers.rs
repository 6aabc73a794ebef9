//! Option tiers (sub-options): which option each belongs to, trial and per-unit tiers, their
//! order, and which plan they fit.

/// The option a sub-option (tier) belongs to, by its documented prefix.
pub(crate) fn option_of(sub_option: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, &str)] = &[
        ("ACV20", "ACV2"),
        ("ACV30", "ACV3"),
        ("DRV", "DRV"),
        ("SSTG20", "SSTG2"),
        ("BCT0", "BCT"),
        ("CST_S", "CST_S"),
        ("CST_M", "CST_M"),
        ("CST_L", "CST_L"),
        // The AiNote, PaperOn and AiStudio options have no documented tiers: the spec takes
        // the option id itself as the tier (x-inferred on `SubOptionId`).
        ("QTA_O1", "QTA_O1"),
        ("QTA_O2", "QTA_O2"),
        ("QTA_M1", "QTA_M1"),
        ("QTA_M2", "QTA_M2"),
        ("JP_PPO_O", "JP_PPO_O"),
        ("JP_PPO_M", "JP_PPO_M"),
        ("JP_AIS_O", "JP_AIS_O"),
        ("JP_AIS_M", "JP_AIS_M"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| sub_option.starts_with(prefix))
        .map(|(_, option)| *option)
}

/// Trial tiers: `ACV200`, `DRV00`, `DRV_PS_T`, `DRV_PA_T`, `ACV300`, `CST_*00`.
pub(crate) fn is_trial_tier(sub_option: &str) -> bool {
    matches!(
        sub_option,
        "ACV200" | "DRV00" | "DRV_PS_T" | "DRV_PA_T" | "ACV300"
    ) || (sub_option.starts_with("CST_") && sub_option.ends_with("00"))
}

/// Options sold by the unit rather than by tier: Drive, CX Talk desks, and the AiNote,
/// PaperOn and AiStudio extras (facts, ja: partner-customer-option-product-orders-post).
pub(crate) fn is_quantity_tier(sub_option: &str) -> bool {
    matches!(sub_option, "DRV01" | "DRV_PS" | "DRV_PA")
        || (sub_option.starts_with("CST_") && sub_option.ends_with("01"))
        || ["QTA_", "JP_PPO_", "JP_AIS_"]
            .iter()
            .any(|p| sub_option.starts_with(p))
}

/// Options that need a paid plan (shared storage, extended contacts).
pub(crate) fn needs_paid_plan(option: &str) -> bool {
    matches!(option, "SSTG2" | "BCT")
}

/// Rank of a tier within its option; higher is bigger. Trial tiers rank lowest.
pub(crate) fn tier_rank(sub_option: &str) -> u32 {
    if is_trial_tier(sub_option) {
        return 0;
    }
    match sub_option {
        "DRV01" => 1,
        "DRV_PS" => 2,
        "DRV_PA" => 3,
        other => other
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .chars()
            .rev()
            .collect::<String>()
            .parse::<u32>()
            .map_or(1, |n| n % 100 + 1),
    }
}

/// Drive Plus tiers are tied to the plan they were made for.
pub(crate) fn tier_fits_product(sub_option: &str, product: &str) -> bool {
    if sub_option.starts_with("DRV_PS") {
        return product.starts_with("STD");
    }
    if sub_option.starts_with("DRV_PA") {
        return product.starts_with("ADV");
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers() {
        assert_eq!(option_of("SSTG203"), Some("SSTG2"));
        assert_eq!(option_of("DRV_PA_T"), Some("DRV"));
        assert!(tier_rank("SSTG203") > tier_rank("SSTG202"));
        assert!(tier_rank("DRV_PA") > tier_rank("DRV01"));
        assert!(is_trial_tier("CST_M00") && !is_trial_tier("CST_M01"));
    }
}
