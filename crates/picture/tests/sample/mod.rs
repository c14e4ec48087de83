//! The sample standing that the golden test and the timing example both draw: the shipped DeepSeek
//! poll with 1,234 voters, on 6 December 2026 at 14.05 in Brussels. The example includes this file
//! by its path, so one sample serves both.

use stembus_picture::Standing;
use stembus_poll::{PollDefinition, PollOption, PollResults, ResultsVisibility};

/// The poll and its figures, owned, for a `Standing` to borrow.
pub struct Sample {
    pub poll: PollDefinition,
    pub results: PollResults,
}

/// 6 December 2026, 14.05 in Brussels.
const AT: i64 = 1_796_562_300;

pub fn sample() -> Sample {
    let poll = PollDefinition {
        id: "deepseek-schade-nvidia".into(),
        question: "Brengt DeepSeek blijvende schade toe aan Nvidia?".into(),
        options: [("ja", "Ja"), ("nee", "Nee"), ("weet-niet", "Weet ik niet")]
            .iter()
            .map(|(key, label)| PollOption {
                key: key.to_string(),
                label: label.to_string(),
            })
            .collect(),
        opens: None,
        closes: None,
        max_choices: 1,
        allow_change: false,
        show_results: ResultsVisibility::Always,
        french: None,
    };
    let counts: Vec<(String, u64)> = [("ja", 716), ("nee", 371), ("weet-niet", 147)]
        .iter()
        .map(|(key, n)| (key.to_string(), *n))
        .collect();
    let results = PollResults::from_counts(&poll, &counts, 1234);
    Sample { poll, results }
}

impl Sample {
    pub fn standing(&self) -> Standing<'_> {
        Standing {
            poll: &self.poll,
            results: Some(&self.results),
            at: AT,
        }
    }
}
