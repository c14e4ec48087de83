//! Poll arithmetic: whole-number percentages that add up to exactly 100 (largest remainder method).

/// Splits 100 percent over `counts` in proportion, rounding so that the parts sum to exactly 100.
///
/// Each option first gets the whole part of its exact share; the points still missing go, one each,
/// to the options with the largest remainders (the earlier option wins a tie, so the split is
/// stable). With no votes at all every option shows 0.
pub fn percentages(counts: &[u64]) -> Vec<u8> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<u64> = counts.iter().map(|&c| c * 100 / total).collect();
    let missing = 100 - shares.iter().sum::<u64>();
    let mut by_remainder: Vec<usize> = (0..counts.len()).collect();
    // Stable sort: on equal remainders the earlier option keeps its place.
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(counts[i] * 100 % total));
    for &i in by_remainder.iter().take(missing as usize) {
        shares[i] += 1;
    }
    shares
        .into_iter()
        .map(|share| u8::try_from(share).unwrap_or(100))
        .collect()
}

/// The share of the readers who saw a poll that voted in it, in whole percent: `voters` of
/// `seen`, rounded, at most 100 (views are counted by an image readers may block, so they can fall
/// short of the voters); none when nothing was seen.
pub fn participation(voters: u64, seen: u64) -> Option<u8> {
    if seen == 0 {
        return None;
    }
    let percent = (voters.saturating_mul(100).saturating_add(seen / 2)) / seen;
    Some(u8::try_from(percent.min(100)).unwrap_or(100))
}

#[cfg(test)]
mod tests {
    use super::{participation, percentages};

    #[test]
    fn four_four_six_rounds_to_a_split_that_sums_to_one_hundred() {
        assert_eq!(percentages(&[4, 4, 6]), vec![29, 28, 43]);
    }

    #[test]
    fn no_votes_shows_zero_everywhere() {
        assert_eq!(percentages(&[0, 0, 0]), vec![0, 0, 0]);
    }

    #[test]
    fn a_single_option_gets_everything() {
        assert_eq!(percentages(&[7]), vec![100]);
    }

    #[test]
    fn one_option_with_all_votes_among_several() {
        assert_eq!(percentages(&[0, 5, 0]), vec![0, 100, 0]);
    }

    #[test]
    fn three_equal_thirds_give_the_extra_point_to_the_first() {
        assert_eq!(percentages(&[1, 1, 1]), vec![34, 33, 33]);
    }

    #[test]
    fn exact_splits_are_not_disturbed() {
        assert_eq!(percentages(&[1, 3]), vec![25, 75]);
    }

    #[test]
    fn no_options_gives_no_percentages() {
        assert!(percentages(&[]).is_empty());
    }

    #[test]
    fn any_split_with_votes_sums_to_one_hundred() {
        // A deterministic sweep over many small distributions instead of a random one.
        for a in 0..12u64 {
            for b in 0..12u64 {
                for c in 0..12u64 {
                    for d in [0u64, 1, 97, 1000] {
                        let counts = [a, b, c, d];
                        let split = percentages(&counts);
                        if a + b + c + d == 0 {
                            assert_eq!(split, vec![0, 0, 0, 0]);
                        } else {
                            let sum: u32 = split.iter().map(|&p| u32::from(p)).sum();
                            assert_eq!(sum, 100, "{counts:?} -> {split:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let split = percentages(&[u64::MAX / 200, u64::MAX / 200]);
        assert_eq!(split, vec![50, 50]);
    }

    #[test]
    fn participation_is_the_voters_share_of_the_readers_who_saw_the_poll() {
        assert_eq!(participation(12, 100), Some(12));
        assert_eq!(participation(1, 3), Some(33));
        assert_eq!(participation(2, 3), Some(67));
        assert_eq!(participation(5, 4), Some(100), "never above 100");
        assert_eq!(participation(0, 10), Some(0));
        assert_eq!(participation(3, 0), None, "nothing seen, no share");
    }
}
