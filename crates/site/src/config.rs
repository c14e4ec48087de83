//! The site's runtime settings: `Leptos.toml`, each key overridable by a `STEMBUS_*` variable.
//!
//! figment layers the defaults, the file and the environment, and serde checks every value with
//! `deny_unknown_fields`; what is ours is the wording of the messages (each names the file or the
//! variable and the key) and one rule serde cannot express: durability may be weakened only in the
//! file itself, never by a stray environment variable.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use stembus_content::BadContent;
use stembus_store_sqlite::Durability;

/// The settings file read when `STEMBUS_CONFIG` names none.
pub const DEFAULT_CONFIG_FILE: &str = "Leptos.toml";

/// The prefix of the variables that override a key: `STEMBUS_<KEY IN CAPITALS>`.
const ENV_PREFIX: &str = "STEMBUS_";

/// The keys, in the order the README's configuration table lists them.
const KEYS: [&str; 16] = [
    "base_url",
    "database_url",
    "database_path",
    "content_dir",
    "listen_address",
    "desk_listen_address",
    "content_errors",
    "trusted_proxy",
    "durability",
    "vote_burst",
    "votes_per_minute",
    "log_format",
    "metrics_allow",
    "embed_origins",
    "live_streams_max",
    "voter_retention_days",
];

/// What an operator can change without rebuilding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The public address of the site, without a trailing slash.
    #[serde(deserialize_with = "base_url")]
    pub base_url: String,
    /// Which database holds the votes: `sqlite:PATH` or a PostgreSQL URL. Unset: SQLite at
    /// `database_path`. Never logged as it is: it may hold a password (see `Database::describe`).
    #[serde(deserialize_with = "database_url", skip_serializing)]
    pub database_url: Option<Database>,
    /// Where the SQLite database lives when `database_url` is unset; created on first start.
    #[serde(deserialize_with = "non_empty_path")]
    pub database_path: PathBuf,
    /// The folder with one content file per article.
    #[serde(deserialize_with = "non_empty_path")]
    pub content_dir: PathBuf,
    /// Where to listen, when it should differ from cargo-leptos's `site-addr`.
    #[serde(deserialize_with = "listen_address")]
    pub listen_address: Option<SocketAddr>,
    /// A second address for the desk's class alone (the editors' desk, the health checks, the
    /// metrics), served on a thread and a runtime of its own, so that readers filling the node
    /// cannot keep a health check or an editor waiting. Unset: none; the desk is on
    /// `listen_address` either way.
    #[serde(deserialize_with = "listen_address")]
    pub desk_listen_address: Option<SocketAddr>,
    /// Whether a bad content file stops start-up or is left out.
    pub content_errors: BadContent,
    /// The reverse proxy in front of the site, whose `X-Forwarded-For` is believed; nobody else's is.
    #[serde(deserialize_with = "trusted_proxy")]
    pub trusted_proxy: Option<IpAddr>,
    /// How hard SQLite works to keep a commit through a power cut.
    pub durability: Durability,
    /// How many votes one client address may send in a burst.
    #[serde(deserialize_with = "rate")]
    pub vote_burst: u32,
    /// How many votes per minute one client address may send once its burst is spent.
    #[serde(deserialize_with = "rate")]
    pub votes_per_minute: u32,
    /// How log lines are written: for people, or one JSON object a line for a log collector.
    pub log_format: LogFormat,
    /// The addresses that may read `/metrics`.
    #[serde(deserialize_with = "address_list")]
    pub metrics_allow: Vec<IpAddr>,
    /// The origins (`https://www.example.be`) whose pages may show `/embed/{poll}` in a frame.
    #[serde(deserialize_with = "origin_list")]
    pub embed_origins: Vec<String>,
    /// The most live-result streams one node keeps open at once; beyond it a stream gets a 503.
    /// Unset: derived from the process's limit on open files (`open_files::stream_capacity`).
    #[serde(deserialize_with = "stream_limit")]
    pub live_streams_max: Option<u32>,
    /// How many days after a poll closes its ballots lose their voter ids (the ballots stay).
    #[serde(deserialize_with = "retention_days")]
    pub voter_retention_days: u32,
}

/// The form of the log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (the default).
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// The database engine and where it is.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded default: one file, one machine.
    Sqlite(PathBuf),
    /// A PostgreSQL server (or a list of them, `host1:5432,host2:5432`), by its libpq-style URL.
    Postgres(String),
}

