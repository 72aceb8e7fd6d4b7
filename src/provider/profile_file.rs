//! The parser of the shared `config` and `credentials` files: INI-like text
//! with profile sections, as the AWS CLI and SDKs read it (and as the SDKs'
//! shared profile-parser test suite checks, every case of which passes).
//!
//! - `[default]`, and `[profile NAME]` (config file) or `[NAME]`
//!   (credentials file), start a profile. Profile names are case-sensitive;
//!   spaces or tabs around the name and after `profile` are ignored. In the
//!   config file `[profile default]` wins over `[default]`. The config
//!   file's `[sso-session NAME]` and `[services NAME]` sections are kept
//!   apart from the profiles. Other sections (`[NAME]` without `profile` in
//!   the config file, `[profile NAME]` in the credentials file, unknown
//!   kinds) are skipped.
//! - Names of sections and settings are ASCII letters, digits and
//!   `-_/.%@:+`; a section or setting with any other character in its name
//!   (a space, `!`) is skipped, as the SDKs do.
//! - `name = value` sets a property; names are case-insensitive, spaces
//!   around both are trimmed, a later value wins, a profile given twice is
//!   merged.
//! - Lines starting with `#` or `;` are comments; after a value, `#` or
//!   `;` start a comment only after a space or tab (`a=b#c` keeps `b#c`); on
//!   a section line, anywhere after the `]`.
//! - A line starting with a space or tab continues the previous property's
//!   value. Under a property with an empty value (`s3 =`) the indented
//!   lines are nested settings, each `name = value`.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use zeroize::Zeroizing;

use crate::{Cause, Error};

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

/// One section's properties: lowercase name → value (zeroed on drop: values
/// include secret keys).
pub(crate) type Section = HashMap<String, Zeroizing<String>>;

/// The profiles of one file, by name.
pub(crate) type Profiles = HashMap<String, Section>;

/// Everything a file holds: its profiles and, in a config file, its
/// `[sso-session NAME]` and `[services NAME]` sections.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ProfileFile {
    pub(crate) profiles: Profiles,
    pub(crate) sso_sessions: HashMap<String, Section>,
    pub(crate) services: HashMap<String, Section>,
}

/// Which section a header line starts.
#[derive(Clone, PartialEq, Eq, Hash)]
enum SectionKey {
    Profile(String),
    /// `[default]` in a config file, kept apart until the end, where
    /// `[profile default]` (if any) wins over it.
    BareDefault,
    SsoSession(String),
    Services(String),
}

/// Where the lines after a section header go.
enum Target {
    /// Before the first section header.
    Nothing,
    /// A section that is not kept: its lines are skipped.
    Skipped,
    /// A kept section, and the property that indented lines continue.
    Section { key: SectionKey, last: Last },
}

/// The last property line of a section.
enum Last {
    /// None yet.
    Nothing,
    /// A property with an invalid name: skipped, with its continuations.
    Ignored,
    /// `name = value`; `nested` when the value was empty, so the lines
    /// after it are nested settings (`name = value` each).
    Property { name: String, nested: bool },
}

/// The largest shared file read: 1 MiB, thousands of profiles.
pub(crate) const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// Reads and parses the file at `path`; a missing file has no profiles.
///
/// Only a regular file (or a link to one) of at most [`MAX_FILE_SIZE`]
/// bytes is read: a FIFO would block the caller until something writes to
/// it, and a device such as `/dev/zero` never ends. The file's type is
/// checked before it is opened (opening a FIFO blocks), its size both
/// before and while reading (it may grow).
pub(crate) fn read(path: &Path, kind: FileKind) -> Result<ProfileFile, Error> {
    let unreadable = |e: io::Error| Error::ProfileFileUnreadable {
        path: path.to_path_buf(),
        kind: e.kind(),
        source: Cause::new(e),
    };
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ProfileFile::default()),
        Err(e) => return Err(unreadable(e)),
    };
    if !metadata.is_file() {
        return Err(Error::ProfileFileNotAFile {
            path: path.to_path_buf(),
        });
    }
    let too_large = || Error::ProfileFileTooLarge {
        path: path.to_path_buf(),
        limit: MAX_FILE_SIZE,
    };
    if metadata.len() > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let file = File::open(path).map_err(unreadable)?;
    // Replaced by a device since? (A FIFO put there since would have
    // blocked `open`: a race this check cannot close without `O_NONBLOCK`.)
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err(Error::ProfileFileNotAFile {
            path: path.to_path_buf(),
        });
    }
    // The size read is what `metadata` said, unless it changed meanwhile;
    // one byte more than the limit tells "too large" from "just fits".
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(metadata.len() as usize + 1));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large());
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        Error::ProfileFileSyntax {
            path: path.to_path_buf(),
            line: 1 + valid.iter().filter(|&&b| b == b'\n').count(),
            problem: "the line is not UTF-8 text",
        }
    })?;
    parse_file(text, path, kind)
}

