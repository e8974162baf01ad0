//! Checks that the built page references no remote script, stylesheet, font or image, and
//! replaces the Redocly logo that Redoc would otherwise load from Redocly's CDN.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// URLs of the Redocly logo that Redoc's sidebar shows beside "API docs by"
/// (`@redocly/cli` 2.77.0). The page would fetch one of them from the CDN when opened.
const REMOTE_LOGOS: [&str; 2] = [
    "https://cdn.redoc.ly/redoc/logo-mini-full.svg",
    "https://cdn.redoc.ly/redoc/logo-mini.svg",
];

/// Inline replacement of the logo: the word "Redocly" as an SVG image, percent-encoded so
/// that it fits in the JavaScript string that contains the URL.
const INLINE_LOGO: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='52' height='16'%3E%3Ctext x='0' y='12' font-family='sans-serif' font-size='12' fill='%23555'%3ERedocly%3C/text%3E%3C/svg%3E";

/// Marker of the page template's Content-Security-Policy, which blocks every remote load.
const CSP_MARKER: &str = "http-equiv=\"Content-Security-Policy\"";

/// Hosts of web fonts that a Redoc page template may link to.
const FONT_HOSTS: [&str; 2] = ["fonts.googleapis.com", "fonts.gstatic.com"];

/// Replaces the Redocly logo URLs in the page at `path` with an inline image.
pub fn remove_remote_logos(path: &Path) -> Result<()> {
    let html = read(path)?;
    let mut rewritten = html.clone();
    for url in REMOTE_LOGOS {
        rewritten = rewritten.replace(url, INLINE_LOGO);
    }
    if rewritten != html {
        fs::write(path, rewritten)
            .with_context(|| format!("failed to write {}", path.display()))?;
    }
    Ok(())
}

/// Fails when the page at `path` lacks the template's Content-Security-Policy or references
/// a remote resource.
pub fn check_self_contained(path: &Path) -> Result<()> {
    let html = read(path)?;
    let mut problems = remote_references(&html);
    if !html.contains(CSP_MARKER) {
        problems.push(
            "no Content-Security-Policy meta tag; build-docs did not use openapi/redoc-template.hbs"
                .to_owned(),
        );
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "{} is not self-contained:\n{}",
        path.display(),
        problems.join("\n")
    );
}

/// Lists the remote resources that `html` would load: `<script src>`, `<link href>`, CSS
/// `url()` and `@import` with an `http:`, `https:` or protocol-relative URL, web font hosts and
/// the Redocly CDN logo.
fn remote_references(html: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for tag in tags(html, "<script") {
        if let Some(url) = remote_attribute(tag, "src=") {
            problems.push(format!("script loaded from {url}"));
        }
    }
    for tag in tags(html, "<link") {
        if let Some(url) = remote_attribute(tag, "href=") {
            problems.push(format!("<link> to {url}"));
        }
    }
    for needle in ["url(", "@import"] {
        for (index, _) in html.match_indices(needle) {
            if let Some(url) = remote_url_at(&html[index + needle.len()..]) {
                problems.push(format!("CSS {needle} of {url}"));
            }
        }
    }
    for host in FONT_HOSTS.iter().chain(&REMOTE_LOGOS) {
        if html.contains(host) {
            problems.push(format!("reference to {host}"));
        }
    }
    problems
}

/// Returns the opening tags of `html` that start with `start` (such as `<script`).
fn tags<'a>(html: &'a str, start: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    html.match_indices(start).map(|(index, _)| {
        let rest = &html[index..];
        let end = rest.find('>').map_or(rest.len(), |end| end + 1);
        &rest[..end]
    })
}

/// Returns the value of the attribute `name` (such as `src=`) of `tag` when it is a
/// remote URL.
fn remote_attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let index = tag.find(name)?;
    remote_url_at(&tag[index + name.len()..])
}

/// Returns the URL at the start of `text`, after spaces, quotes and a CSS `url(`, when it is
/// an `http:`, `https:` or protocol-relative URL.
fn remote_url_at(text: &str) -> Option<&str> {
    let text = text.trim_start_matches([' ', '"', '\'', '`']);
    let text = text
        .strip_prefix("url(")
        .unwrap_or(text)
        .trim_start_matches([' ', '"', '\'', '`']);
    let is_remote = ["http://", "https://", "//"]
        .iter()
        .any(|scheme| text.starts_with(scheme));
    if !is_remote {
        return None;
    }
    let end = text
        .find(['"', '\'', '`', ')', ' ', '>'])
        .unwrap_or(text.len());
    Some(&text[..end])
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("failed to read {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_page_has_no_remote_references() {
        let html = "<html><head><style>a{background:url(data:image/png;base64,AAAA)}</style>\
                    <script>const link = 'https://redocly.com/redoc/';</script></head>\
                    <body><a href=\"https://www.jobbers.com\">site</a><img src=\"data:,x\"></body></html>";

        assert_eq!(remote_references(html), Vec::<String>::new());
    }

    #[test]
    fn remote_script_is_reported() {
        let html = "<script src=\"https://cdn.example.com/redoc.js\"></script>";

        assert_eq!(
            remote_references(html),
            ["script loaded from https://cdn.example.com/redoc.js"]
        );
    }

    #[test]
    fn google_fonts_link_is_reported() {
        let html =
            "<link href=\"https://fonts.googleapis.com/css?family=Roboto\" rel=\"stylesheet\">";

        assert_eq!(
            remote_references(html),
            [
                "<link> to https://fonts.googleapis.com/css?family=Roboto",
                "reference to fonts.googleapis.com"
            ]
        );
    }

    #[test]
    fn remote_css_url_and_import_are_reported() {
        let html = "<style>@import url('//example.com/a.css'); b{src:url(\"https://example.com/f.woff2\")}</style>";

        assert_eq!(
            remote_references(html),
            [
                "CSS url( of //example.com/a.css",
                "CSS url( of https://example.com/f.woff2",
                "CSS @import of //example.com/a.css"
            ]
        );
    }

    #[test]
    fn redocly_logo_is_replaced_inline() {
        let directory = std::env::temp_dir().join(format!("xtask-docs-{}", std::process::id()));
        fs::create_dir_all(&directory).unwrap();
        let page = directory.join("index.html");
        let bundle = format!("src:e?`{}`:`{}`", REMOTE_LOGOS[0], REMOTE_LOGOS[1]);
        fs::write(&page, &bundle).unwrap();

        remove_remote_logos(&page).unwrap();
        let rewritten = fs::read_to_string(&page).unwrap();
        fs::remove_dir_all(&directory).unwrap();

        assert_eq!(rewritten, format!("src:e?`{INLINE_LOGO}`:`{INLINE_LOGO}`"));
        assert_eq!(remote_references(&rewritten), Vec::<String>::new());
    }
}
