//! The Email tab in the real window against the real mail stack: the app's
//! own background sync fills it and reports progress, a conversation opens
//! and is marked read, a reply sent by keyboard joins it, archiving takes it
//! out of the Inbox here and on the server; and a message's HTML is shown
//! safely: known XSS vectors execute nothing, and a remote image is fetched
//! only once the user allows it (a local HTTP server counts the requests).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use candor_tests::Cli;
use candor_tests::dovecot::Dovecot;
use candor_tests::driver::wait_for;
use candor_tests::postfix::Postfix;
use fantoccini::Client;

use crate::ui::{OpenApp, click, fill, open_unlocked, screenshot, text_of, texts_of, until};

const PASSPHRASE: &str = "email tab passphrase";

fn plain(n: u32, subject: &str, body: &str) -> String {
    format!(
        "From: Celina Nowak <candidate@test>\r\n\
         To: Recruiter <recruiter@test>\r\n\
         Subject: {subject}\r\n\
         Date: Mon, 30 Nov 2026 09:{n:02}:00 +0100\r\n\
         Message-ID: <email-tab-{n}@test>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         {body}\r\n"
    )
}

fn html(n: u32, subject: &str, html: &str) -> String {
    format!(
        "From: Marketing <news@sender.test>\r\n\
         To: Recruiter <recruiter@test>\r\n\
         Subject: {subject}\r\n\
         Date: Mon, 30 Nov 2026 10:{n:02}:00 +0100\r\n\
         Message-ID: <email-html-{n}@test>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         \r\n\
         {html}\r\n"
    )
}

async fn row_with(client: &Client, text: &str, timeout: Duration) -> Result<()> {
    let found = until(
        client,
        &format!(
            "return [...document.querySelectorAll('[data-testid=thread-row]')].some(r => r.innerText.includes({}));",
            serde_json::to_string(text)?
        ),
        timeout,
        &format!("a conversation \"{text}\" in the list"),
    )
    .await;
    if found.is_err() {
        // What the user saw instead, for the failure's message.
        let shown = client
            .execute("const r = document.querySelector('[data-testid=thread-row]'); return document.body.innerText + ' | ' + (r ? [r, r.querySelector('.lines'), r.querySelector('.who'), r.querySelector('.subject')].map(e => e && (e.className + ':' + JSON.stringify(e.getBoundingClientRect()) + ':' + e.textContent)).join(' ; ') : 'no row');", vec![])
            .await?;
        return found
            .map(|_| ())
            .context(format!("the window showed: {shown}"));
    }
    Ok(())
}

async fn open_row(client: &Client, text: &str) -> Result<()> {
    client
        .execute(
            &format!(
                "[...document.querySelectorAll('[data-testid=thread-row]')].find(r => r.innerText.includes({})).click();",
                serde_json::to_string(text)?
            ),
            vec![],
        )
        .await?;
    Ok(())
}