/// Parses `text`, the contents of the file at `path` (named in errors), and
/// returns its profiles.
#[cfg(test)]
pub(crate) fn parse(text: &str, path: &Path, kind: FileKind) -> Result<Profiles, Error> {
    parse_file(text, path, kind).map(|file| file.profiles)
}

/// Parses `text`, the contents of the file at `path` (named in errors).
pub(crate) fn parse_file(text: &str, path: &Path, kind: FileKind) -> Result<ProfileFile, Error> {
    let mut sections: HashMap<SectionKey, Section> = HashMap::new();
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
            target = match section_key(line, kind).map_err(error)? {
                Some(key) => {
                    sections.entry(key.clone()).or_default();
                    Target::Section {
                        key,
                        last: Last::Nothing,
                    }
                }
                None => Target::Skipped,
            };
        } else if line.starts_with(WHITESPACE) {
            match &target {
                Target::Nothing => return Err(error(NO_SECTION)),
                Target::Skipped
                | Target::Section {
                    last: Last::Ignored,
                    ..
                } => {}
                Target::Section {
                    last: Last::Nothing,
                    ..
                } => return Err(error(NO_SETTING)),
                Target::Section {
                    key,
                    last: Last::Property { name, nested },
                } => {
                    let continued = line.trim_matches(WHITESPACE);
                    if *nested {
                        nested_setting(continued).map_err(error)?;
                    }
                    if let Some(value) = sections.get_mut(key).and_then(|s| s.get_mut(name)) {
                        value.push('\n');
                        value.push_str(continued);
                    }
                }
            }
        } else {
            let (name, value) = property(line).map_err(error)?;
            match &mut target {
                Target::Nothing => return Err(error(NO_SECTION)),
                Target::Skipped => {}
                Target::Section { last, .. } if !is_identifier(&name) => {
                    // Like the SDKs, a setting with an invalid name is
                    // ignored.
                    *last = Last::Ignored;
                }
                Target::Section { key, last } => {
                    if let Some(section) = sections.get_mut(key) {
                        section.insert(name.clone(), Zeroizing::new(value.to_owned()));
                    }
                    *last = Last::Property {
                        name,
                        nested: value.is_empty(),
                    };
                }
            }
        }
    }
    let bare_default = sections.remove(&SectionKey::BareDefault);
    let mut file = ProfileFile::default();
    for (key, section) in sections {
        match key {
            SectionKey::Profile(name) => file.profiles.insert(name, section),
            SectionKey::SsoSession(name) => file.sso_sessions.insert(name, section),
            SectionKey::Services(name) => file.services.insert(name, section),
            SectionKey::BareDefault => None,
        };
    }
    if let Some(section) = bare_default {
        file.profiles.entry("default".to_owned()).or_insert(section);
    }
    Ok(file)
}

const NO_SECTION: &str = "a setting comes before the first [profile] line";
const NO_SETTING: &str = "an indented line continues a setting, but no setting comes before it";

/// Whether `name` may name a profile, a section or a setting: ASCII letters
/// and digits, and `-` `_` `/` `.` `%` `@` `:` `+`, as in the SDKs.
fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_/.%@:+".contains(&b))
}

/// The section a header line starts, or `None` for a section that is not
/// kept (an invalid name, a profile written the other file's way, an
/// unknown kind of section).
fn section_key(line: &str, kind: FileKind) -> Result<Option<SectionKey>, &'static str> {
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
    // `word NAME`, with at least one space or tab between them.
    let prefixed = |word: &str| {
        inner
            .strip_prefix(word)
            .filter(|rest| rest.is_empty() || rest.starts_with(WHITESPACE))
            .map(|rest| rest.trim_matches(WHITESPACE))
    };
    let (name, key): (&str, fn(String) -> SectionKey) = match kind {
        FileKind::Config if inner == "default" => return Ok(Some(SectionKey::BareDefault)),
        FileKind::Config => {
            if let Some(name) = prefixed("profile") {
                (name, SectionKey::Profile)
            } else if let Some(name) = prefixed("sso-session") {
                (name, SectionKey::SsoSession)
            } else if let Some(name) = prefixed("services") {
                (name, SectionKey::Services)
            } else if inner.is_empty() {
                ("", SectionKey::Profile)
            } else {
                return Ok(None);
            }
        }
        FileKind::Credentials if prefixed("profile").is_some() => return Ok(None),
        FileKind::Credentials => (inner, SectionKey::Profile),
    };
    if name.is_empty() {
        return Err("a section needs a name: `[profile NAME]` (config) or `[NAME]` (credentials)");
    }
    // Like the AWS CLI and SDKs, a name with other characters (a space, `!`)
    // names no usable section: it is skipped with its settings.
    Ok(is_identifier(name).then(|| key(name.to_owned())))
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

/// Checks an indented line under `name =`: it must be `name = value` too
/// (its name may hold any character; it is kept as written).
fn nested_setting(line: &str) -> Result<(), &'static str> {
    let (name, _) = line
        .split_once('=')
        .ok_or("an indented line under `name =` must be a nested `name = value`")?;
    match name.trim_matches(WHITESPACE).is_empty() {
        true => Err("a nested setting has no name before `=`"),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests;
