//! The identifiers of slugs, poll ids and answer keys: lower-case ASCII letters and digits joined
//! by single dashes, at most `MAX_LENGTH` bytes. Votes are stored under a poll's id and the form
//! sends answer keys, so both must stay the same wherever they are written.

/// The longest identifier, in bytes.
pub const MAX_LENGTH: usize = 80;

/// Whether `value` is a well-formed identifier.
pub fn is_identifier(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_LENGTH
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// An identifier made from `text` (a question, an answer): transliterated to ASCII ("één" →
/// "een"), lower case, words joined by dashes, cut at a word to fit `MAX_LENGTH`. Empty when the
/// text has no letter or digit at all.
pub fn identifier_from(text: &str) -> String {
    let full = slug::slugify(text);
    if full.len() <= MAX_LENGTH {
        return full;
    }
    let mut cut = String::new();
    for word in full.split('-') {
        if cut.len() + word.len() + 1 > MAX_LENGTH {
            break;
        }
        if !cut.is_empty() {
            cut.push('-');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        // One word longer than the limit.
        full[..MAX_LENGTH].trim_end_matches('-').to_string()
    } else {
        cut
    }
}

/// `base`, or `base-2`, `base-3`, … : the first that `taken` does not hold (still within
/// `MAX_LENGTH`).
pub fn unique_identifier(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            let room = MAX_LENGTH - suffix.len();
            let stem = if base.len() > room {
                base[..room].trim_end_matches('-')
            } else {
                base
            };
            format!("{stem}{suffix}")
        })
        .find(|candidate| !taken(candidate))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_becomes_a_well_formed_identifier() {
        let id = identifier_from("Brengt DeepSeek blijvende schade toe aan Nvidia?");
        assert_eq!(id, "brengt-deepseek-blijvende-schade-toe-aan-nvidia");
        assert!(is_identifier(&id));
        assert_eq!(
            identifier_from("Één café, twee crèmes!"),
            "een-cafe-twee-cremes"
        );
        assert_eq!(identifier_from("?!"), "");
    }

    #[test]
    fn a_long_question_is_cut_at_a_word() {
        let long = "woord ".repeat(40);
        let id = identifier_from(&long);
        assert!(id.len() <= MAX_LENGTH && is_identifier(&id), "{id}");
        assert!(id.ends_with("woord"));
        let one_word = "a".repeat(200);
        assert_eq!(identifier_from(&one_word).len(), MAX_LENGTH);
    }

    #[test]
    fn a_taken_identifier_gets_the_first_free_number() {
        let taken = ["poll", "poll-2"];
        assert_eq!(
            unique_identifier("poll", |id| taken.contains(&id)),
            "poll-3"
        );
        assert_eq!(unique_identifier("vrij", |id| taken.contains(&id)), "vrij");
        let long = "a".repeat(MAX_LENGTH);
        let unique = unique_identifier(&long, |id| id == long);
        assert!(unique.len() <= MAX_LENGTH && unique.ends_with("-2"));
    }

    #[test]
    fn malformed_identifiers_are_refused() {
        for bad in [
            "",
            "Hoofd",
            "twee--streepjes",
            "-begin",
            "eind-",
            "spatie er",
            "é",
        ] {
            assert!(!is_identifier(bad), "{bad}");
        }
        assert!(!is_identifier(&"a".repeat(MAX_LENGTH + 1)));
        assert!(is_identifier("deepseek-2025"));
    }
}