/// Sends keys as the user types them with the thread list focused.
async fn press(client: &Client, keys: &str) -> Result<()> {
    let list = wait_for(client, "[data-testid=thread-list]").await?;
    list.click().await.ok();
    list.send_keys(keys).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_email_tab_syncs_reads_replies_and_archives() -> Result<()> {
    let dovecot = Dovecot::start()?;
    let postfix = Postfix::start(&dovecot)?;
    let tmp = tempfile::tempdir()?;
    dovecot.deliver(
        "recruiter",
        "INBOX",
        plain(
            1,
            "Backend role in Kraków",
            "Dzień dobry, I would like to talk.",
        )
        .as_bytes(),
    )?;
    // The account only: the app's own background sync brings the mail in.
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
    dovecot
        .add_sending_account(&cli, postfix.submissions_port)
        .ok();

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "email-tab",
        "#/email",
    )
    .await?;
    row_with(&client, "Backend role in Kraków", Duration::from_secs(60)).await?;

    // Every status line the account shows from now on.
    client
        .execute(
            "window.__statuses = [];
             const record = () => document.querySelectorAll('[data-testid=account-status]')
                 .forEach(s => window.__statuses.push(s.innerText));
             new MutationObserver(record).observe(document.querySelector('[data-testid=folder-pane]'),
                 { subtree: true, childList: true, characterData: true });",
            vec![],
        )
        .await?;
    for n in 2..=4 {
        dovecot.deliver(
            "recruiter",
            "INBOX",
            plain(n, &format!("Second candidate {n}"), "Hello!").as_bytes(),
        )?;
    }
    click(&client, "[data-testid=sync-now]").await?;
    row_with(&client, "Second candidate 4", Duration::from_secs(30)).await?;
    let statuses = until(
        &client,
        "const s = window.__statuses; return s.length && s[s.length - 1].includes('Synced') ? s : null;",
        Duration::from_secs(15),
        "the status line to say Synced",
    )
    .await?;
    ensure!(
        statuses.as_array().is_some_and(|s| s
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t.contains("Syncing")))),
        "the status line showed the sync in progress: {statuses}"
    );
    let unread = text_of(&client, "[data-testid=unified-inbox]").await?;
    ensure!(
        unread.contains('4'),
        "four unread in All inboxes: {unread:?}"
    );
    screenshot(&client, &display, "email-tab.png").await?;

    // Opening a conversation shows it and marks it read.
    open_row(&client, "Backend role in Kraków").await?;
    let body = text_of(&client, "[data-testid=message-body]").await?;
    ensure!(
        body.contains("would like to talk"),
        "the message opens: {body:?}"
    );
    until(
        &client,
        "return document.querySelector('[data-testid=unified-inbox]').innerText.includes('3');",
        Duration::from_secs(10),
        "three unread after reading one",
    )
    .await?;

    // Reply by keyboard: r opens the compose window addressed to the sender.
    press(&client, "r").await?;
    let to = wait_for(&client, "[data-testid=compose-window] input[name=to]")
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        to.contains("candidate@test"),
        "the reply goes to the sender: {to:?}"
    );
    fill(
        &client,
        "[data-testid=compose-window] textarea[name=body]",
        "Thursday at 10:00 works for me.",
    )
    .await?;
    click(&client, "[data-testid=compose-send]").await?;
    until(
        &client,
        "const o = document.querySelector('[data-testid=compose-outcome]'); return o && o.innerText.includes('Sent.');",
        Duration::from_secs(40),
        "the reply to be sent",
    )
    .await?;
    until(
        &client,
        "return document.querySelectorAll('[data-testid=conversation] [data-testid=message]').length === 2;",
        Duration::from_secs(20),
        "the reply to join the conversation",
    )
    .await?;
    screenshot(&client, &display, "email-conversation.png").await?;

    // Archive by keyboard: out of the list at once, into Archive on the server.
    press(&client, "e").await?;
    until(
        &client,
        "return ![...document.querySelectorAll('[data-testid=thread-row]')].some(r => r.innerText.includes('Backend role'));",
        Duration::from_secs(5),
        "the archived conversation to leave the Inbox list",
    )
    .await?;
    ensure!(
        texts_of(&client, "[data-testid=thread-row]")
            .await?
            .iter()
            .any(|r| r.contains("Second candidate")),
        "the other conversations stay"
    );
    click(&client, "[data-testid=sync-now]").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while dovecot.count_message_id("recruiter", "Archive", "email-tab-1@test") != 1 {
        ensure!(
            std::time::Instant::now() < deadline,
            "the server has the message in Archive"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    ensure!(
        dovecot.count_message_id("recruiter", "INBOX", "email-tab-1@test") == 0,
        "and no longer in the Inbox"
    );
    client.close().await?;
    Ok(())
}

/// A loopback HTTP server that counts the requests it gets (and answers
/// each with a 1×1 GIF), standing in for a tracker or a remote image host.
struct CountingServer {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl CountingServer {
    fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                counted.fetch_add(1, Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    GIF.len()
                );
                let _ = stream.write_all(GIF);
            }
        });
        Ok(Self { port, hits })
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Known XSS vectors (from the OWASP filter evasion cheat sheet), each of
/// which would leave a mark if it ran: a request to the counting server, or
/// a flag set on the app's window.
fn xss_vectors(base: &str) -> String {
    [
        "<p>The visible text of the message.</p>".to_owned(),
        "<script>parent.__pwned = 'script'</script>".to_owned(),
        "<ScRiPt>parent.__pwned = 'case'</sCrIpT>".to_owned(),
        format!("<img src=x onerror=\"parent.__pwned='onerror'; fetch('{base}/onerror')\">"),
        "<svg onload=\"parent.__pwned='svg'\"><circle r=5></circle></svg>".to_owned(),
        "<body onload=\"parent.__pwned='body'\">".to_owned(),
        "<details open ontoggle=\"parent.__pwned='details'\"><summary>x</summary></details>".to_owned(),
        format!("<iframe src=\"{base}/iframe\"></iframe>"),
        "<iframe srcdoc=\"<script>parent.parent.__pwned='srcdoc'</script>\"></iframe>".to_owned(),
        format!("<object data=\"{base}/object\"></object><embed src=\"{base}/embed\">"),
        format!("<meta http-equiv=\"refresh\" content=\"0;url={base}/refresh\">"),
        format!("<link rel=\"stylesheet\" href=\"{base}/link.css\">"),
        format!("<style>@import '{base}/import.css'; p {{ background: url({base}/bg.png) }}</style>"),
        format!("<p style=\"background-image:url({base}/inline.png)\">styled</p>"),
        format!("<table background=\"{base}/table.png\"><tr><td>t</td></tr></table>"),
        format!("<form action=\"{base}/form\"><input name=q value=x><button id=go>go</button></form>"),
        "<a id=js href=\"javascript:parent.__pwned='href'\">click me</a>".to_owned(),
        "<a id=js2 href=\"&#106;avascript:parent.__pwned='entity'\">and me</a>".to_owned(),
        format!("<base href=\"{base}/\"><img src=\"relative.png\">"),
        format!("<video poster=\"{base}/poster.png\"></video><audio src=\"{base}/a.mp3\" autoplay></audio>"),
        // Last: an unclosed namespace-confusion vector swallows whatever follows it.
        "<math><mtext><table><mglyph><style><img src=x onerror=\"parent.__pwned='math'\">".to_owned(),
    ]
    .join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn html_mail_runs_nothing_and_loads_remote_images_only_when_allowed() -> Result<()> {
    let dovecot = Dovecot::start()?;
    let server = CountingServer::start()?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let tmp = tempfile::tempdir()?;
    dovecot.deliver(
        "recruiter",
        "INBOX",
        html(1, "Hostile newsletter", &xss_vectors(&base)).as_bytes(),
    )?;
    dovecot.deliver(
        "recruiter",
        "INBOX",
        html(
            2,
            "Newsletter with a picture",
            &format!("<p>Our team</p><img id=team src=\"{base}/team.png\" alt=team>"),
        )
        .as_bytes(),
    )?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();
    dovecot
        .add_account(
            &cli,
            "imap",
            "Work",
            dovecot.imaps_port,
            "tls",
            candor_tests::dovecot::USERS[0].1,
        )
        .ok();
    cli.run(&["sync"]).ok();

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "email-html",
        "#/email",
    )
    .await?;

    // The hostile message: shown, and nothing in it runs or reaches out.
    row_with(&client, "Hostile newsletter", Duration::from_secs(30)).await?;
    open_row(&client, "Hostile newsletter").await?;
    wait_for(&client, "[data-testid=message-html]").await?;
    until(
        &client,
        "const d = document.querySelector('[data-testid=message-html]').contentDocument;
         return d && d.body && d.body.innerText.includes('The visible text');",
        Duration::from_secs(10),
        "the message's HTML to be shown",
    )
    .await?;
    // The user clicks the links too: javascript: must not run, the form must not submit.
    client
        .execute(
            "const d = document.querySelector('[data-testid=message-html]').contentDocument;
             for (const id of ['js', 'js2', 'go']) d.getElementById(id)?.click();",
            vec![],
        )
        .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pwned = client
        .execute("return window.__pwned ?? null;", vec![])
        .await?;
    ensure!(pwned.is_null(), "a vector ran in the app: {pwned}");
    let left = client
        .execute(
            "const d = document.querySelector('[data-testid=message-html]').contentDocument;
             const bad = [];
             for (const e of d.body.querySelectorAll('*')) {
               if (['SCRIPT','IFRAME','OBJECT','EMBED','FORM','META','LINK','BASE'].includes(e.tagName)) bad.push(e.tagName);
               for (const a of e.attributes) if (/^on/i.test(a.name) || /javascript:/i.test(a.value)) bad.push(e.tagName + ' ' + a.name);
             }
             return bad;",
            vec![],
        )
        .await?;
    ensure!(
        left.as_array().is_some_and(Vec::is_empty),
        "the shown HTML keeps no active content: {left}"
    );
    ensure!(
        server.hits() == 0,
        "the hostile message made {} request(s) to the network",
        server.hits()
    );
    ensure!(
        client.execute("return location.hash;", vec![]).await? == "#/email",
        "the window did not navigate away"
    );

    // The picture: blocked, with a bar saying so; loaded when the user asks.
    open_row(&client, "Newsletter with a picture").await?;
    let bar = text_of(&client, "[data-testid=remote-blocked]").await?;
    ensure!(
        bar.contains("blocked"),
        "the user is told remote content was blocked: {bar:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    ensure!(
        server.hits() == 0,
        "the remote image was fetched before the user allowed it"
    );
    screenshot(&client, &display, "email-remote-blocked.png").await?;
    click(&client, "[data-testid=remote-load]").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.hits() == 0 {
        if std::time::Instant::now() >= deadline {
            // What the window shows, to tell a click that did not take from
            // a load that did not happen.
            let seen = client
                .execute(
                    "const frames = [...document.querySelectorAll('[data-testid=message-html]')];
                     return {
                       bar: document.querySelectorAll('[data-testid=remote-blocked]').length,
                       frames: frames.length,
                       remoteInFrame: frames.map((f) => /<img[^>]+src=.http/i.test(f.srcdoc)),
                       imagesShown: frames.map((f) => [...(f.contentDocument?.images ?? [])].map((i) => i.getAttribute('src'))),
                       policyShown: frames.map((f) => f.contentDocument?.querySelector('meta[http-equiv]')?.content ?? null),
                       alerts: [...document.querySelectorAll('[role=alert]')].map((e) => e.innerText),
                     };",
                    vec![],
                )
                .await?;
            bail!("the image loads once the user allows it; the window shows {seen}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client.close().await?;
    Ok(())
}

/// The setup form, end to end against Dovecot with its own self-signed
/// certificate: the account is added and checked at once, the check names
/// the untrusted certificate with its fingerprint (as openssl prints it),
/// trusting it lets the first sync run, and the mail shows in the Email tab.
#[tokio::test(flavor = "multi_thread")]
async fn an_account_added_in_the_app_syncs_once_its_certificate_is_trusted() -> Result<()> {
    let dovecot = Dovecot::start()?;
    let tmp = tempfile::tempdir()?;
    dovecot.deliver(
        "recruiter",
        "INBOX",
        plain(1, "Welcome to the new account", "Hello from the server.").as_bytes(),
    )?;
    let cli = Cli::with_passphrase(tmp.path(), PASSPHRASE);
    cli.run(&["init"]).ok();

    let OpenApp {
        client,
        display,
        driver: _driver,
    } = open_unlocked(
        tmp.path(),
        &cli.data_dir,
        PASSPHRASE,
        "account-setup",
        "#/accounts/new",
    )
    .await?;
    let form = "[data-testid=account-setup]";
    fill(
        &client,
        &format!("{form} input[name=email]"),
        "recruiter@test",
    )
    .await?;
    fill(&client, &format!("{form} input[name=name]"), "Work").await?;
    fill(&client, &format!("{form} input[name=host]"), "localhost").await?;
    fill(
        &client,
        &format!("{form} input[name=port]"),
        &dovecot.imaps_port.to_string(),
    )
    .await?;
    fill(
        &client,
        &format!("{form} input[name=username]"),
        "recruiter",
    )
    .await?;
    fill(
        &client,
        &format!("{form} input[name=password]"),
        candor_tests::dovecot::USERS[0].1,
    )
    .await?;
    // No outgoing server in this test.
    click(&client, &format!("{form} input[name=sends]")).await?;
    screenshot(&client, &display, "account-setup.png").await?;
    click(&client, "[data-testid=account-add]").await?;

    let problem = text_of(&client, "[data-testid=account-problem]").await?;
    let openssl = std::process::Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
        .arg(dovecot.dir().join("cert.pem"))
        .output()?;
    let fingerprint = String::from_utf8_lossy(&openssl.stdout)
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or_default()
        .to_owned();
    ensure!(!fingerprint.is_empty(), "openssl printed the fingerprint");
    ensure!(
        problem.contains(&fingerprint),
        "the user is shown the certificate's fingerprint {fingerprint}: {problem:?}"
    );
    click(&client, "[data-testid=trust-certificate]").await?;
    until(
        &client,
        "return document.querySelector('[data-testid=account-fix]').innerText.includes('trusted');",
        Duration::from_secs(10),
        "the certificate to be trusted",
    )
    .await?;
    // The clicks the page receives, for the message below: this step failed
    // now and then (2 of about 16 full window runs, under load) with the
    // setup page still shown after the click.
    client
        .execute(
            "window.__clicks = [];
             document.addEventListener('click', (e) => window.__clicks.push(
               `${e.target?.outerHTML?.slice(0, 80)} at ${e.clientX},${e.clientY}`), true);",
            vec![],
        )
        .await?;
    click(&client, "[data-testid=go-to-email]").await?;
    if let Err(e) = until(
        &client,
        "return location.hash === '#/email';",
        Duration::from_secs(10),
        "the Email tab",
    )
    .await
    {
        let seen = client
            .execute(
                "const link = document.querySelector('[data-testid=go-to-email]')?.getBoundingClientRect();
                 return { hash: location.hash, clicks: window.__clicks,
                          link: link && [link.x, link.y, link.width, link.height],
                          window: [innerWidth, innerHeight, scrollY] };",
                vec![],
            )
            .await?;
        bail!("{e}: the click on \"Go to Email\" did not go there; the window shows {seen}");
    }
    row_with(
        &client,
        "Welcome to the new account",
        Duration::from_secs(60),
    )
    .await?;
    until(
        &client,
        "return document.querySelector('[data-testid=account-status]').innerText.includes('Synced');",
        Duration::from_secs(30),
        "the account to say Synced",
    )
    .await?;
    client.close().await?;
    Ok(())
}
