//! Signed journals end to end: a finished run signs its journal (`JOURNAL.sig`) with the key
//! beside it, `ttx verify` checks it and names the key, OpenSSH's own `ssh-keygen -Y verify`
//! accepts it, an edit after signing and a missing signature are said plainly (by `verify`,
//! exit 1, and on the report's cover), and a debrief entry signs the journal again.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use serde_json::Value;

fn ttx() -> Command {
    Command::cargo_bin("ttx").expect("the ttx binary is built")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Plays the worked example's script with a journal `run.jsonl` in `dir`; its path.
fn finished_run(dir: &Path) -> PathBuf {
    let journal = dir.join("run.jsonl");
    ttx()
        .args([
            "run",
            "tests/fixtures/phishing-example/scenario.ron",
            "--script",
            "tests/fixtures/phishing-example/script.ron",
            "--journal",
        ])
        .arg(&journal)
        .assert()
        .success();
    journal
}

/// `ttx verify` with `args` after the journal: exit code, stdout, stderr.
fn verify(journal: &Path, args: &[&Path]) -> (Option<i32>, String, String) {
    let output = ttx()
        .arg("verify")
        .arg(journal)
        .args(args.iter().flat_map(|key| [Path::new("--key"), key]))
        .output()
        .unwrap();
    (
        output.status.code(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

/// The report's cover line in Markdown and HTML, and its JSON `signature`.
fn report_says(journal: &Path) -> (String, String, Value) {
    let report = |format: &str| {
        let output = ttx()
            .arg("report")
            .arg(journal)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let markdown = report("md");
    let cover = markdown
        .split("## Exercise Overview")
        .next()
        .unwrap()
        .lines()
        .find(|line| line.starts_with("Journal "))
        .unwrap_or_else(|| panic!("no signature line on the cover: {markdown}"))
        .to_string();
    let html = report("html");
    let html_cover = html
        .split("</header>")
        .next()
        .unwrap()
        .lines()
        .find(|line| line.starts_with("<p class=\"signature\">"))
        .unwrap_or_else(|| panic!("no signature line on the cover: {html}"))
        .to_string();
    // The fingerprint is in the technical appendix, the cover says only whether it is signed.
    let fact = |report: &str, starts: &str| {
        report
            .lines()
            .find(|line| line.starts_with(starts))
            .map(str::to_string)
    };
    let cover = match fact(&markdown, "| Journal signature | signed by the key ") {
        Some(fact) => format!("{cover}\n{fact}"),
        None => cover,
    };
    let html_cover = match fact(
        &html,
        "<tr><td>Journal signature</td><td>signed by the key ",
    ) {
        Some(fact) => format!("{html_cover}\n{fact}"),
        None => html_cover,
    };
    let json: Value = serde_json::from_str(&report("json")).unwrap();
    (cover, html_cover, json["signature"].clone())
}

/// The SHA-256 fingerprint of the public key in a file.
fn fingerprint(public_key: &Path) -> String {
    russh::keys::PublicKey::read_openssh_file(public_key)
        .expect("a public key")
        .fingerprint(russh::keys::HashAlg::Sha256)
        .to_string()
}

/// Whether OpenSSH's `ssh-keygen` is here; if not, says so and the test returns.
fn openssh() -> bool {
    let here = Process::new("ssh-keygen").arg("-?").output().is_ok();
    if !here {
        eprintln!("SKIPPED: `ssh-keygen` (OpenSSH client) is not installed");
    }
    here
}

#[test]
fn a_finished_run_is_signed_and_verify_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    let sig = fs::read_to_string(dir.path().join("run.jsonl.sig")).unwrap();
    assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"), "{sig}");
    let public = dir.path().join("ttx_host_ed25519.pub");
    let fingerprint = fingerprint(&public);
    assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");

    let (code, out, err) = verify(&journal, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        format!("ok: {} signed by {fingerprint}\n", journal.display())
    );
    let (code, out, err) = verify(&journal, &[&public]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains(&fingerprint), "{out}");

    let (markdown, html, json) = report_says(&journal);
    assert_eq!(
        markdown,
        format!(
            "Journal signed (see the technical appendix for the signing key).\n| Journal \
             signature | signed by the key {fingerprint} |"
        )
    );
    assert_eq!(
        html,
        format!(
            "<p class=\"signature\">Journal signed (see the technical appendix for the signing \
             key).</p>\n<tr><td>Journal signature</td><td>signed by the key {fingerprint}</td></tr>"
        )
    );
    assert_eq!(
        json,
        serde_json::json!({"status": "signed", "fingerprint": fingerprint})
    );
}

#[test]
fn openssh_verifies_the_signature_ttx_made() {
    if !openssh() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    // The facilitator guide's allowed_signers line: a name, then the host key's .pub.
    let public = fs::read_to_string(dir.path().join("ttx_host_ed25519.pub")).unwrap();
    let allowed = dir.path().join("allowed_signers");
    fs::write(&allowed, format!("ttx {public}")).unwrap();
    let openssh = |journal: &Path| {
        Process::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args(["-I", "ttx", "-n", "ttx-journal", "-s"])
            .arg(dir.path().join("run.jsonl.sig"))
            .stdin(fs::File::open(journal).unwrap())
            .output()
            .expect("ssh-keygen runs")
    };
    let good = openssh(&journal);
    assert!(good.status.success(), "{}", text(&good.stderr));
    // OpenSSH names the key by the fingerprint `ttx verify` prints.
    let (_, ours, _) = verify(&journal, &[]);
    let fingerprint = ours.trim_end().rsplit(' ').next().unwrap();
    assert!(fingerprint.starts_with("SHA256:"), "{ours}");
    let said = text(&good.stderr) + &text(&good.stdout);
    assert!(
        said.contains(&format!(
            "Good \"ttx-journal\" signature for ttx with ED25519 key {fingerprint}"
        )),
        "{said}"
    );
    // The same signature against another journal: OpenSSH refuses it too.
    let other = dir.path().join("other.jsonl");
    let mut bytes = fs::read(&journal).unwrap();
    bytes.extend_from_slice(b"\n");
    fs::write(&other, bytes).unwrap();
    assert!(!openssh(&other).status.success());
}

#[test]
fn a_journal_edited_after_signing_does_not_match() {
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    // A blank line at the end: the hash chain and the reader accept it (an editor adds them),
    // the signature does not.
    let mut bytes = fs::read(&journal).unwrap();
    bytes.extend_from_slice(b"\n");
    fs::write(&journal, &bytes).unwrap();

    let (code, out, err) = verify(&journal, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with(&format!(
            "{}: signature does not match: ",
            journal.display()
        )),
        "{err}"
    );
    let (markdown, html, json) = report_says(&journal);
    assert_eq!(
        markdown,
        "Journal signature does not match: the journal is not what was signed."
    );
    assert!(html.contains("Journal signature does not match"), "{html}");
    assert_eq!(
        json,
        serde_json::json!({"status": "does_not_match", "fingerprint": null})
    );

    // Any byte changed, even one the reader would refuse: `verify` needs only the bytes.
    bytes[100] ^= 1;
    fs::write(&journal, &bytes).unwrap();
    let (code, _, err) = verify(&journal, &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("signature does not match"), "{err}");
}

#[test]
fn a_journal_without_its_signature_is_not_signed() {
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    fs::remove_file(dir.path().join("run.jsonl.sig")).unwrap();

    let (code, out, err) = verify(&journal, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        err,
        format!(
            "{}: not signed (there is no {}.sig)\n",
            journal.display(),
            journal.display()
        )
    );
    let (markdown, html, json) = report_says(&journal);
    assert_eq!(markdown, "Journal not signed.");
    assert_eq!(html, "<p class=\"signature\">Journal not signed.</p>");
    assert_eq!(
        json,
        serde_json::json!({"status": "not_signed", "fingerprint": null})
    );

    // A journal that is not there is not "not signed": it cannot be read.
    let (code, _, err) = verify(&dir.path().join("missing.jsonl"), &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn verify_with_a_key_requires_that_key() {
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    let other = dir.path().join("other");
    ttx::host_key::load_or_create(&other).unwrap();
    let other_public = dir.path().join("other.pub");
    let (code, out, err) = verify(&journal, &[&other_public]);
    assert_eq!(code, Some(1), "{out}");
    let signer = fingerprint(&dir.path().join("ttx_host_ed25519.pub"));
    assert!(
        err.contains(&format!("signed by {signer}, not by the key in")),
        "{err}"
    );
    assert!(err.contains(&fingerprint(&other_public)), "{err}");
    // A private key is not what --key takes.
    let (code, _, err) = verify(&journal, &[&other]);
    assert_eq!(code, Some(1));
    assert!(err.contains("not an OpenSSH public key"), "{err}");
    // A flag without its file is a usage error.
    let usage = ttx()
        .arg("verify")
        .arg(&journal)
        .arg("--key")
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn a_debrief_entry_signs_the_journal_again() {
    let dir = tempfile::tempdir().unwrap();
    let journal = finished_run(dir.path());
    let before = fs::read(dir.path().join("run.jsonl.sig")).unwrap();
    ttx()
        .args(["debrief", "summary"])
        .arg(&journal)
        .arg("Two teams, one wave.")
        .assert()
        .success();
    let after = fs::read(dir.path().join("run.jsonl.sig")).unwrap();
    assert_ne!(before, after, "the signature was not made again");
    let (code, out, err) = verify(&journal, &[&dir.path().join("ttx_host_ed25519.pub")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("ok: "), "{out}");

    // With --host-key (a served exercise's key kept elsewhere), that key signs.
    let elsewhere = dir.path().join("keys").join("host");
    ttx()
        .args(["debrief", "--host-key"])
        .arg(&elsewhere)
        .args(["edit"])
        .arg(&journal)
        .args(["note-1", "capability-element", "training"])
        .assert()
        .success();
    let (code, out, err) = verify(&journal, &[&dir.path().join("keys").join("host.pub")]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("ok: "), "{out}");
    let (markdown, _, _) = report_says(&journal);
    assert_eq!(
        markdown,
        format!(
            "Journal signed (see the technical appendix for the signing key).\n| Journal \
             signature | signed by the key {} |",
            fingerprint(&dir.path().join("keys").join("host.pub"))
        )
    );
}
