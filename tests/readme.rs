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
