//! Progress bars on stderr for large uploads and downloads, only when
//! stderr is a terminal (and not with `-s`), as curl shows its meter; a
//! body that goes to the terminal itself gets none.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Bodies smaller than this get no bar: it would only flash.
pub(crate) const THRESHOLD: u64 = 1 << 20;

/// Whether bars may be drawn at all: stderr is a terminal and `-s` was not
/// given.
pub(crate) fn allowed(silent: bool) -> bool {
    !silent && io::stderr().is_terminal()
}

/// A bar for `len` bytes (a spinner when the length is unknown), hidden
/// unless `show`. Finish it with `finish_and_clear`.
pub(crate) fn bar(len: Option<u64>, show: bool, verb: &'static str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let (bar, template) = match len {
        Some(len) => (
            ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()),
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
            "{msg} {spinner} {bytes} {bytes_per_sec}",
        ),
    };
    // The templates are constants; a bad one would show the default style.
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(verb);
    bar
}

/// Whether an upload of `len` bytes (if known: stdin's is not) gets a bar.
pub(crate) fn show_upload(allowed: bool, len: Option<u64>) -> bool {
    allowed && len.is_none_or(|len| len >= THRESHOLD)
}

/// Whether a download of `len` bytes (if known) gets a bar: not when the
/// body is written to the terminal.
pub(crate) fn show_download(allowed: bool, len: Option<u64>, to_terminal: bool) -> bool {
    allowed && !to_terminal && len.is_none_or(|len| len >= THRESHOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_large_transfers_on_a_terminal() {
        assert!(show_upload(true, Some(THRESHOLD)));
        assert!(show_upload(true, None));
        assert!(!show_upload(true, Some(THRESHOLD - 1)));
        assert!(!show_upload(false, Some(u64::MAX)));
        assert!(!show_upload(false, None));

        assert!(show_download(true, Some(THRESHOLD), false));
        assert!(show_download(true, None, false));
        assert!(!show_download(true, Some(10), false));
        assert!(!show_download(true, Some(THRESHOLD), true));
        assert!(!show_download(false, None, false));
    }

    #[test]
    fn hidden_bars_draw_nothing() {
        assert!(bar(Some(10), false, "upload").is_hidden());
        assert_eq!(allowed(false), io::stderr().is_terminal());
        assert!(!allowed(true));
    }
}
