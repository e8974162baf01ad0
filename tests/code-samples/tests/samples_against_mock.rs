//! Runs the curl and PHP code samples of every operation against the mock and checks the
//! HTTP status of each: 2xx, or 501 for an operation marked `x-jobbers-not-implemented`.
//!
//! Each sample gets its own mock, started on a loopback port from the default data set, so
//! that the samples do not depend on each other's changes. The test replaces the sample's
//! sandbox base URL with the mock's and sets `ACCESS_TOKEN`, `API_KEY` and `API_SECRET` as the
//! samples expect. Proxies are bypassed, so a sample reaches nothing but the mock.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use jobbers_one_code_samples::{Language, OperationSamples, document_path, load, running_in_ci};
use jobbers_one_mock::{MockConfig, spawn};

/// Line of every curl sample that sets the base URL to the local sandbox.
const CURL_BASE_URL_LINE: &str = "BASE_URL=http://127.0.0.1:8080\n";

/// Line of every PHP sample that sets the base URL to the local sandbox.
const PHP_BASE_URL_LINE: &str = "define('BASE_URL', 'http://127.0.0.1:8080');\n";

/// Prefix of the line that the test's `.curlrc` makes curl print after the response body.
const CURL_STATUS_PREFIX: &str = "HTTP_STATUS=";

/// A sample's run: its HTTP status, whether its process exited with 0, and its output.
struct Run {
    status: u16,
    exited_cleanly: bool,
    output: String,
}

/// What a sample needs to run against one mock.
struct Target<'a> {
    base_url: &'a str,
    access_token: &'a str,
    api_key: &'a str,
    api_secret: &'a str,
}

#[test]
fn curl_samples_succeed_against_mock() {
    let curl_home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("curl-samples");
    write_curl_config(&curl_home);

    check_samples(Language::Curl, |source, target| {
        run_curl(source, target, &curl_home)
    });
}

#[test]
fn php_samples_succeed_against_mock() {
    if let Err(problem) = php_with_curl() {
        assert!(!running_in_ci(), "{problem}");
        eprintln!("skipped: {problem}; CI (with CI set) fails here instead");
        return;
    }

    check_samples(Language::Php, run_php);
}

/// Runs the sample in `language` of every operation against a fresh mock with `run`, and
/// fails with every sample whose status is not the expected one.
fn check_samples(language: Language, run: impl Fn(&str, &Target<'_>) -> Result<Run, String>) {
    let operations = load(&document_path()).expect("the document's code samples load");
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let (api_key, api_secret) = demo_credentials();

    let mut failures = Vec::new();
    for operation in &operations {
        let mock = runtime
            .block_on(spawn(MockConfig::default()))
            .expect("the mock starts on a loopback port");
        let base_url = mock.base_url();
        let result = request_token(&base_url, &api_key, &api_secret).and_then(|access_token| {
            let target = Target {
                base_url: &base_url,
                access_token: &access_token,
                api_key: &api_key,
                api_secret: &api_secret,
            };
            run(operation.source(language), &target)
        });
        runtime.block_on(mock.shutdown());

        if let Err(failure) = result.and_then(|run| check_status(operation, &run)) {
            failures.push(format!("{}: {failure}", operation.operation_id));
        }
    }

    assert!(
        failures.is_empty(),
        "{language} samples failed against the mock:\n\n{}",
        failures.join("\n\n")
    );
}

/// Checks that `run` got 2xx and exited with 0, or got 501 for an operation that is not
/// implemented.
fn check_status(operation: &OperationSamples, run: &Run) -> Result<(), String> {
    let (passed, expected) = if operation.not_implemented {
        (run.status == 501, "501")
    } else {
        (
            run.exited_cleanly && (200..300).contains(&run.status),
            "2xx",
        )
    };
    if passed {
        return Ok(());
    }
    Err(format!(
        "expected {expected}, got HTTP {} (exited cleanly: {})\n{}",
        run.status, run.exited_cleanly, run.output
    ))
}

/// Runs a curl sample with `sh`, aimed at the target's mock.
fn run_curl(source: &str, target: &Target<'_>, curl_home: &Path) -> Result<Run, String> {
    let script = replace_line(
        source,
        CURL_BASE_URL_LINE,
        &format!("BASE_URL={}\n", target.base_url),
    )?;
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("CURL_HOME", curl_home)
        .env("ACCESS_TOKEN", target.access_token)
        .env("API_KEY", target.api_key)
        .env("API_SECRET", target.api_secret)
        .output()
        .map_err(|error| format!("failed to run sh: {error}"))?;

    let stdout = String::from_utf8_lossy(&output.stdout);
    let status = stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(CURL_STATUS_PREFIX))
        .and_then(|status| status.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "curl printed no {CURL_STATUS_PREFIX} line\n{}",
                describe(&output)
            )
        })?;
    Ok(Run {
        status,
        exited_cleanly: output.status.success(),
        output: describe(&output),
    })
}

