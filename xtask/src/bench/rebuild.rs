//! The incremental rebuild time after a documentation change: one description of the OpenAPI
//! document is edited in place, `cargo build -p jobbers-one-mock` is timed, and the file is
//! restored byte for byte, on error and on Ctrl-C or SIGTERM too.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Text appended to the edited description.
const EDIT_MARK: &str = " Edited by cargo xtask bench.";

/// Outcome of the timed rebuild.
#[derive(Debug, Clone)]
pub struct RebuildResult {
    /// Line of the document whose description was edited, from 1.
    pub edited_line: usize,
    pub duration: Duration,
    /// Packages that cargo compiled, in its order.
    pub recompiled: Vec<String>,
    /// Whether cargo waited for another cargo process's lock on the build directory, which
    /// the time includes.
    pub waited_for_lock: bool,
}

/// Builds the mock once so that only the edit's consequences are timed, then edits the
/// document, times the rebuild and restores the document.
pub fn measure(workspace_root: &Path, document: &Path, backup: &Path) -> Result<RebuildResult> {
    eprintln!("Building jobbers-one-mock before the timed rebuild");
    cargo_build_mock(workspace_root)?;

    // The handler is set before the edit so that no moment leaves the edit unguarded. It
    // can be set once per process, which runs one bench.
    let shared: Arc<Mutex<Option<DocumentEdit>>> = Arc::new(Mutex::new(None));
    let for_signal = Arc::clone(&shared);
    ctrlc::set_handler(move || {
        let edit = for_signal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Err(error)) = edit.map(DocumentEdit::restore) {
            eprintln!("{error:#}");
        }
        std::process::exit(130);
    })
    .context("failed to set the Ctrl-C handler that restores the document")?;
    let edit = DocumentEdit::apply(document, backup)?;
    let edited_line = edit.edited_line;
    *shared.lock().unwrap_or_else(PoisonError::into_inner) = Some(edit);

    eprintln!("Timing `cargo build -p jobbers-one-mock` after editing line {edited_line}");
    let started = Instant::now();
    let build = cargo_build_mock(workspace_root);
    let duration = started.elapsed();

    // Restored before the build's result is looked at, so a failed build leaves the
    // document as it was too.
    let restored = match shared.lock().unwrap_or_else(PoisonError::into_inner).take() {
        Some(edit) => edit.restore(),
        None => Ok(()),
    };
    let build = build?;
    restored?;
    Ok(RebuildResult {
        edited_line,
        duration,
        recompiled: build.recompiled,
        waited_for_lock: build.waited_for_lock,
    })
}

/// Facts from cargo's progress output about one build.
#[derive(Debug)]
struct BuildOutput {
    recompiled: Vec<String>,
    waited_for_lock: bool,
}

/// Runs `cargo build -p jobbers-one-mock` in the dev profile.
fn cargo_build_mock(workspace_root: &Path) -> Result<BuildOutput> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["build", "-p", "jobbers-one-mock"])
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(workspace_root)
        .output()
        .context("failed to run cargo build")?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("`cargo build -p jobbers-one-mock` failed:\n{stderr}");
    }
    // `   Compiling jobbers-one-client v0.1.0 (/path)`
    let recompiled = stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    Ok(BuildOutput {
        recompiled,
        waited_for_lock: stderr.contains("Blocking waiting for file lock"),
    })
}

/// An edit of one description, undone by [`DocumentEdit::restore`].
#[derive(Debug)]
struct DocumentEdit {
    path: PathBuf,
    backup: PathBuf,
    original: Vec<u8>,
    edited: Vec<u8>,
    edited_line: usize,
}

impl DocumentEdit {
    /// Appends a sentence to the first one-line `description:` under `paths:`, after saving
    /// the original bytes to `backup`.
    fn apply(path: &Path, backup: &Path) -> Result<Self> {
        let original =
            fs::read(path).with_context(|| format!("failed to read {}", path.display()))?;
        let text = std::str::from_utf8(&original)
            .with_context(|| format!("{} is not UTF-8", path.display()))?;
        let (edited, edited_line) = edit_first_description(text).with_context(|| {
            format!(
                "{} has no one-line `description:` under `paths:` to edit",
                path.display()
            )
        })?;

        fs::write(backup, &original)
            .with_context(|| format!("failed to write {}", backup.display()))?;
        fs::write(path, &edited).with_context(|| format!("failed to write {}", path.display()))?;
        Ok(Self {
            path: path.to_owned(),
            backup: backup.to_owned(),
            original,
            edited: edited.into_bytes(),
            edited_line,
        })
    }

