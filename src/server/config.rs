//! The site's runtime settings: `Leptos.toml`, each key overridable by a `STEMBUS_*` variable.

use super::content::BadContent;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// The settings file read when `STEMBUS_CONFIG` names none.
pub const DEFAULT_CONFIG_FILE: &str = "Leptos.toml";

/// What an operator can change without rebuilding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The public address of the site, without a trailing slash.
    pub base_url: String,
    /// Where the SQLite database lives; created on first start.
    pub database_path: PathBuf,
    /// The folder with one content file per article.
    pub content_dir: PathBuf,
    /// Where to listen, when it should differ from cargo-leptos's `site-addr`.
    pub listen_address: Option<SocketAddr>,
    /// Whether a bad content file stops start-up or is left out.
    pub content_errors: BadContent,
    /// The reverse proxy in front of the site, whose `X-Forwarded-For` is believed; nobody else's is.
    pub trusted_proxy: Option<IpAddr>,
    /// How hard SQLite works to keep a commit through a power cut.
    pub durability: Durability,
    /// How many votes one client address may send in a burst.
    pub vote_burst: u32,
    /// How many votes per minute one client address may send once its burst is spent.
    pub votes_per_minute: u32,
}

/// SQLite's `synchronous` setting for the vote database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every commit is on disk before the vote is acknowledged, even through a power cut.
    Full,
    /// A power cut may lose the last commits (a crash of the process does not); only when an
    /// operator writes it in the settings file.
    Normal,
}

impl Durability {
    /// The value for `PRAGMA synchronous`.
    pub fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            base_url: "http://127.0.0.1:3000".to_string(),
            database_path: PathBuf::from("data/stembus.db"),
            content_dir: PathBuf::from("content"),
            listen_address: None,
            content_errors: BadContent::Stop,
            trusted_proxy: None,
            durability: Durability::Full,
            vote_burst: 60,
            votes_per_minute: 120,
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

/// The keys, in the order the README documents them.
const KEYS: [&str; 9] = [
    "base_url",
    "database_path",
    "content_dir",
    "listen_address",
    "content_errors",
    "trusted_proxy",
    "durability",
    "vote_burst",
    "votes_per_minute",
];

impl Settings {
    /// Reads the settings file (a missing one means defaults), then applies `STEMBUS_<KEY>`
    /// variables from `env`. Fails on an unknown key or a bad value, naming it.
    pub fn load(
        path: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Settings, ConfigError> {
        let origin = path.display().to_string();
        let mut settings = Settings::default();
        match std::fs::read_to_string(path) {
            Ok(text) => settings.apply_file(&origin, &text)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Read {
                    path: origin,
                    source,
                });
            }
        }
        for key in KEYS {
            let variable = format!("STEMBUS_{}", key.to_uppercase());
            if let Some(value) = env(&variable) {
                settings.set(&variable, key, &value)?;
            }
        }
        Ok(settings)
    }

    fn apply_file(&mut self, origin: &str, text: &str) -> Result<(), ConfigError> {
        let table: toml::Table =
            text.parse()
                .map_err(|error: toml::de::Error| ConfigError::Syntax {
                    path: origin.to_string(),
                    message: error.message().to_string(),
                })?;
        for (key, value) in &table {
            if !KEYS.contains(&key.as_str()) {
                return Err(ConfigError::UnknownKey {
                    origin: origin.to_string(),
                    key: key.clone(),
                    known: KEYS.join(", "),
                });
            }
            let text = match value {
                toml::Value::String(text) => text.clone(),
                toml::Value::Integer(number)
                    if matches!(key.as_str(), "vote_burst" | "votes_per_minute") =>
                {
                    number.to_string()
                }
                _ => return Err(bad_value(origin, key, "must be a string in quotes")),
            };
            self.set(origin, key, &text)?;
        }
        Ok(())
    }

