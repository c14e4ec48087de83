//! The one error type shared by pages and server functions: what a reader can act on, never why.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Everything that can go wrong for a reader. Variants carry no internal detail: causes are logged
/// where they happen (on the server) and the client only ever sees the message, in its language
/// (`error-…` in the message files of `stembus-messages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The page or article does not exist.
    #[error("not found")]
    NotFound,
    /// The vote names a poll that does not exist.
    #[error("unknown poll")]
    UnknownPoll,
    /// The vote names an answer that is not part of the poll.
    #[error("invalid choice")]
    InvalidChoice,
    /// The vote holds more answers than the poll allows.
    #[error("too many choices")]
    TooManyChoices,
    /// The poll is not open (yet, or any more).
    #[error("poll closed")]
    PollClosed,
    /// The poll was made in the desk and archived: off the site, its ballots kept.
    #[error("poll archived")]
    PollArchived,
    /// A field is missing, repeated or malformed.
    #[error("invalid input")]
    InvalidInput,
    /// The request body is larger than a vote can be.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A vote sent from another site.
    #[error("cross-site request")]
    CrossSite,
    /// Too many votes from one client in a short time.
    #[error("too many requests")]
    TooManyRequests,
    /// The store cannot take the vote right now; it was not acknowledged (see `StoreError`).
    #[error("unavailable")]
    Unavailable,
    /// The node is full and refused the vote before it reached the store (see the site's
    /// `admission`): nothing was stored, and the same vote sent again in a moment will be taken.
    #[error("busy")]
    Busy,
    /// A fault on our side; the cause was logged.
    #[error("internal error")]
    Internal,
    /// A vote from the embedded poll in a browser that kept no voter cookie there: counting it
    /// would let the reader vote again with every page load.
    #[error("cookies blocked")]
    CookiesBlocked,
    /// A desk page or action without a live session.
    #[error("not signed in")]
    NotSignedIn,
    /// A sign-in with an unknown name or a wrong password (the same answer for both).
    #[error("sign-in refused")]
    SignInRefused,
    /// Too many failed sign-ins for this name or from this connection.
    #[error("too many sign-ins")]
    TooManySignIns,
    /// A desk form without this session's token: sent from elsewhere, or from an old page.
    #[error("form expired")]
    FormExpired,
    /// A desk form sent from another site.
    #[error("foreign form")]
    ForeignForm,
    /// A form whose body did not arrive within the time it is given (a connection too slow, or
    /// one holding a place on purpose).
    #[error("form too slow")]
    FormTooSlow,
    /// A desk form field is missing or not what the field takes.
    #[error("invalid field")]
    InvalidField,
}

impl AppError {
    /// Every error. A new variant belongs here too; a test holds this list to the enum.
    pub const ALL: [AppError; 21] = [
        AppError::NotFound,
        AppError::UnknownPoll,
        AppError::InvalidChoice,
        AppError::TooManyChoices,
        AppError::PollClosed,
        AppError::PollArchived,
        AppError::InvalidInput,
        AppError::PayloadTooLarge,
        AppError::CrossSite,
        AppError::TooManyRequests,
        AppError::Unavailable,
        AppError::Busy,
        AppError::Internal,
        AppError::CookiesBlocked,
        AppError::NotSignedIn,
        AppError::SignInRefused,
        AppError::TooManySignIns,
        AppError::FormExpired,
        AppError::ForeignForm,
        AppError::FormTooSlow,
        AppError::InvalidField,
    ];

    /// The error named `name` as the server-function encoding names it (the variant: `InvalidChoice`),
    /// or none. The poll island decodes its errors with this rather than with serde: serde's decoder
    /// for this enum weighed 0.7 KB of the island's WASM (brotli).
    pub fn from_name(name: &str) -> Option<AppError> {
        AppError::ALL
            .into_iter()
            .find(|error| format!("{error:?}") == name)
    }

    /// The HTTP status code that goes with the error.
    pub fn status_code(self) -> u16 {
        match self {
            AppError::NotFound | AppError::UnknownPoll => 404,
            AppError::PollArchived => 410,
            AppError::InvalidChoice | AppError::TooManyChoices | AppError::InvalidInput => 400,
            AppError::PollClosed
            | AppError::CrossSite
            | AppError::FormExpired
            | AppError::ForeignForm
            | AppError::CookiesBlocked => 403,
            AppError::NotSignedIn | AppError::SignInRefused => 401,
            AppError::InvalidField => 400,
            AppError::TooManyRequests | AppError::TooManySignIns => 429,
            AppError::FormTooSlow => 408,
            AppError::PayloadTooLarge => 413,
            AppError::Unavailable | AppError::Busy => 503,
            AppError::Internal => 500,
        }
    }

    /// Whether the same request sent again a little later may well be taken: the refusal said
    /// nothing about the vote itself (the island tries again after these, with a pause).
    pub fn is_worth_retrying(self) -> bool {
        matches!(self, AppError::Unavailable | AppError::Busy)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request did not decode into the server function's arguments.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::InvalidInput,
            // Anything else is transport trouble (seen in the browser) or a fault we cannot name.
            _ => AppError::Unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_a_client_or_server_status() {
        for error in AppError::ALL {
            assert!((400..600).contains(&error.status_code()), "{error:?}");
        }
    }

    #[test]
    fn error_survives_the_trip_through_the_server_function_encoding() {
        let bytes = AppError::InvalidChoice.ser();
        assert_eq!(AppError::de(bytes), AppError::InvalidChoice);
    }

    #[test]
    fn all_holds_every_variant_once_and_each_is_found_by_its_encoded_name() {
        // serde names every variant it knows when it meets one it does not: "unknown variant
        // `Nothing`, expected one of `NotFound`, `UnknownPoll`, …".
        let refusal = serde_json::from_str::<AppError>("\"Nothing\"")
            .unwrap_err()
            .to_string();
        let known = refusal.matches('`').count() / 2 - 1;
        let names: std::collections::HashSet<String> = AppError::ALL
            .iter()
            .map(|error| serde_json::to_string(error).unwrap())
            .collect();
        assert_eq!(names.len(), known, "{refusal}");
        assert_eq!(AppError::ALL.len(), known, "{refusal}");
        for error in AppError::ALL {
            let name = serde_json::to_string(&error).unwrap();
            assert_eq!(AppError::from_name(name.trim_matches('"')), Some(error));
        }
        assert_eq!(AppError::from_name("Nothing"), None);
    }

    #[test]
    fn garbage_from_the_wire_decodes_as_unavailable_not_as_a_panic() {
        let decoded = AppError::de("<html>proxy error</html>".into());
        assert_eq!(decoded, AppError::Unavailable);
    }
}
