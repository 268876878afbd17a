//! [`Settings`]: the analysis settings an index file keeps in its header.

use std::path::Path;

use super::log::Log;
use crate::config::{Config, NORMALIZE_VERSION};
use crate::detect::{PASSAGE_BANDS, PASSAGE_ROWS};
use crate::error::{Error, Result, StoreProblem};

/// The settings that decide how documents are analysed and banded: an index file keeps the
/// ones it was built with in its header, and can only be opened with the same (its tables
/// are rebuilt by them). The other [`Config`] fields (verdict thresholds, the window) may
/// change from one run to the next.
///
/// # Example
///
/// Open an index with the settings it was built with, whatever the defaults are now:
///
/// ```
/// use neardup::store::Settings;
/// use neardup::{Config, Store};
///
/// let dir = std::env::temp_dir().join(format!("neardup-settings-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("news.ndx");
/// # let _ = std::fs::remove_file(&path);
/// drop(Store::create(&path, Config::default().threshold(0.6))?);
///
/// let stored = Settings::read(&path)?;
/// assert_eq!(stored.threshold, 0.6);
/// let store = Store::open(&path, stored.apply(Config::default()))?;
/// assert_eq!(store.config().threshold, 0.6);
/// # drop(store); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), neardup::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// [`Config::shingle_size`].
    pub shingle_size: usize,
    /// [`Config::num_hashes`].
    pub num_hashes: usize,
    /// [`Config::seed`].
    pub seed: u64,
    /// [`Config::threshold`].
    pub threshold: f64,
    /// [`Config::false_negative_weight`].
    pub false_negative_weight: f64,
}

impl Settings {
    /// The settings of `config`.
    pub fn of(config: &Config) -> Settings {
        Settings {
            shingle_size: config.shingle_size,
            num_hashes: config.num_hashes,
            seed: config.seed,
            threshold: config.threshold,
            false_negative_weight: config.false_negative_weight,
        }
    }

    /// `config` with these settings in place of its own.
    pub fn apply(&self, config: Config) -> Config {
        Config {
            shingle_size: self.shingle_size,
            num_hashes: self.num_hashes,
            seed: self.seed,
            threshold: self.threshold,
            false_negative_weight: self.false_negative_weight,
            ..config
        }
    }

    /// The settings of the index file at `path`, read from its header alone (quick: no
    /// document is read, no lock taken, nothing written).
    ///
    /// # Errors
    ///
    /// The errors of opening the file and reading its header ([`Error::Io`] for a missing
    /// file, [`StoreProblem::Empty`], [`StoreProblem::Foreign`], [`StoreProblem::Corrupt`],
    /// ...); [`StoreProblem::Settings`] if it was built by a neardup that normalises or bands
    /// sentences otherwise.
    pub fn read(path: impl AsRef<Path>) -> Result<Settings> {
        let path = path.as_ref();
        Settings::parse(path, &Log::settings(path)?)
    }

    /// Each setting as `(name, value)`, in a fixed order, as the header keeps them.
    pub fn fields(&self) -> [(&'static str, String); 5] {
        [
            ("shingle_size", self.shingle_size.to_string()),
            ("num_hashes", self.num_hashes.to_string()),
            ("seed", self.seed.to_string()),
            ("threshold", json_number(self.threshold)),
            (
                "false_negative_weight",
                json_number(self.false_negative_weight),
            ),
        ]
    }

    /// The header's text of these settings, with the crate's own analysis versions.
    pub(crate) fn to_json(&self) -> String {
        serde_json::json!({
            "normalize_version": NORMALIZE_VERSION,
            "shingle_size": self.shingle_size,
            "num_hashes": self.num_hashes,
            "seed": self.seed,
            "threshold": self.threshold,
            "false_negative_weight": self.false_negative_weight,
            "passage_bands": PASSAGE_BANDS,
            "passage_rows": PASSAGE_ROWS,
        })
        .to_string()
    }

    /// The settings in a header's text.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Settings> {
        let unreadable = || {
            let problem = StoreProblem::Corrupt {
                offset: 16,
                reason: "unreadable settings".into(),
            };
            Error::store(path, problem)
        };
        let stored: serde_json::Value = serde_json::from_str(text).map_err(|_| unreadable())?;
        let field = |name: &str| stored.get(name).ok_or_else(unreadable);
        let whole = |name: &str| field(name)?.as_u64().ok_or_else(unreadable);
        let real = |name: &str| field(name)?.as_f64().ok_or_else(unreadable);
        // What this build does the same way for every index: an index made otherwise
        // cannot be read by it, whatever the config says.
        let built = [
            ("normalize_version", u64::from(NORMALIZE_VERSION)),
            ("passage_bands", PASSAGE_BANDS as u64),
            ("passage_rows", PASSAGE_ROWS as u64),
        ];
        for (name, ours) in built {
            let held = whole(name)?;
            if held != ours {
                let problem = StoreProblem::Settings {
                    field: name_of(name),
                    stored: held.to_string(),
                    given: ours.to_string(),
                };
                return Err(Error::store(path, problem));
            }
        }
        Ok(Settings {
            shingle_size: whole("shingle_size")? as usize,
            num_hashes: whole("num_hashes")? as usize,
            seed: whole("seed")?,
            threshold: real("threshold")?,
            false_negative_weight: real("false_negative_weight")?,
        })
    }

    /// Checks that `config` has these settings.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Settings`] naming the first that differs.
    pub(crate) fn check(&self, path: &Path, config: &Config) -> Result<()> {
        let given = Settings::of(config).fields();
        for ((name, held), (_, value)) in self.fields().into_iter().zip(given) {
            if held != value {
                let problem = StoreProblem::Settings {
                    field: name_of(name),
                    stored: held,
                    given: value,
                };
                return Err(Error::store(path, problem));
            }
        }
        Ok(())
    }
}

/// A number as the header's JSON writes it.
fn json_number(x: f64) -> String {
    serde_json::Value::from(x).to_string()
}

/// The static name of a setting.
fn name_of(name: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "normalize_version",
        "shingle_size",
        "num_hashes",
        "seed",
        "threshold",
        "false_negative_weight",
        "passage_bands",
        "passage_rows",
    ];
    NAMES
        .iter()
        .find(|n| **n == name)
        .expect("every setting is named")
}
