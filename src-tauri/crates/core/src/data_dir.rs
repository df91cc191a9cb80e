//! Where Candor keeps its data: the platform's usual application-data folder
//! (`~/.local/share/candor` on Linux, `~/Library/Application Support/app.candor.Candor`
//! on macOS, `%APPDATA%\Candor\Candor\data` on Windows), unless `--data-dir` or
//! `CANDOR_DATA_DIR` says otherwise.

use std::path::PathBuf;

use crate::ApiError;

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "CANDOR_DATA_DIR";

/// The data directory: `explicit` (a command-line flag) first, then
/// `CANDOR_DATA_DIR`, then the platform default.
pub fn resolve(explicit: Option<PathBuf>) -> Result<PathBuf, ApiError> {
    if let Some(dir) = explicit {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    platform_default()
}

/// The platform's application-data folder for Candor.
pub fn platform_default() -> Result<PathBuf, ApiError> {
    directories::ProjectDirs::from("app", "Candor", "Candor")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| ApiError {
            code: crate::ErrorCode::Storage,
            message: format!(
                "Could not find a home directory for Candor's data. Set {DATA_DIR_ENV} or pass --data-dir."
            ),
            field: None,
        })
}
