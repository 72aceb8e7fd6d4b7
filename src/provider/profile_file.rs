//! The parser of the shared `config` and `credentials` files: INI-like text
//! with profile sections, as the AWS CLI and SDKs read it.
//!
//! - `[default]`, and `[profile NAME]` (config file) or `[NAME]`
//!   (credentials file), start a profile. Profile names are case-sensitive;
//!   spaces or tabs around the name and after `profile` are ignored. In the
//!   config file `[profile default]` wins over `[default]`. The config
//!   file's `[sso-session NAME]` and `[services NAME]` sections are kept
//!   apart ([`parse_sections`]); other sections (`[NAME]` without `profile`
//!   in the config file, `[profile NAME]` in the credentials file) are
//!   skipped.
//! - `name = value` sets a property; names are case-insensitive, spaces
//!   around both are trimmed, a later value wins, a profile given twice is
//!   merged.
//! - Lines starting with `#` or `;` are comments; after a value, `#` or
//!   `;` start a comment only after a space or tab (`a=b#c` keeps `b#c`); on
//!   a section line, anywhere after the `]`.
//! - A line starting with a space or tab continues the previous property's
//!   value (nested settings such as `s3 =` and its indented lines).

use std::collections::HashMap;
use std::path::Path;

use zeroize::Zeroizing;

use crate::Error;

const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// Which of the two files: they name their sections differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    /// `~/.aws/config`: `[profile NAME]` and `[default]`.
    Config,
    /// `~/.aws/credentials`: `[NAME]`.
    Credentials,
}

/// One profile's properties: lowercase name → value (zeroed on drop: values
/// include secret keys).
pub(crate) type Section = HashMap<String, Zeroizing<String>>;

/// The profiles of one file, by name.
pub(crate) type Profiles = HashMap<String, Section>;

/// All the sections of one file: its profiles, and (config file only) its
/// `[sso-session NAME]` and `[services NAME]` sections, each by name.
#[derive(Debug, Default)]
pub(crate) struct Sections {
    /// The profiles.
    pub(crate) profiles: Profiles,
    /// `[sso-session NAME]`: IAM Identity Center sessions.
    pub(crate) sso_sessions: Profiles,
    /// `[services NAME]`: per-service settings (endpoint URLs).
    pub(crate) services: Profiles,
}

/// Where the properties of the current line go.
enum Target {
    /// Before the first section header.
    Nothing,
    /// A section that is not a profile: its lines are skipped.
    Skipped,
    /// A profile, and the name of the last property set in it (for
    /// continuation lines).
    Profile {
        key: ProfileKey,
        last: Option<String>,
    },
}

/// `[default]` in a config file is kept apart until the end, where
/// `[profile default]` (if any) wins over it.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ProfileKey {
    Named(String),
    BareDefault,
    SsoSession(String),
    Services(String),
}

/// Parses `text`, the contents of the file at `path` (named in errors):
/// its profiles.
#[cfg(test)]
pub(crate) fn parse(text: &str, path: &Path, kind: FileKind) -> Result<Profiles, Error> {
    parse_sections(text, path, kind).map(|sections| sections.profiles)
}

