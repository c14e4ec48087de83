//! Editor accounts: names, password rules and argon2id hashes, and the `stembus editor` commands.
//!
//! Hashes are PHC strings from RustCrypto's `argon2` with its default parameters (argon2id,
//! 19 MiB, two passes), the OWASP recommendation; a stored hash carries its parameters, so raising
//! them later keeps old hashes valid. There is no default account and no password in any file.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::io::BufRead;
use stembus_store::Store;
use stembus_store::desk::{AuditAction, AuditEntry};

/// The shortest password an editor may choose.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer input is refused before hashing, so a sign-in cannot be made expensive on purpose.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest editor name.
pub const MAX_NAME_CHARS: usize = 40;

/// The name the audit log gives actions taken on the command line.
const COMMAND_LINE: &str = "(opdrachtregel)";

/// Whether `name` can be an editor's name: 2 to 40 lower-case letters, digits, `.`, `-` or `_`.
pub fn valid_name(name: &str) -> bool {
    (2..=MAX_NAME_CHARS).contains(&name.chars().count())
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

/// Why a password is refused, for the person typing it.
pub fn password_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(format!(
            "the password must be at least {MIN_PASSWORD_CHARS} characters long"
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Some(format!(
            "the password must be at most {MAX_PASSWORD_BYTES} bytes long"
        ));
    }
    None
}

/// The argon2id hash of `password` with a fresh random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| format!("no randomness for a salt: {error}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|error| error.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| error.to_string())
}

/// Whether `password` matches the PHC string `hash`; a hash that does not parse matches nothing.
/// Takes as long for a wrong password as for a right one.
pub fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// The first line of `input`, without its line end: how scripts hand a password over.
fn first_line(input: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|error| format!("cannot read the password from standard input: {error}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// `stembus editor add|list|remove|password`, on `store`; the password comes from `input`'s first
/// line. Returns what to print, or the error message.
pub async fn run_command(
    store: &Store,
    args: &[&str],
    input: &mut impl BufRead,
    now: i64,
) -> Result<String, String> {
    let audit = |action: AuditAction, name: &str| AuditEntry {
        at: now,
        editor: COMMAND_LINE.to_string(),
        action,
        poll_id: None,
        detail: format!("redacteur {name}"),
    };
    let unavailable = |_| "the database cannot be reached; nothing was changed".to_string();
    match args {
        ["list"] => {
            let editors = store.editors().await.map_err(unavailable)?;
            if editors.is_empty() {
                return Ok("no editors yet; add one with `stembus editor add NAME`".into());
            }
            Ok(editors
                .iter()
                .map(|editor| {
                    let since = stembus_poll::moment::Moment::brussels_from_unix(editor.created_at);
                    format!("{}\t(sinds {})", editor.name, since.long_nl_with_time())
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        ["add" | "password", name] => {
            if !valid_name(name) {
                return Err(format!(
                    "`{name}` is not an editor name: use 2 to {MAX_NAME_CHARS} lower-case letters, digits, `.`, `-` or `_`"
                ));
            }
            let password = first_line(input)?;
            if let Some(problem) = password_problem(&password) {
                return Err(format!("{problem}; nothing was changed"));
            }
            let hash = tokio::task::spawn_blocking(move || hash_password(&password))
                .await
                .map_err(|_| "hashing the password failed".to_string())??;
            // Each change is stored with its audit line in one transaction, or not at all.
            if args[0] == "add" {
                if !store
                    .add_editor(name, &hash, now, &audit(AuditAction::EditorAdded, name))
                    .await
                    .map_err(unavailable)?
                {
                    return Err(format!("there is an editor `{name}` already"));
                }
                Ok(format!("editor `{name}` added"))
            } else {
                if !store
                    .set_password(name, &hash, &audit(AuditAction::PasswordChanged, name))
                    .await
                    .map_err(unavailable)?
                {
                    return Err(format!("there is no editor `{name}`"));
                }
                Ok(format!(
                    "password of `{name}` changed; their sessions were ended"
                ))
            }
        }
        ["remove", name] => {
            if !store
                .remove_editor(name, &audit(AuditAction::EditorRemoved, name))
                .await
                .map_err(unavailable)?
            {
                return Err(format!("there is no editor `{name}`"));
            }
            Ok(format!(
                "editor `{name}` removed; their sessions were ended"
            ))
        }
        _ => Err(USAGE.to_string()),
    }
}

/// How the editor commands are used.
pub const USAGE: &str = "usage: stembus editor add NAME       add an editor; the password is the first line of standard input
       stembus editor list           list the editors
       stembus editor remove NAME    remove an editor and end their sessions
       stembus editor password NAME  set a new password (first line of standard input)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_own_password_only() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
    }

    #[test]
    fn names_and_passwords_follow_the_rules() {
        assert!(valid_name("an.de-smet_2"));
        for bad in ["a", "An", "an de", "ann@x", "", &"a".repeat(41)] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert!(password_problem("elf tekens!").is_some());
        assert!(password_problem("twaalf tekens").is_none());
        assert!(password_problem(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_some());
    }

    #[test]
    fn the_password_is_the_first_line_without_its_line_end() {
        let mut input = std::io::Cursor::new("geheim wachtwoord\r\ntweede regel\n");
        assert_eq!(first_line(&mut input).unwrap(), "geheim wachtwoord");
    }
}