    fn set(&mut self, origin: &str, key: &str, value: &str) -> Result<(), ConfigError> {
        match key {
            "base_url" => {
                self.base_url = parse_base_url(value).map_err(|p| bad_value(origin, key, p))?
            }
            "database_path" => {
                self.database_path = parse_path(value).map_err(|p| bad_value(origin, key, p))?
            }
            "content_dir" => {
                self.content_dir = parse_path(value).map_err(|p| bad_value(origin, key, p))?
            }
            "listen_address" => {
                let address = value.parse().map_err(|_| {
                    bad_value(
                        origin,
                        key,
                        "must be an address and port, like 127.0.0.1:3000",
                    )
                })?;
                self.listen_address = Some(address);
            }
            "content_errors" => {
                self.content_errors = match value {
                    "stop" => BadContent::Stop,
                    "skip" => BadContent::Skip,
                    _ => return Err(bad_value(origin, key, "must be \"stop\" or \"skip\"")),
                };
            }
            "trusted_proxy" => {
                let address = value.parse().map_err(|_| {
                    bad_value(
                        origin,
                        key,
                        "must be the proxy's IP address, like 127.0.0.1",
                    )
                })?;
                self.trusted_proxy = Some(address);
            }
            "durability" => {
                self.durability = match value {
                    "full" => Durability::Full,
                    // Weaker than FULL only when written down in the settings file, never by a
                    // stray environment variable.
                    "normal" if !origin.starts_with("STEMBUS_") => Durability::Normal,
                    "normal" => {
                        return Err(bad_value(
                            origin,
                            key,
                            "may only be weakened to \"normal\" in the settings file itself",
                        ));
                    }
                    _ => return Err(bad_value(origin, key, "must be \"full\" or \"normal\"")),
                };
            }
            "vote_burst" | "votes_per_minute" => {
                let number: u32 = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or_else(|| {
                        bad_value(origin, key, "must be a whole number from 1 to 1000000")
                    })?;
                if key == "vote_burst" {
                    self.vote_burst = number;
                } else {
                    self.votes_per_minute = number;
                }
            }
            _ => unreachable!("keys are checked against KEYS before they are set"),
        }
        Ok(())
    }

    /// Whether readers reach the site over HTTPS, so that cookies must be `Secure`.
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

fn bad_value(origin: &str, key: &str, problem: &str) -> ConfigError {
    ConfigError::BadValue {
        origin: origin.to_string(),
        key: key.to_string(),
        problem: problem.to_string(),
    }
}

fn parse_base_url(value: &str) -> Result<String, &'static str> {
    let trimmed = value.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if host.is_empty() || host.contains(char::is_whitespace) || host.contains(['?', '#']) {
        return Err("must be a plain address like https://nieuws.example.be");
    }
    Ok(trimmed.to_string())
}

fn parse_path(value: &str) -> Result<PathBuf, &'static str> {
    if value.trim().is_empty() {
        return Err("must not be empty");
    }
    Ok(PathBuf::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(file: Option<&str>, vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Leptos.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load(&path, |name| vars.get(name).cloned())
    }

    #[test]
    fn missing_file_means_defaults() {
        assert_eq!(load(None, &[]).unwrap(), Settings::default());
    }

    #[test]
    fn file_values_are_read() {
        let settings = load(
            Some(
                "base_url = \"https://nieuws.example.be/\"\ndatabase_path = \"/var/lib/stembus/votes.db\"\ncontent_dir = \"artikels\"\nlisten_address = \"0.0.0.0:8080\"\ncontent_errors = \"skip\"\ntrusted_proxy = \"10.0.0.1\"\ndurability = \"normal\"\nvote_burst = 5\nvotes_per_minute = 30\n",
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
    }

    #[test]
    fn environment_overrides_the_file() {
        let settings = load(
            Some("database_path = \"uit-bestand.db\"\n"),
            &[("STEMBUS_DATABASE_PATH", "uit-omgeving.db")],
        )
        .unwrap();
        assert_eq!(settings.database_path, PathBuf::from("uit-omgeving.db"));
    }

    #[test]
    fn unknown_key_is_refused_by_name() {
        let error = load(Some("databse_path = \"x.db\"\n"), &[]).unwrap_err();
        assert!(error.to_string().contains("`databse_path`"), "{error}");
    }

    #[test]
    fn bad_values_are_refused_by_key() {
        let cases = [
            ("base_url = \"ftp://x\"\n", "base_url"),
            ("base_url = \"https://\"\n", "base_url"),
            ("listen_address = \"localhost\"\n", "listen_address"),
            ("database_path = \"\"\n", "database_path"),
            ("content_dir = 3\n", "content_dir"),
            ("content_errors = \"negeer\"\n", "content_errors"),
            ("trusted_proxy = \"proxy.local\"\n", "trusted_proxy"),
            ("durability = \"off\"\n", "durability"),
            ("vote_burst = 0\n", "vote_burst"),
            ("votes_per_minute = \"veel\"\n", "votes_per_minute"),
        ];
        for (file, key) in cases {
            let error = load(Some(file), &[]).unwrap_err();
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
    }

    #[test]
    fn durability_is_only_weakened_in_the_file() {
        let error = load(None, &[("STEMBUS_DURABILITY", "normal")]).unwrap_err();
        assert!(error.to_string().contains("settings file"), "{error}");
        let settings = load(None, &[("STEMBUS_DURABILITY", "full")]).unwrap();
        assert_eq!(settings.durability, Durability::Full);
    }

    #[test]
    fn broken_toml_is_refused() {
        let error = load(Some("base_url = \n"), &[]).unwrap_err();
        assert!(matches!(error, ConfigError::Syntax { .. }), "{error}");
    }
}