impl Database {
    /// Where the votes are, for logs and messages: never the URL's user or password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("SQLite {}", path.display()),
            Database::Postgres(url) => {
                format!("PostgreSQL {}", stembus_store_postgres::describe_url(url))
            }
        }
    }
}

/// The URL may hold a password: even a debug print shows only where the database is.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: "http://127.0.0.1:3000".to_string(),
            database_url: None,
            database_path: PathBuf::from("data/stembus.db"),
            content_dir: PathBuf::from("content"),
            listen_address: None,
            desk_listen_address: None,
            content_errors: BadContent::Stop,
            trusted_proxy: None,
            durability: Durability::Full,
            vote_burst: 60,
            votes_per_minute: 120,
            log_format: LogFormat::Text,
            metrics_allow: vec![
                IpAddr::from([127, 0, 0, 1]),
                IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ],
            embed_origins: Vec::new(),
            live_streams_max: None,
            voter_retention_days: 30,
        }
    }
}

/// Why the settings could not be read; every message names the file or variable and the key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the settings file STEMBUS_CONFIG names does not exist: {path}")]
    Missing { path: String },
    #[error("{path} is not valid TOML: {message}")]
    Syntax { path: String, message: String },
    #[error("{origin}: unknown key `{key}` (known keys: {known})")]
    UnknownKey {
        origin: String,
        key: String,
        known: String,
    },
    #[error("{origin}: key `{key}` {problem}")]
    BadValue {
        origin: String,
        key: String,
        problem: String,
    },
}

impl Settings {
    /// Reads the settings file an operator named (`STEMBUS_CONFIG`), which must exist: a path
    /// with a typo would otherwise start the site on the defaults, with a new empty database.
    pub fn load_named(path: &Path) -> Result<Settings, ConfigError> {
        if !path.exists() {
            return Err(ConfigError::Missing {
                path: path.display().to_string(),
            });
        }
        Settings::load(path)
    }

    /// Reads the settings file at `path` (a missing one means defaults), then applies the
    /// `STEMBUS_<KEY>` variables of the environment. Fails on an unknown key or a bad value,
    /// naming it and where it came from.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let origin = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: origin,
                    source,
                });
            }
        };
        // Checked apart so that a syntax error reads as one, not as a bad key.
        if let Err(error) = text.parse::<toml::Table>() {
            return Err(ConfigError::Syntax {
                path: origin,
                message: error.message().to_string(),
            });
        }
        let environment = Env::prefixed(ENV_PREFIX).only(&KEYS);
        if let Some((_, value)) = environment
            .iter()
            .find(|(key, _)| key.as_str().eq_ignore_ascii_case("durability"))
            && value.trim() != "full"
        {
            let variable = format!("{ENV_PREFIX}DURABILITY");
            let problem = if value.trim() == "normal" {
                "may only be weakened to \"normal\" in the settings file itself"
            } else {
                "must be \"full\" (\"normal\" only in the settings file)"
            };
            return Err(bad_value(&variable, "durability", problem));
        }
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::string(&text))
            .merge(environment)
            .extract()
            .map_err(|error| describe(error, &origin))
    }

    /// The database the votes go to: `database_url`, else SQLite at `database_path`.
    pub fn database(&self) -> Database {
        self.database_url
            .clone()
            .unwrap_or_else(|| Database::Sqlite(self.database_path.clone()))
    }

    /// Whether readers reach the site over HTTPS, so that cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// The first of figment's errors, in our words: where the value came from (the file, or the exact
/// variable) and which key.
fn describe(error: figment::Error, file: &str) -> ConfigError {
    let error = error
        .into_iter()
        .next()
        .expect("an error holds at least itself");
    let from_environment = error
        .metadata
        .as_ref()
        .is_some_and(|metadata| metadata.name.contains("environment"));
    let origin = if from_environment {
        format!("{ENV_PREFIX}{}", error.path.join("_").to_uppercase())
    } else {
        file.to_string()
    };
    match &error.kind {
        figment::error::Kind::UnknownField(key, _) => ConfigError::UnknownKey {
            origin,
            key: key.clone(),
            known: KEYS.join(", "),
        },
        figment::error::Kind::Message(problem) => ConfigError::BadValue {
            origin,
            key: error.path.join("."),
            problem: problem.clone(),
        },
        kind => ConfigError::BadValue {
            origin,
            key: error.path.join("."),
            problem: format!("has the wrong kind of value ({kind})"),
        },
    }
}

