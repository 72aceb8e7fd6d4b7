//! `tests/support/gateway.rs` is a copy of the library's
//! `examples/common/gateway.rs`, so that this package's tests build from its
//! own `.crate` (a package cannot reach files outside its directory). In the
//! workspace, the two must stay the same.

use std::path::Path;

#[test]
fn the_test_gateway_is_the_librarys() {
    let ours = include_str!("support/gateway.rs");
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/common/gateway.rs");
    match std::fs::read_to_string(&library) {
        Ok(theirs) => assert!(
            ours == theirs,
            "cli/tests/support/gateway.rs differs from examples/common/gateway.rs: copy the latter over the former"
        ),
        // Built from the packaged crate: there is no library checkout beside it.
        Err(_) => eprintln!("{} not found: nothing to compare", library.display()),
    }
}