    /// Writes the original bytes back, unless the file changed since the edit: then someone
    /// else wrote it, and overwriting would lose their work.
    fn restore(self) -> Result<()> {
        let current = fs::read(&self.path)
            .with_context(|| format!("failed to read {}", self.path.display()))?;
        if current == self.original {
            return Ok(());
        }
        if current != self.edited {
            bail!(
                "{} changed during the timed rebuild, so it was left as it is; remove the \
                 sentence \"{}\" from line {} by hand",
                self.path.display(),
                EDIT_MARK.trim(),
                self.edited_line
            );
        }
        fs::write(&self.path, &self.original).with_context(|| {
            format!(
                "failed to restore {}; copy its original bytes back from {}",
                self.path.display(),
                self.backup.display()
            )
        })?;
        Ok(())
    }
}

/// Returns `text` with [`EDIT_MARK`] appended to the first one-line description under
/// `paths:`, the kind that the published docs show for an operation or a parameter, and the
/// line number of that description.
fn edit_first_description(text: &str) -> Option<(String, usize)> {
    let mut edited = String::with_capacity(text.len() + EDIT_MARK.len());
    let mut edited_line = None;
    let mut in_paths = false;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end_matches(['\n', '\r']);
        if !content.is_empty() && !content.starts_with([' ', '#']) {
            in_paths = content == "paths:";
        }
        let value = content.trim_start().strip_prefix("description: ");
        let one_line = value
            .is_some_and(|value| !value.is_empty() && !value.starts_with(['|', '>', '\'', '"']));
        if edited_line.is_none() && in_paths && one_line {
            edited.push_str(content);
            edited.push_str(EDIT_MARK);
            edited.push_str(&line[content.len()..]);
            edited_line = Some(index + 1);
        } else {
            edited.push_str(line);
        }
    }
    edited_line.map(|line| (edited, line))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &str = "info:\n  description: |\n    Block text.\nservers:\n  - url: http://a\n    description: Server.\npaths:\n  /a:\n    get:\n      description: Plain text.\r\n      summary: A\n";

    fn temporary_file(name: &str, contents: &str) -> PathBuf {
        let directory = std::env::temp_dir().join(format!("xtask-rebuild-{}", std::process::id()));
        fs::create_dir_all(&directory).unwrap();
        let path = directory.join(name);
        fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn first_plain_description_is_edited() {
        let (edited, line) = edit_first_description(DOCUMENT).unwrap();
        assert_eq!(line, 10);
        assert!(edited.contains("      description: Plain text. Edited by cargo xtask bench.\r\n"));
        assert_eq!(edited.len(), DOCUMENT.len() + EDIT_MARK.len());
    }

    #[test]
    fn document_without_plain_description_is_rejected() {
        assert!(edit_first_description("paths:\n  description: |\n    text\n").is_none());
        assert!(edit_first_description("info:\n  description: Outside.\n").is_none());
    }

    #[test]
    fn restore_writes_original_bytes() {
        let path = temporary_file("restore.yaml", DOCUMENT);
        let backup = path.with_extension("orig");
        let edit = DocumentEdit::apply(&path, &backup).unwrap();
        assert_ne!(fs::read_to_string(&path).unwrap(), DOCUMENT);
        edit.restore().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), DOCUMENT);
        assert_eq!(fs::read_to_string(&backup).unwrap(), DOCUMENT);
    }

    #[test]
    fn restore_keeps_someone_elses_change() {
        let path = temporary_file("changed.yaml", DOCUMENT);
        let backup = path.with_extension("orig");
        let edit = DocumentEdit::apply(&path, &backup).unwrap();
        fs::write(&path, "changed meanwhile\n").unwrap();
        let error = edit.restore().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("changed during the timed rebuild"),
            "{error}"
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "changed meanwhile\n");
    }
}