/// Parses `text`, the contents of the file at `path` (named in errors): its
/// profiles, `sso-session` and `services` sections.
pub(crate) fn parse_sections(text: &str, path: &Path, kind: FileKind) -> Result<Sections, Error> {
    let mut sections: HashMap<ProfileKey, Section> = HashMap::new();
    let mut target = Target::Nothing;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let error = |problem| Error::ProfileFileSyntax {
            path: path.to_path_buf(),
            line: index + 1,
            problem,
        };
        if line.trim_matches(WHITESPACE).is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            target = match section_name(line, kind).map_err(error)? {
                Some(key) => {
                    sections.entry(key.clone()).or_default();
                    Target::Profile { key, last: None }
                }
                None => Target::Skipped,
            };
        } else if line.starts_with(WHITESPACE) {
            match &mut target {
                Target::Nothing => return Err(error(NO_SECTION)),
                Target::Skipped => {}
                Target::Profile { last: None, .. } => {
                    return Err(error(
                        "an indented line continues a setting, but no setting comes before it",
                    ))
                }
                Target::Profile {
                    key,
                    last: Some(name),
                } => {
                    if let Some(value) = sections.get_mut(key).and_then(|s| s.get_mut(name)) {
                        value.push('\n');
                        value.push_str(line.trim_matches(WHITESPACE));
                    }
                }
            }
        } else {
            let (name, value) = property(line).map_err(error)?;
            match &mut target {
                Target::Nothing => return Err(error(NO_SECTION)),
                Target::Skipped => {}
                Target::Profile { key, last } => {
                    if let Some(section) = sections.get_mut(key) {
                        section.insert(name.clone(), Zeroizing::new(value.to_owned()));
                    }
                    *last = Some(name);
                }
            }
        }
    }
    let mut all = Sections::default();
    let mut bare_default = None;
    for (key, section) in sections {
        match key {
            ProfileKey::Named(name) => all.profiles.insert(name, section),
            ProfileKey::BareDefault => bare_default.replace(section),
            ProfileKey::SsoSession(name) => all.sso_sessions.insert(name, section),
            ProfileKey::Services(name) => all.services.insert(name, section),
        };
    }
    if let Some(section) = bare_default {
        all.profiles.entry("default".to_owned()).or_insert(section);
    }
    Ok(all)
}

const NO_SECTION: &str = "a setting comes before the first [profile] line";

/// The profile a section header line starts, or `None` for a section that
/// is not a profile.
fn section_name(line: &str, kind: FileKind) -> Result<Option<ProfileKey>, &'static str> {
    // On a section line a comment needs no space before it.
    let line = line
        .split(COMMENT)
        .next()
        .unwrap_or_default()
        .trim_matches(WHITESPACE);
    let inner = line
        .strip_prefix('[')
        .and_then(|l| l.strip_suffix(']'))
        .ok_or("a section line must end with `]`")?
        .trim_matches(WHITESPACE);
    let other = |prefix: &str| {
        inner
            .strip_prefix(prefix)
            .filter(|rest| rest.starts_with(WHITESPACE))
            .map(|rest| rest.trim_matches(WHITESPACE))
            .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace))
    };
    let name = match kind {
        FileKind::Config if inner == "default" => return Ok(Some(ProfileKey::BareDefault)),
        FileKind::Config if other("sso-session").is_some() => {
            return Ok(other("sso-session").map(|n| ProfileKey::SsoSession(n.to_owned())))
        }
        FileKind::Config if other("services").is_some() => {
            return Ok(other("services").map(|n| ProfileKey::Services(n.to_owned())))
        }
        FileKind::Config => match inner.strip_prefix("profile") {
            Some(rest) if rest.is_empty() || rest.starts_with(WHITESPACE) => {
                rest.trim_matches(WHITESPACE)
            }
            _ if inner.is_empty() => "",
            _ => return Ok(None),
        },
        FileKind::Credentials => {
            if inner
                .strip_prefix("profile")
                .is_some_and(|rest| rest.starts_with(WHITESPACE))
            {
                return Ok(None);
            }
            inner
        }
    };
    if name.is_empty() {
        return Err("a section needs a name: `[profile NAME]` (config) or `[NAME]` (credentials)");
    }
    if name.contains(|c: char| c.is_whitespace() || c.is_control()) {
        // Like the AWS CLI, a name with spaces names no usable profile.
        return Ok(None);
    }
    Ok(Some(ProfileKey::Named(name.to_owned())))
}

/// `name = value`, with the name lowercased and a trailing comment (after a
/// space or tab) removed.
fn property(line: &str) -> Result<(String, &str), &'static str> {
    let mut end = line.len();
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        if after_space && COMMENT.contains(&c) {
            end = i;
            break;
        }
        after_space = WHITESPACE.contains(&c);
    }
    let (name, value) = line[..end]
        .split_once('=')
        .ok_or("expected `name = value`")?;
    let name = name.trim_matches(WHITESPACE);
    if name.is_empty() {
        return Err("a setting has no name before `=`");
    }
    Ok((name.to_ascii_lowercase(), value.trim_matches(WHITESPACE)))
}

#[cfg(test)]
mod tests;