fn bad_value(origin: &str, key: &str, problem: &str) -> ConfigError {
    ConfigError::BadValue {
        origin: origin.to_string(),
        key: key.to_string(),
        problem: problem.to_string(),
    }
}

/// A string value, or nothing (a key left unset); `problem` is the message for any other kind.
fn optional_text<'de, D: Deserializer<'de>>(
    deserializer: D,
    problem: &str,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    match Option::<Text>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Text::Text(text)) => Ok(Some(text)),
        Some(Text::Other(_)) => Err(serde::de::Error::custom(problem)),
    }
}

/// A string value; `problem` is the message for any other kind.
fn text<'de, D: Deserializer<'de>>(deserializer: D, problem: &str) -> Result<String, D::Error> {
    optional_text(deserializer, problem)?.ok_or_else(|| serde::de::Error::custom(problem))
}

fn base_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = text(deserializer, "must be a string in quotes")?;
    let trimmed = value.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or_else(|| serde::de::Error::custom("must start with http:// or https://"))?;
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains(['?', '#']) {
        return Err(serde::de::Error::custom(
            "must be a plain address like https://nieuws.example.be",
        ));
    }
    Ok(trimmed.to_string())
}

fn database_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Database>, D::Error> {
    let problem = "must be sqlite:PATH or postgres://user:password@host:port/database";
    let Some(value) = optional_text(deserializer, problem)? else {
        return Ok(None);
    };
    if let Some(path) = value.strip_prefix("sqlite:") {
        let path = path.strip_prefix("//").unwrap_or(path);
        if path.trim().is_empty() {
            return Err(serde::de::Error::custom(
                "names no SQLite file after sqlite:",
            ));
        }
        return Ok(Some(Database::Sqlite(PathBuf::from(path))));
    }
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        // The message never repeats the value: it may hold a password.
        return match value.parse::<tokio_postgres::Config>() {
            Ok(config) if !config.get_hosts().is_empty() => Ok(Some(Database::Postgres(value))),
            Ok(_) => Err(serde::de::Error::custom(
                "is a PostgreSQL URL without a host",
            )),
            Err(_) => Err(serde::de::Error::custom(
                "is not a valid PostgreSQL URL (postgres://user:password@host:port/database)",
            )),
        };
    }
    Err(serde::de::Error::custom(problem))
}

fn non_empty_path<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
    let value = text(deserializer, "must be a string in quotes")?;
    if value.trim().is_empty() {
        return Err(serde::de::Error::custom("must not be empty"));
    }
    Ok(PathBuf::from(value))
}

fn listen_address<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SocketAddr>, D::Error> {
    let problem = "must be an address and port, like 127.0.0.1:3000";
    optional_text(deserializer, problem)?
        .map(|value| value.parse().map_err(|_| serde::de::Error::custom(problem)))
        .transpose()
}

fn trusted_proxy<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<IpAddr>, D::Error> {
    let problem = "must be the proxy's IP address, like 127.0.0.1";
    optional_text(deserializer, problem)?
        .map(|value| value.parse().map_err(|_| serde::de::Error::custom(problem)))
        .transpose()
}

/// A list of strings as the file writes it (`["a", "b"]`) or a variable does (`a, b`), without
/// empty items; `problem` is the message for anything else.
fn text_list<'de, D: Deserializer<'de>>(
    deserializer: D,
    problem: &str,
) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List {
        One(String),
        Many(Vec<String>),
    }
    let items =
        match List::deserialize(deserializer).map_err(|_| serde::de::Error::custom(problem))? {
            List::One(text) => text
                .split(',')
                .map(|item| item.trim().to_string())
                .collect(),
            List::Many(items) => items,
        };
    Ok(items.into_iter().filter(|item| !item.is_empty()).collect())
}

/// Addresses as a TOML array of strings, or one string with commas (as a variable holds them).
fn address_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<IpAddr>, D::Error> {
    let problem = "must be IP addresses, like [\"127.0.0.1\", \"::1\"]";
    text_list(deserializer, problem)?
        .iter()
        .map(|item| item.parse().map_err(|_| serde::de::Error::custom(problem)))
        .collect()
}

