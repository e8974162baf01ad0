//! Runs `php -l` on the PHP code sample of every operation.
//!
//! Without `php` the test fails when `CI` is set, and is skipped with a message otherwise.

use jobbers_one_code_samples::{
    Language, PhpLintError, document_path, lint_php, load, running_in_ci,
};

#[test]
fn php_samples_pass_php_lint() {
    let operations = load(&document_path()).expect("the document's code samples load");

    let mut failures = Vec::new();
    for operation in &operations {
        let source = operation.source(Language::Php);
        match lint_php(source) {
            Ok(()) => {}
            Err(PhpLintError::NotInstalled) if !running_in_ci() => {
                eprintln!(
                    "skipped: {}; CI (with CI set) fails here instead",
                    PhpLintError::NotInstalled
                );
                return;
            }
            Err(error) => failures.push(format!("{}: {error}", operation.operation_id)),
        }
    }

    assert!(
        failures.is_empty(),
        "PHP samples failed `php -l`:\n{}",
        failures.join("\n")
    );
}

#[test]
fn php_lint_rejects_a_syntax_error() {
    match lint_php("<?php\necho 'unclosed;\n") {
        Err(PhpLintError::NotInstalled) if !running_in_ci() => {}
        Err(PhpLintError::Rejected { output }) => {
            assert!(output.contains("syntax error"), "{output}")
        }
        other => panic!("expected a syntax error from php -l, got {other:?}"),
    }
}