/// Runs a PHP sample with `php`, aimed at the target's mock. The samples print the status
/// followed by the response.
fn run_php(source: &str, target: &Target<'_>) -> Result<Run, String> {
    let define = format!("define('BASE_URL', '{}');\n", target.base_url);
    let script = replace_line(source, PHP_BASE_URL_LINE, &define)?;
    let mut child = Command::new("php")
        .env("ACCESS_TOKEN", target.access_token)
        .env("API_KEY", target.api_key)
        .env("API_SECRET", target.api_secret)
        .env("NO_PROXY", "*")
        .env("no_proxy", "*")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("failed to run php: {error}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(script.as_bytes())
            .map_err(|error| format!("failed to send the sample to php: {error}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| format!("failed to wait for php: {error}"))?;

    let stdout = String::from_utf8_lossy(&output.stdout);
    let status = stdout
        .split_whitespace()
        .next()
        .and_then(|status| status.parse().ok())
        .ok_or_else(|| format!("the sample printed no status first\n{}", describe(&output)))?;
    Ok(Run {
        status,
        exited_cleanly: output.status.success(),
        output: describe(&output),
    })
}

/// Replaces `line` in `source` with `replacement`, failing when the sample lacks the line.
fn replace_line(source: &str, line: &str, replacement: &str) -> Result<String, String> {
    if !source.contains(line) {
        return Err(format!(
            "the sample has no line `{}`, which every sample of its language has",
            line.trim_end()
        ));
    }
    Ok(source.replacen(line, replacement, 1))
}

/// Checks that `php` runs and has the cURL extension that the PHP samples use.
fn php_with_curl() -> Result<(), String> {
    let output = Command::new("php").arg("-m").output().map_err(|error| {
        format!("failed to run php ({error}); install php-cli and php-curl (Debian packages)")
    })?;
    let modules = String::from_utf8_lossy(&output.stdout);
    if !modules.lines().any(|module| module.trim() == "curl") {
        return Err("php has no curl extension; install php-curl (Debian package)".to_owned());
    }
    Ok(())
}

/// Returns the API key and secret of the first enterprise of the mock's default data set.
fn demo_credentials() -> (String, String) {
    let data_set = jobbers_one_mock::seed::DataSet::default_data_set();
    let enterprise = data_set
        .enterprises
        .first()
        .expect("the default data set has an enterprise");
    (enterprise.api_key.clone(), enterprise.api_secret.clone())
}

/// Requests an access token from the mock with curl.
fn request_token(base_url: &str, api_key: &str, api_secret: &str) -> Result<String, String> {
    let body = serde_json::json!({
        "grant_type": "password",
        "username": api_key,
        "password": api_secret,
    });
    let output = Command::new("curl")
        .args(["-q", "-sS", "--fail-with-body", "--noproxy", "*"])
        .args([
            "-H",
            "Content-Type: application/json",
            "-d",
            &body.to_string(),
        ])
        .arg(format!("{base_url}/oneapi/authentication/token"))
        .output()
        .map_err(|error| format!("failed to run curl ({error}); install curl"))?;
    if !output.status.success() {
        return Err(format!("token request failed\n{}", describe(&output)));
    }
    let response: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|error| format!("token response is not JSON: {error}\n{}", describe(&output)))?;
    response["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("token response has no access_token\n{}", describe(&output)))
}

/// Writes a `.curlrc` that makes curl print the status after the body, bypass any proxy and
/// use plain HTTP only.
fn write_curl_config(curl_home: &Path) {
    std::fs::create_dir_all(curl_home).expect("the curl home directory is created");
    let config = format!(
        "write-out = \"\\n{CURL_STATUS_PREFIX}%{{http_code}}\\n\"\nnoproxy = \"*\"\nproto = \"=http\"\n"
    );
    std::fs::write(curl_home.join(".curlrc"), config).expect("the .curlrc is written");
}

fn describe(output: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}
