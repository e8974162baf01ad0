//! The binary's handling of `--seed FILE`, `seed-schema` and errors at start.

use std::process::Command;

fn mock() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jobbers-one-mock"));
    // Keep the environment of the machine from changing the options under test.
    for name in [
        "JOBBERS_MOCK_ADDR",
        "JOBBERS_MOCK_SEED",
        "JOBBERS_MOCK_TOKEN_TTL",
        "JOBBERS_MOCK_LATENCY",
        "JOBBERS_MOCK_MAINTENANCE",
        "JOBBERS_MOCK_FAIL_RATE",
    ] {
        command.env_remove(name);
    }
    command.env("RUST_LOG", "off");
    command
}

/// Runs the binary on a data set file holding `contents` and returns its output.
fn run_with_seed(name: &str, contents: &str) -> std::process::Output {
    let path = std::env::temp_dir().join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    // Port 0, so a regression that starts the server anyway cannot clash with another one.
    let output = mock()
        .args(["--addr", "127.0.0.1:0", "--seed"])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    output
}

#[test]
fn invalid_seed_file_is_rejected_with_pointer() {
    let output = run_with_seed(
        "bad-seed.json",
        r#"{"enterprises": [{"enterprise_id": 20, "api_key": "k", "api_secret": "s",
            "groups": [{"group_id": 1, "name": "g"}],
            "clients": [{"client_id": 1, "email": "a@example.org", "first_name": "A",
              "last_name": "B", "phone_prefix": "+33", "phone": "600000000",
              "address": "1 rue", "zip_code": "75001", "city": "Paris", "country": "XX",
              "optin": false, "registering_date": "2018-07-12 10:09:24",
              "end_subscription_date": "2018-09-09 14:37:03"}]}]}"#,
    );

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is invalid"), "{stderr}");
    assert!(
        stderr.contains("/enterprises/0/clients/0/country: `XX` is not an ISO 3166-1 alpha-2"),
        "{stderr}"
    );
}

#[test]
fn seed_file_with_wrong_type_names_value() {
    let output = run_with_seed(
        "typed-seed.json",
        r#"{"enterprises": [{"enterprise_id": "twenty", "api_key": "k", "api_secret": "s"}]}"#,
    );

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("/enterprises/0/enterprise_id"), "{stderr}");
}

#[test]
fn seed_schema_prints_json_schema() {
    let output = mock().arg("seed-schema").output().unwrap();
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(schema["title"], "DataSet");
    assert!(schema["definitions"]["EnterpriseSeed"]["properties"]["api_key"].is_object());
}

#[test]
fn missing_seed_file_is_reported_once() {
    let path = std::env::temp_dir().join(format!("{}-missing-seed.json", std::process::id()));
    let output = mock()
        .args(["--addr", "127.0.0.1:0", "--seed"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr,
        format!(
            "error: cannot read the data set {}: No such file or directory (os error 2)\n",
            path.display()
        )
    );
}

#[test]
fn invalid_log_filter_is_rejected() {
    let output = mock()
        .env("RUST_LOG", "warn,jobbers_one_mock=loud")
        .args(["--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();

    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.starts_with("error: invalid RUST_LOG: "), "{stderr}");
    assert!(output.stdout.is_empty());
}
