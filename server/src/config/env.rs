//! A typed reader over the environment (or whatever lookup a test supplies): each setting is read by name, parsed
//! into its type, and refused with that name and the reason when it does not parse.

use super::ConfigError;
use std::num::NonZeroU32;
use std::str::FromStr;

pub struct Env<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
}

impl<'a> Env<'a> {
    pub fn new(get: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Env { get }
    }

    /// The raw text of a setting, if it is set.
    pub fn text(&self, name: &str) -> Option<String> {
        (self.get)(name)
    }

    /// A setting that must be set.
    pub fn required(&self, name: &'static str) -> Result<String, ConfigError> {
        self.text(name).ok_or(ConfigError::Missing(name))
    }

    /// A setting parsed into `T`, if it is set.
    pub fn parse<T>(&self, name: &'static str) -> Result<Option<T>, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        self.text(name)
            .map(|v| {
                v.trim()
                    .parse::<T>()
                    .map_err(|e| invalid(name, e.to_string()))
            })
            .transpose()
    }

    /// A setting parsed into `T`, or `default` when it is not set.
    pub fn or<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        Ok(self.parse(name)?.unwrap_or(default))
    }

    /// Like [`Env::or`], for a count that must be at least one.
    pub fn positive<T>(&self, name: &'static str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr + PartialEq + Default,
        T::Err: std::fmt::Display,
    {
        match self.parse::<T>(name)? {
            Some(v) if v == T::default() => Err(invalid(name, "must be at least 1")),
            Some(v) => Ok(v),
            None => Ok(default),
        }
    }

    /// A rate (per minute or per hour, by the setting's name), `default` when not set; 0 turns it off (`None`).
    pub fn rate(
        &self,
        name: &'static str,
        default: u32,
    ) -> Result<Option<NonZeroU32>, ConfigError> {
        Ok(NonZeroU32::new(self.or(name, default)?))
    }

    /// One of a few words, each standing for a value; `default` when not set.
    pub fn choice<T: Copy>(
        &self,
        name: &'static str,
        options: &[(&str, T)],
        default: T,
    ) -> Result<T, ConfigError> {
        let Some(raw) = self.text(name) else {
            return Ok(default);
        };
        options
            .iter()
            .find(|(word, _)| *word == raw.trim())
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                let words: Vec<&str> = options.iter().map(|(w, _)| *w).collect();
                invalid(name, format!("{raw:?}: use {}", words.join(", ")))
            })
    }
}

pub fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        reason: reason.into(),
    }
}
