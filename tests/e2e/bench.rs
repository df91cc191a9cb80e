//! The window benchmark (not a test: ignored, asserts nothing, prints
//! figures): the real app on a 100,000-message store that
//! `CANDOR_BENCH_UI_STORE` names (made by `bench/ui.sh`). Measures app start
//! to an interactive thread list, opening a 20-message conversation from
//! click to paint, and the thread list's frame rate while scrolling.
//!
//! Under Xvfb the web view paints in software on a shared 2-core machine:
//! the figures are an upper bound of what a desktop with a GPU shows.

// A benchmark's output is its figures, printed for the person running it.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use candor_tests::artifacts_dir;
use candor_tests::binary;
use candor_tests::display::VirtualDisplay;
use candor_tests::driver::TauriDriver;

use crate::ui::{app_env, until};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run by bench/ui.sh on a prepared store"]
async fn window_speed_on_a_large_store() -> Result<()> {
    let data_dir = std::path::PathBuf::from(
        std::env::var_os("CANDOR_BENCH_UI_STORE")
            .context("CANDOR_BENCH_UI_STORE names the store")?,
    );
    // bench/ui.sh points at a release build; the debug one otherwise.
    let app = match std::env::var_os("CANDOR_APP_BINARY") {
        Some(path) => std::path::PathBuf::from(path),
        None => binary("candor-app")?,
    };
    let display = VirtualDisplay::start()?;
    let home = tempfile::tempdir()?;
    let mut env = app_env(&display, &data_dir, home.path())?;
    env.push(("CANDOR_PASSPHRASE", "bench".to_owned()));
    let driver = TauriDriver::start(&env, &artifacts_dir().join("tauri-driver-bench.log"))?;

    // Start to interactive: the process starts, opens and unlocks the store,
    // and the Email tab shows its first page of conversations.
    let started = Instant::now();
    let client = driver.launch(&app).await?;
    until(
        &client,
        "return document.querySelectorAll('[data-testid=thread-row]').length > 0;",
        Duration::from_secs(60),
        "the thread list",
    )
    .await?;
    let wall = started.elapsed();
    let in_page = client
        .execute("return performance.now();", vec![])
        .await?
        .as_f64()
        .unwrap_or_default();
    println!(
        "start to interactive: {:.0} ms from asking WebDriver for the window (includes the driver's own start-up), {in_page:.0} ms of it inside the page (target < 1500 ms)",
        wall.as_secs_f64() * 1000.0
    );

    // Opening the 20-message conversation, click to paint, ten times.
    let mut opens = Vec::new();
    // The same, up to the messages being in the DOM (before the browser paints).
    let mut in_dom = Vec::new();
    for _ in 0..10 {
        let ms = client
            .execute_async(
                "const done = arguments[0];
                 const row = [...document.querySelectorAll('[data-testid=thread-row]')]
                   .find(r => r.innerText.includes('Twenty messages'));
                 if (!row) return done(null);
                 const t0 = performance.now();
                 row.click();
                 const check = () => {
                   const shown = document.querySelectorAll('[data-testid=conversation] [data-testid=message]').length;
                   if (shown >= 20) {
                     const inDom = performance.now() - t0;
                     requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - t0, inDom])));
                   }
                   else requestAnimationFrame(check);
                 };
                 check();",
                vec![],
            )
            .await?;
        let (paint, dom) = (ms[0].as_f64(), ms[1].as_f64());
        let (Some(paint), Some(dom)) = (paint, dom) else {
            anyhow::bail!("the 20-message conversation is not in the list");
        };
        opens.push(paint);
        in_dom.push(dom);
        // Close it (Escape), so the next click opens it afresh.
        client
            .execute(
                "window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));",
                vec![],
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    opens.sort_by(f64::total_cmp);
    in_dom.sort_by(f64::total_cmp);
    println!(
        "open a 20-message conversation, click to paint: median {:.0} ms, p95 {:.0} ms (target < 100 ms); click to the messages in the DOM: median {:.0} ms, p95 {:.0} ms",
        percentile(&opens, 0.5),
        percentile(&opens, 0.95),
        percentile(&in_dom, 0.5),
        percentile(&in_dom, 0.95)
    );

    // The ceiling: frames a second with nothing changing on screen, what
    // this display and web view deliver at best.
    let idle = client
        .execute_async(
            "const done = arguments[0];
             let n = 0; const t0 = performance.now();
             const step = (now) => { n++; if (now - t0 < 2000) requestAnimationFrame(step); else done(n / ((now - t0) / 1000)); };
             requestAnimationFrame(step);",
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or_default();
    println!("idle frame rate of this display (the ceiling): {idle:.0} frames a second");

    // For comparison: the same scrolling over a plain static list of the
    // same size and place (no virtualization, no app code at all): what
    // painting alone costs in this web view.
    let plain = client
        .execute_async(
            "const done = arguments[0];
             const list = document.querySelector('[data-testid=thread-list]');
             const box = list.getBoundingClientRect();
             const plain = document.createElement('div');
             Object.assign(plain.style, { position: 'fixed', left: box.left + 'px', top: box.top + 'px',
               width: box.width + 'px', height: box.height + 'px', overflowY: 'auto', background: '#fff', zIndex: 50 });
             for (let i = 0; i < 3000; i++) {
               const row = document.createElement('div');
               Object.assign(row.style, { height: '68px', borderBottom: '1px solid #eee', padding: '8px' });
               row.textContent = 'Anna Nowak — Application ' + i + ' — Thank you for your application';
               plain.appendChild(row);
             }
             document.body.appendChild(plain);
             let n = 0; const t0 = performance.now();
             const step = (now) => { n++; plain.scrollTop += 136;
               if (now - t0 < 3000) requestAnimationFrame(step);
               else { plain.remove(); done(n / ((now - t0) / 1000)); } };
             requestAnimationFrame(step);",
            vec![],
        )
        .await?
        .as_f64()
        .unwrap_or_default();
    println!(
        "scrolling a plain static list of the same size, 2 rows a frame: {plain:.0} frames a second"
    );

    // Scrolling the thread list for 3 seconds at two speeds: a brisk wheel
    // (2 rows a frame, about 8,000 px a second) and a flung scroll bar
    // (6 rows a frame); pages load as it goes.
    for (label, px) in [("2 rows a frame", 136), ("6 rows a frame", 408)] {
        let scroll = client
            .execute_async(
                &format!(
                    "const done = arguments[0];
                     const list = document.querySelector('[data-testid=thread-list]');
                     const frames = [];
                     let last = performance.now();
                     const end = last + 3000;
                     const step = (now) => {{
                       frames.push(now - last);
                       last = now;
                       list.scrollTop += {px};
                       if (now < end) requestAnimationFrame(step);
                       else done({{ frames, rows: document.querySelectorAll('[data-testid=thread-row]').length,
                                   top: list.scrollTop }});
                     }};
                     requestAnimationFrame(step);"
                ),
                vec![],
            )
            .await?;
        let mut frames: Vec<f64> = scroll["frames"]
            .as_array()
            .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
            .unwrap_or_default();
        let count = frames.len().max(1) as f64;
        let total: f64 = frames.iter().sum();
        frames.sort_by(f64::total_cmp);
        println!(
            "scrolling the thread list, {label}: {:.0} frames a second, frame time median {:.1} ms, p95 {:.1} ms; {} rows in the DOM, at {:.0} px (target 60 fps)",
            count / (total / 1000.0),
            percentile(&frames, 0.5),
            percentile(&frames, 0.95),
            scroll["rows"],
            scroll["top"].as_f64().unwrap_or_default()
        );
    }
    client.close().await?;
    drop(driver);
    drop(display);
    Ok(())
}
