//! Rule on coverage: the document describes exactly the operations of the Jobbers One API.

use std::collections::BTreeSet;

use super::Checker;

/// The document has every expected operation and no other.
pub const COVERAGE: &str = "coverage";

/// The 16 operations of the Jobbers One partner API, as (method, path template).
pub const EXPECTED_OPERATIONS: &[(&str, &str)] = &[
    ("GET", "/oneapi/v0/echo"),
    ("GET", "/oneapi/v0/echo/{text}"),
    ("POST", "/oneapi/v0/echo"),
    ("POST", "/oneapi/authentication/token"),
    ("GET", "/oneapi/v0/current"),
    ("GET", "/oneapi/v0/groupsofenterprises"),
    ("GET", "/oneapi/v0/stats"),
    ("GET", "/oneapi/v0/stockofpasses"),
    ("POST", "/oneapi/v0/stockofpasses/assign"),
    ("POST", "/oneapi/v0/stockofpasses/invoice"),
    ("GET", "/oneapi/v0/clients/{clientEmail}/exists"),
    ("GET", "/oneapi/v0/clients/{clientIdOrClientEmail}"),
    ("POST", "/oneapi/v0/clients/{clientIdOrClientEmail}"),
    ("DELETE", "/oneapi/v0/clients/{clientIdOrClientEmail}"),
    ("POST", "/oneapi/v0/clients"),
    ("GET", "/oneapi/v0/clients/{clientIdOrClientEmail}/login"),
];

pub(super) fn check(checker: &mut Checker<'_>, expected: &[(&str, &str)]) {
    let expected: BTreeSet<(String, String)> = expected
        .iter()
        .map(|(method, path)| (method.to_uppercase(), (*path).to_owned()))
        .collect();
    let operations = checker.document.operations();
    let mut present = BTreeSet::new();

    for operation in &operations {
        let key = (operation.method.to_uppercase(), operation.path.clone());
        if !expected.contains(&key) {
            checker.report(
                COVERAGE,
                &operation.pointer,
                format!("{} {} is not an operation of the Jobbers One API; remove it or add it to the expected list", key.0, key.1),
            );
        }
        present.insert(key);
    }

    for (method, path) in expected.difference(&present) {
        checker.report(
            COVERAGE,
            "/paths",
            format!("operation {method} {path} is missing"),
        );
    }
}
