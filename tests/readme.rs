//! The README's Rust blocks are shown raw on GitHub and crates.io, where
//! nothing is hidden: they must read as whole programs a user can paste into
//! a fresh crate after the install line. (`src/lib.rs` compiles and runs them
//! as doctests under `--all-features`; this test holds, in every build, the
//! shape that makes them pasteable.)

/// The body lines of each ```` ```rust ```` block, with the line number of
/// its opening fence.
fn rust_blocks(markdown: &str) -> Vec<(usize, Vec<&str>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, Vec<&str>)> = None;
    for (number, line) in markdown.lines().enumerate() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => {
                let language = info.split(',').next().unwrap_or_default().trim();
                // Rustdoc tests blocks with no language, too.
                if language == "rust" || language.is_empty() {
                    current = Some((number + 1, Vec::new()));
                } else {
                    current = Some((0, Vec::new()));
                }
            }
            (Some(_), Some("")) => {
                let (start, lines) = current.take().expect("inside a block");
                if start != 0 {
                    blocks.push((start, lines));
                }
            }
            (Some((_, lines)), _) => lines.push(line),
            (None, None) => {}
        }
    }
    assert!(current.is_none(), "a code block is not closed");
    blocks
}

#[test]
fn readme_blocks_hide_nothing_and_are_whole_programs() {
    let readme = include_str!("../README.md");
    let blocks = rust_blocks(readme);
    assert!(blocks.len() >= 8, "found only {} Rust blocks", blocks.len());
    for (start, lines) in &blocks {
        for line in lines {
            // What rustdoc hides: `# ` at the start (after indentation) or a lone `#`.
            let trimmed = line.trim_start();
            assert!(
                !(trimmed == "#" || trimmed.starts_with("# ")),
                "README.md block at line {start}: `{line}` is hidden by rustdoc but shown raw on GitHub"
            );
        }
        assert!(
            lines.iter().any(|line| line.starts_with("fn main()")),
            "README.md block at line {start} has no `fn main()`: it cannot be pasted into a fresh crate as it is"
        );
    }
}

#[test]
fn the_block_finder_sees_hidden_lines() {
    let markdown = "text\n```rust\n# hidden\nfn main() {}\n```\n```sh\n# a comment\n```\n";
    let blocks = rust_blocks(markdown);
    assert_eq!(blocks, vec![(2, vec!["# hidden", "fn main() {}"])]);
}

/// The features that the README's `cargo add http-sigv4 …` lines enable.
fn features_in_install_lines(markdown: &str) -> Vec<String> {
    let mut features = Vec::new();
    for line in markdown.lines().map(str::trim) {
        let Some(rest) = line.strip_prefix("cargo add ") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        if !words.contains(&"http-sigv4") {
            continue;
        }
        let several_crates = words.iter().take_while(|w| !w.starts_with("--")).count() > 1;
        for pair in words.windows(2).filter(|pair| pair[0] == "--features") {
            for feature in pair[1].split(',') {
                // With several crates, ours are spelled `http-sigv4/feature`.
                match (several_crates, feature.split_once('/')) {
                    (_, Some(("http-sigv4", ours))) => features.push(ours.to_owned()),
                    (_, Some(_)) => {}
                    (false, None) => features.push(feature.to_owned()),
                    (true, None) => panic!("`{line}`: write http-sigv4/{feature}"),
                }
            }
        }
    }
    features
}

#[test]
fn readme_install_lines_name_features_that_exist() {
    let readme = include_str!("../README.md");
    let manifest = include_str!("../Cargo.toml");
    let declared: Vec<&str> = manifest
        .split("\n[features]\n")
        .nth(1)
        .expect("a [features] table")
        .split("\n[")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once(" = ").map(|(name, _)| name.trim()))
        .collect();
    let used = features_in_install_lines(readme);
    for feature in ["tower", "reqwest", "reqwest-middleware", "sigv4a"] {
        assert!(
            used.iter().any(|f| f == feature),
            "no install line enables {feature}"
        );
    }
    for feature in &used {
        assert!(
            declared.contains(&feature.as_str()),
            "README installs feature `{feature}`, which Cargo.toml does not declare ({declared:?})"
        );
    }
}

#[test]
fn install_line_features_are_read_per_crate() {
    let markdown = "```sh\ncargo add http-sigv4 --features tower\n\
                    cargo add http-sigv4 http --features http-sigv4/sigv4a,http/std\n\
                    cargo add tower --features util\n```\n";
    assert_eq!(features_in_install_lines(markdown), ["tower", "sigv4a"]);
}