/// Origins as a browser writes them: `scheme://host[:port]`, nothing after.
fn origin_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let problem = "must be origins, like [\"https://www.example.be\"] (scheme and host, no path)";
    text_list(deserializer, problem)?
        .into_iter()
        .map(|item| {
            let host = item
                .strip_prefix("https://")
                .or_else(|| item.strip_prefix("http://"))
                .filter(|host| {
                    !host.is_empty()
                        && host.bytes().all(|b| {
                            b.is_ascii_alphanumeric()
                                || matches!(b, b'.' | b'-' | b':' | b'[' | b']')
                        })
                });
            host.map(|_| item.clone())
                .ok_or_else(|| serde::de::Error::custom(problem))
        })
        .collect()
}

fn stream_limit<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let problem = "must be a whole number from 0 to 1000000 (0: no live results)";
    // Unset (the default's `None`): derived from the limit on open files at start-up.
    let Some(value) =
        Option::<u64>::deserialize(deserializer).map_err(|_| serde::de::Error::custom(problem))?
    else {
        return Ok(None);
    };
    u32::try_from(value)
        .ok()
        .filter(|n| *n <= 1_000_000)
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom(problem))
}

fn retention_days<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let problem = "must be a whole number of days from 0 to 3650 (0: as soon as a poll closes)";
    let value = u64::deserialize(deserializer).map_err(|_| serde::de::Error::custom(problem))?;
    u32::try_from(value)
        .ok()
        .filter(|n| *n <= 3650)
        .ok_or_else(|| serde::de::Error::custom(problem))
}

