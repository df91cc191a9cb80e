//! How the window's web view paints on Linux.
//!
//! WebKitGTK composites the page with OpenGL. On a computer with no GPU
//! (a virtual machine, a remote or virtual desktop, a thin client) Mesa's
//! software OpenGL, llvmpipe, stands in for one, and compositing through it
//! costs more than WebKit painting the page on the CPU itself. Measured with
//! the window benchmark (BENCHMARKS.md, 100,000 messages, Xvfb, two cores):
//! the thread list scrolled at 25-28 frames a second composited and 68-78
//! without; the very first start froze 0.6-1.5 s while llvmpipe compiled its
//! shaders. So with no GPU the web view paints without compositing; with
//! one, WebKit keeps its default, which a real GPU serves best.
//!
//! Someone who set WebKit's own switch, `WEBKIT_DISABLE_COMPOSITING_MODE`,
//! gets what they asked for (WebKit reads it itself; we leave it alone).

use std::path::Path;

/// Whether the web view should composite with OpenGL, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositing {
    /// WebKit's default: compositing on a GPU.
    WebKitDefault,
    /// No GPU for OpenGL: paint on the CPU instead.
    OffNoGpu,
    /// The user set `WEBKIT_DISABLE_COMPOSITING_MODE`; WebKit follows it.
    AsTheUserSet,
}

/// What the machine tells us, read once at start.
#[derive(Debug, Clone, Copy)]
pub struct Machine {
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` is set, whatever its value.
    pub user_choice: bool,
    /// Mesa was told to render in software (`LIBGL_ALWAYS_SOFTWARE`).
    pub software_gl_forced: bool,
    /// A GPU OpenGL could render on: a DRM render node, or NVIDIA's own device.
    pub gpu: bool,
}

impl Machine {
    /// Reads this machine: the environment and the devices under `/dev`.
    pub fn this_one() -> Self {
        Self {
            user_choice: std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some(),
            software_gl_forced: std::env::var("LIBGL_ALWAYS_SOFTWARE")
                .is_ok_and(|value| mesa_true(&value)),
            gpu: has_gpu_device(Path::new("/dev")),
        }
    }

    pub fn compositing(&self) -> Compositing {
        if self.user_choice {
            Compositing::AsTheUserSet
        } else if self.software_gl_forced || !self.gpu {
            Compositing::OffNoGpu
        } else {
            Compositing::WebKitDefault
        }
    }
}

/// A boolean environment variable as Mesa reads one (`debug_parse_bool_option`):
/// true for its spellings of yes, anything else leaves the default, false.
fn mesa_true(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "1" | "y" | "yes" | "t" | "true"
    )
}

/// Whether `dev` (normally `/dev`) holds a device OpenGL renders on: a DRM
/// render node (`dri/renderD128`, every Mesa and NVIDIA-DRM GPU has one),
/// NVIDIA's control device (its driver without DRM), or WSL's GPU (`dxg`).
/// A display-only DRM device (`dri/card0` alone, as a virtual machine's plain
/// framebuffer has) is no GPU: Mesa renders in software there. A render node
/// the user may not open (a remote session on a server with a GPU) counts
/// as a GPU: compositing stays on, as WebKit would have it anyway.
pub fn has_gpu_device(dev: &Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri")).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    });
    render_node || dev.join("nvidiactl").exists() || dev.join("dxg").exists()
}

/// Applies the choice to the windows' web views.
pub fn apply(app: &tauri::App, compositing: Compositing) {
    use tauri::Manager;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};

    tracing::info!(?compositing, "web view compositing");
    if compositing != Compositing::OffNoGpu {
        return;
    }
    for window in app.webview_windows().into_values() {
        let applied = window.with_webview(|webview| {
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "could not turn the web view's compositing off");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(user_choice: bool, software_gl_forced: bool, gpu: bool) -> Machine {
        Machine {
            user_choice,
            software_gl_forced,
            gpu,
        }
    }

    #[test]
    fn compositing_stays_on_a_gpu_and_goes_without_one() {
        assert_eq!(
            machine(false, false, true).compositing(),
            Compositing::WebKitDefault
        );
        assert_eq!(
            machine(false, false, false).compositing(),
            Compositing::OffNoGpu
        );
        // Software OpenGL forced on a machine with a GPU: as slow as none.
        assert_eq!(
            machine(false, true, true).compositing(),
            Compositing::OffNoGpu
        );
        // The user's own setting wins either way.
        assert_eq!(
            machine(true, false, false).compositing(),
            Compositing::AsTheUserSet
        );
        assert_eq!(
            machine(true, false, true).compositing(),
            Compositing::AsTheUserSet
        );
    }

    #[test]
    fn a_gpu_is_a_render_node_nvidias_device_or_wsls_not_a_display_alone() -> std::io::Result<()> {
        let dev = tempfile::tempdir()?;
        assert!(!has_gpu_device(dev.path()), "no /dev/dri at all");
        std::fs::create_dir(dev.path().join("dri"))?;
        std::fs::write(dev.path().join("dri/card0"), "")?;
        assert!(
            !has_gpu_device(dev.path()),
            "a display device alone: Mesa renders in software"
        );
        std::fs::write(dev.path().join("dri/renderD128"), "")?;
        assert!(has_gpu_device(dev.path()));

        for device in ["nvidiactl", "dxg"] {
            let other = tempfile::tempdir()?;
            std::fs::write(other.path().join(device), "")?;
            assert!(has_gpu_device(other.path()), "{device}");
        }
        Ok(())
    }

    #[test]
    fn mesa_reads_its_switches_as_true_only_when_spelled_yes() {
        for yes in ["1", "true", "yes", "y", "t", "TRUE"] {
            assert!(mesa_true(yes), "{yes}");
        }
        for no in ["", "0", "n", "no", "f", "false", "FALSE", "maybe"] {
            assert!(!mesa_true(no), "{no}");
        }
    }
}
