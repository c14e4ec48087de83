//! The vote as a browser's form sends it: the poll, the chosen answers, the idempotency key and
//! the card's language, read and checked before the server function sees it.

use axum::body::Bytes;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::{VOTE_KEY_FIELD, VOTE_LANGUAGE_FIELD};
use stembus_site::voter_cookie::VoterId;

/// The vote as a form sends it: one `poll`, one `choice` per chosen answer (checkboxes repeat
/// the field), at most one idempotency key (`VOTE_KEY_FIELD`) and at most one language
/// (`VOTE_LANGUAGE_FIELD`, Dutch without it). The server function takes the answers joined by
/// commas, which answer keys never hold; the key reaches it as `VoteKey`, the language as the
/// `Words` in its context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct VoteForm {
    pub(super) poll: String,
    pub(super) choices: Vec<String>,
    pub(super) key: Option<VoterId>,
    pub(super) language: Language,
}

impl VoteForm {
    /// Reads the form body; a missing or repeated `poll`, a repeated or malformed key or
    /// language, or any other field, is `InvalidInput`.
    pub(super) fn parse(body: &[u8]) -> Result<VoteForm, AppError> {
        let mut poll = None;
        let mut choices = Vec::new();
        let mut key = None;
        let mut language = None;
        for (name, value) in form_urlencoded::parse(body) {
            match name.as_ref() {
                "poll" if poll.is_none() => poll = Some(value.into_owned()),
                "choice" => choices.push(value.into_owned()),
                VOTE_KEY_FIELD if key.is_none() => {
                    key = Some(parse_key(&value).ok_or(AppError::InvalidInput)?);
                }
                VOTE_LANGUAGE_FIELD if language.is_none() => {
                    language = Some(Language::from_tag(&value).ok_or(AppError::InvalidInput)?);
                }
                _ => return Err(AppError::InvalidInput),
            }
        }
        let poll = poll.ok_or(AppError::InvalidInput)?;
        Ok(VoteForm {
            poll,
            choices,
            key,
            language: language.unwrap_or_default(),
        })
    }

    /// The body the server function decodes.
    pub(super) fn encode(&self) -> Bytes {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("poll", &self.poll)
            .append_pair("choice", &self.choices.join(","))
            .finish()
            .into()
    }
}

/// A vote's key: 32 lower-case hex digits, as a voter id is written, or a random UUID as the
/// browser's `crypto.randomUUID` writes them (the island sends it as it comes, which spares the
/// WASM a string edit); a UUID's version and variant digits are fixed, so it holds 122 random bits.
fn parse_key(text: &str) -> Option<VoterId> {
    let bytes = text.as_bytes();
    let uuid_shaped = bytes.len() == 36 && [8, 13, 18, 23].iter().all(|&dash| bytes[dash] == b'-');
    if uuid_shaped {
        VoterId::parse(&text.replace('-', ""))
    } else {
        VoterId::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_choices_are_joined_and_odd_fields_refused() {
        let form = VoteForm::parse(b"poll=p&choice=ja&choice=nee").unwrap();
        assert_eq!(form.choices, vec!["ja", "nee"]);
        assert_eq!(&form.encode()[..], b"poll=p&choice=ja%2Cnee");
        let none = VoteForm::parse(b"poll=p").unwrap();
        assert_eq!(&none.encode()[..], b"poll=p&choice=");
        for bad in [
            &b"poll=p&poll=q&choice=ja"[..],
            b"choice=ja",
            b"poll=p&choice=ja&extra=1",
            b"",
        ] {
            assert_eq!(VoteForm::parse(bad), Err(AppError::InvalidInput));
        }
    }

    #[test]
    fn a_vote_names_its_language_once_and_dutch_is_the_default() {
        let french = VoteForm::parse(b"poll=p&choice=ja&lang=fr-BE").unwrap();
        assert_eq!(french.language, Language::French);
        assert_eq!(
            &french.encode()[..],
            b"poll=p&choice=ja",
            "the language reaches the server function as its words, not as a field"
        );
        assert_eq!(
            VoteForm::parse(b"poll=p").unwrap().language,
            Language::Dutch
        );
        for bad in [&b"poll=p&lang=de-BE"[..], b"poll=p&lang=fr-BE&lang=fr-BE"] {
            assert_eq!(VoteForm::parse(bad), Err(AppError::InvalidInput));
        }
    }

    #[test]
    fn a_key_is_a_voter_ids_32_hex_digits_or_a_uuid_and_nothing_else() {
        let hex = "0123456789abcdef0123456789abcdef";
        assert_eq!(parse_key(hex).unwrap().as_str(), hex);
        let uuid = "01234567-89ab-4def-8123-456789abcdef";
        assert_eq!(
            parse_key(uuid).unwrap().as_str(),
            "0123456789ab4def8123456789abcdef"
        );
        for bad in [
            "",
            "0123456789ABCDEF0123456789ABCDEF",
            "01234567-89ab-4def-8123-456789abcde",
            "0123456789ab-4def-8123-456789abcdef0",
            "01234567-89ab-4def-8123-456789abcdeg",
            "--------------------------------",
        ] {
            assert_eq!(parse_key(bad), None, "{bad}");
        }
        let form = VoteForm::parse(format!("poll=p&choice=ja&key={uuid}").as_bytes()).unwrap();
        assert!(form.key.is_some());
    }
}