fn rate<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let problem = "must be a whole number from 1 to 1000000";
    let value = u64::deserialize(deserializer).map_err(|_| serde::de::Error::custom(problem))?;
    u32::try_from(value)
        .ok()
        .filter(|n| (1..=1_000_000).contains(n))
        .ok_or_else(|| serde::de::Error::custom(problem))
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Jail;

    /// Loads `file` (when given) as `Leptos.toml` with only the variables `vars` set.
    fn load(file: Option<&str>, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let mut outcome = None;
        // figment's own error type is large; the closure's signature is figment's, not ours.
        #[allow(clippy::result_large_err)]
        Jail::expect_with(|jail| {
            jail.clear_env();
            if let Some(text) = file {
                jail.create_file("Leptos.toml", text)?;
            }
            for (name, value) in vars {
                jail.set_env(name, value);
            }
            outcome = Some(Settings::load(Path::new("Leptos.toml")));
            Ok(())
        });
        outcome.expect("the jail ran")
    }

    #[test]
    fn a_named_file_that_is_missing_stops_with_its_path() {
        let error = Settings::load_named(Path::new("/etc/stembus/Leptos.tmol")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the settings file STEMBUS_CONFIG names does not exist: /etc/stembus/Leptos.tmol"
        );
    }

    #[test]
    fn missing_file_means_defaults() {
        assert_eq!(load(None, &[]).unwrap(), Settings::default());
    }

    #[test]
    fn file_values_are_read() {
        let settings = load(
            Some(
                "base_url = \"https://nieuws.example.be/\"\ndatabase_path = \"/var/lib/stembus/votes.db\"\ncontent_dir = \"artikels\"\nlisten_address = \"0.0.0.0:8080\"\ncontent_errors = \"skip\"\ntrusted_proxy = \"10.0.0.1\"\ndurability = \"normal\"\nvote_burst = 5\nvotes_per_minute = 30\nlog_format = \"json\"\n",
            ),
            &[],
        )
        .unwrap();
        assert_eq!(settings.base_url, "https://nieuws.example.be");
        assert!(settings.is_https());
        assert_eq!(
            settings.database_path,
            PathBuf::from("/var/lib/stembus/votes.db")
        );
        assert_eq!(settings.content_dir, PathBuf::from("artikels"));
        assert_eq!(
            settings.listen_address,
            Some("0.0.0.0:8080".parse().unwrap())
        );
        assert_eq!(settings.content_errors, BadContent::Skip);
        assert_eq!(settings.trusted_proxy, Some("10.0.0.1".parse().unwrap()));
        assert_eq!(settings.durability, Durability::Normal);
        assert_eq!(settings.vote_burst, 5);
        assert_eq!(settings.votes_per_minute, 30);
        assert_eq!(settings.log_format, LogFormat::Json);
        let allowed = load(Some("metrics_allow = [\"10.1.2.3\", \"::1\"]\n"), &[]).unwrap();
        assert_eq!(
            allowed.metrics_allow,
            vec![
                "10.1.2.3".parse::<IpAddr>().unwrap(),
                "::1".parse::<IpAddr>().unwrap()
            ]
        );
        let from_env = load(None, &[("STEMBUS_METRICS_ALLOW", "10.0.0.9, 10.0.0.10")]).unwrap();
        assert_eq!(from_env.metrics_allow.len(), 2);
    }

    #[test]
    fn embed_origins_and_the_stream_limit_are_read_and_checked() {
        let settings = load(
            Some("embed_origins = [\"https://www.example.be\", \"http://127.0.0.1:4000\"]\nlive_streams_max = 50\n"),
            &[],
        )
        .unwrap();
        assert_eq!(
            settings.embed_origins,
            vec!["https://www.example.be", "http://127.0.0.1:4000"]
        );
        assert_eq!(settings.live_streams_max, Some(50));
        let from_env = load(
            None,
            &[(
                "STEMBUS_EMBED_ORIGINS",
                "https://a.example, https://b.example",
            )],
        )
        .unwrap();
        assert_eq!(from_env.embed_origins.len(), 2);
        for bad in [
            "embed_origins = [\"www.example.be\"]",
            "embed_origins = [\"https://www.example.be/pagina\"]",
            "embed_origins = [\"https://a.example; script-src *\"]",
            "live_streams_max = -1",
        ] {
            let error = load(Some(bad), &[]).unwrap_err().to_string();
            assert!(error.contains("Leptos.toml: key `"), "{bad}: {error}");
        }
    }

    #[test]
    fn voter_retention_is_thirty_days_unless_set_and_checked() {
        assert_eq!(load(None, &[]).unwrap().voter_retention_days, 30);
        let from_file = load(Some("voter_retention_days = 7\n"), &[]).unwrap();
        assert_eq!(from_file.voter_retention_days, 7);
        let from_env = load(None, &[("STEMBUS_VOTER_RETENTION_DAYS", "90")]).unwrap();
        assert_eq!(from_env.voter_retention_days, 90);
        for bad in ["voter_retention_days = -1", "voter_retention_days = 5000"] {
            let error = load(Some(bad), &[]).unwrap_err().to_string();
            assert!(error.contains("voter_retention_days"), "{bad}: {error}");
        }
    }

    #[test]
    fn environment_overrides_the_file() {
        let settings = load(
            Some("database_path = \"uit-bestand.db\"\nvote_burst = 5\n"),
            &[
                ("STEMBUS_DATABASE_PATH", "uit-omgeving.db"),
                ("STEMBUS_VOTE_BURST", "7"),
                ("STEMBUS_LISTEN_ADDRESS", "127.0.0.1:3107"),
                ("STEMBUS_DESK_LISTEN_ADDRESS", "127.0.0.1:3117"),
                ("STEMBUS_BASE_URL", "http://127.0.0.1:3107"),
            ],
        )
        .unwrap();
        assert_eq!(
            settings.desk_listen_address,
            Some("127.0.0.1:3117".parse().unwrap())
        );
        assert_eq!(settings.database_path, PathBuf::from("uit-omgeving.db"));
        assert_eq!(settings.vote_burst, 7);
        assert_eq!(
            settings.listen_address,
            Some("127.0.0.1:3107".parse().unwrap())
        );
        assert_eq!(settings.base_url, "http://127.0.0.1:3107");
    }

    #[test]
    fn other_stembus_variables_are_not_settings() {
        // The test scripts and `STEMBUS_CONFIG` itself share the prefix; they are no unknown keys.
        let settings = load(
            None,
            &[
                ("STEMBUS_CONFIG", "elders.toml"),
                ("STEMBUS_E2E_URL", "http://127.0.0.1:3107"),
            ],
        )
        .unwrap();
        assert_eq!(settings, Settings::default());
    }

    #[test]
    fn unknown_key_is_refused_by_name() {
        let error = load(Some("databse_path = \"x.db\"\n"), &[]).unwrap_err();
        assert!(matches!(error, ConfigError::UnknownKey { .. }), "{error:?}");
        assert!(error.to_string().contains("`databse_path`"), "{error}");
        assert!(error.to_string().starts_with("Leptos.toml"), "{error}");
    }

    #[test]
    fn bad_values_are_refused_by_key() {
        let cases = [
            ("base_url = \"ftp://x\"\n", "base_url"),
            ("base_url = \"https://\"\n", "base_url"),
            ("listen_address = \"localhost\"\n", "listen_address"),
            ("desk_listen_address = \"3117\"\n", "desk_listen_address"),
            ("database_path = \"\"\n", "database_path"),
            ("content_dir = 3\n", "content_dir"),
            ("content_errors = \"negeer\"\n", "content_errors"),
            ("trusted_proxy = \"proxy.local\"\n", "trusted_proxy"),
            ("durability = \"off\"\n", "durability"),
            ("vote_burst = 0\n", "vote_burst"),
            ("votes_per_minute = \"veel\"\n", "votes_per_minute"),
            ("votes_per_minute = 5000000\n", "votes_per_minute"),
            ("log_format = \"xml\"\n", "log_format"),
            ("metrics_allow = [\"prometheus.local\"]\n", "metrics_allow"),
        ];
        for (file, key) in cases {
            let error = load(Some(file), &[]).unwrap_err();
            assert!(
                matches!(&error, ConfigError::BadValue { key: named, .. } if named == key),
                "{file}: {error:?}"
            );
            assert!(
                error.to_string().contains(&format!("`{key}`")),
                "{file}: {error}"
            );
        }
    }

    #[test]
    fn bad_environment_value_names_the_variable() {
        let error = load(None, &[("STEMBUS_LISTEN_ADDRESS", "nergens")]).unwrap_err();
        assert!(
            error.to_string().contains("STEMBUS_LISTEN_ADDRESS"),
            "{error}"
        );
        assert!(error.to_string().contains("`listen_address`"), "{error}");
    }

    #[test]
    fn durability_is_only_weakened_in_the_file() {
        let error = load(None, &[("STEMBUS_DURABILITY", "normal")]).unwrap_err();
        assert!(error.to_string().contains("settings file"), "{error}");
        assert!(error.to_string().contains("STEMBUS_DURABILITY"), "{error}");
        let error = load(
            Some("durability = \"normal\"\n"),
            &[("STEMBUS_DURABILITY", "normal")],
        )
        .unwrap_err();
        assert!(error.to_string().contains("settings file"), "{error}");
        let settings = load(None, &[("STEMBUS_DURABILITY", "full")]).unwrap();
        assert_eq!(settings.durability, Durability::Full);
        let settings = load(
            Some("durability = \"normal\"\n"),
            &[("STEMBUS_DURABILITY", "full")],
        )
        .unwrap();
        assert_eq!(
            settings.durability,
            Durability::Full,
            "the environment may make it stronger"
        );
    }

    #[test]
    fn the_database_is_sqlite_at_database_path_unless_a_url_names_one() {
        let plain = load(Some("database_path = \"stemmen.db\"\n"), &[]).unwrap();
        assert_eq!(plain.database(), Database::Sqlite("stemmen.db".into()));
        let sqlite = load(Some("database_url = \"sqlite:data/ander.db\"\n"), &[]).unwrap();
        assert_eq!(sqlite.database(), Database::Sqlite("data/ander.db".into()));
        let url =
            "postgres://stembus:geheim@db1:5432,db2:5432/stembus?target_session_attrs=read-write";
        let postgres = load(None, &[("STEMBUS_DATABASE_URL", url)]).unwrap();
        assert_eq!(postgres.database(), Database::Postgres(url.into()));
        let shown = format!("{:?} {}", postgres, postgres.database().describe());
        assert!(shown.contains("db1:5432,db2:5432/stembus"), "{shown}");
        assert!(!shown.contains("geheim"), "never the password: {shown}");
    }

    #[test]
    fn a_bad_database_url_names_the_key_and_never_the_password() {
        // Each from the file, so each message must start by naming the file.
        for url in [
            "mysql://root:geheim@db/stembus",
            "postgres://stembus:geheim@db:notaport/stembus",
            "sqlite:",
        ] {
            let error = load(Some(&format!("database_url = \"{url}\"\n")), &[]).unwrap_err();
            let message = error.to_string();
            assert!(message.contains("`database_url`"), "{message}");
            assert!(message.starts_with("Leptos.toml"), "{message}");
            assert!(!message.contains("geheim"), "{message}");
        }
        let error = load(
            None,
            &[("STEMBUS_DATABASE_URL", "postgres://stembus:geheim@db:x/y")],
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("STEMBUS_DATABASE_URL"),
            "{error}"
        );
        assert!(!error.to_string().contains("geheim"), "{error}");
    }

    #[test]
    fn broken_toml_is_refused() {
        let error = load(Some("base_url = \n"), &[]).unwrap_err();
        assert!(matches!(error, ConfigError::Syntax { .. }), "{error}");
    }
}
