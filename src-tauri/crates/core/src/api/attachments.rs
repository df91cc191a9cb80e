//! Attachments leaving the encrypted store: saved where the user keeps
//! downloads, or written to a private folder for the system's viewer to
//! open (the way every mail client hands a PDF to the PDF reader).

use std::path::{Path, PathBuf};

use super::Candor;
use crate::ApiError;

/// The folder, inside the data directory, that attachments opened for
/// viewing are written to. It is emptied when Candor starts (see
/// [`clear_opened`]): the copies exist only while a viewer may need them.
const OPENED_DIR: &str = "opened";

/// Saves an attachment into `folder` under its own name, numbered when a
/// file of that name exists ("cv (2).pdf"); returns where it went.
pub fn save(
    candor: &Candor,
    message_id: i64,
    position: i64,
    folder: &Path,
) -> Result<PathBuf, ApiError> {
    let attachment = candor
        .store()
        .attachment(message_id, position)?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Message {message_id} has no attachment {position}."
            ))
        })?;
    let name = safe_file_name(attachment.filename.as_deref(), &attachment.content_type);
    std::fs::create_dir_all(folder).map_err(|e| write_error(folder, &e))?;
    let path = free_path(folder, &name);
    // create_new: never overwrite a file that appeared meanwhile.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &attachment.data))
        .map_err(|e| write_error(&path, &e))?;
    Ok(path)
}

/// The user's Downloads folder (the home folder when the OS names none).
pub fn downloads_folder() -> Result<PathBuf, ApiError> {
    let dirs = directories::UserDirs::new().ok_or_else(|| {
        ApiError::storage("This system names no home folder to save attachments in.")
    })?;
    Ok(dirs
        .download_dir()
        .map_or_else(|| dirs.home_dir().to_path_buf(), Path::to_path_buf))
}

/// Writes an attachment to a private folder for opening with the system's
/// viewer; returns the file's path.
pub fn export_for_opening(
    candor: &Candor,
    message_id: i64,
    position: i64,
) -> Result<PathBuf, ApiError> {
    // One folder per message keeps two "image001.png" apart.
    let folder = candor
        .data_dir()
        .join(OPENED_DIR)
        .join(message_id.to_string());
    save(candor, message_id, position, &folder)
}

/// Removes the copies written for viewers in an earlier run.
pub fn clear_opened(data_dir: &Path) {
    let _ = std::fs::remove_dir_all(data_dir.join(OPENED_DIR));
}

/// A file name that stays inside the folder it is written to: no path
/// separators or parent references, no control characters, no name the
/// system reserves; the MIME type's usual extension when the sender gave
/// no name.
fn safe_file_name(name: Option<&str>, content_type: &str) -> String {
    let cleaned: String = name
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').trim();
    if cleaned.is_empty() {
        return format!("attachment.{}", extension_of(content_type));
    }
    // Windows reserves CON, NUL, COM1... whatever the extension.
    let stem = cleaned.split('.').next().unwrap_or_default().to_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.ends_with(|c: char| c.is_ascii_digit()));
    let cleaned = if reserved {
        format!("_{cleaned}")
    } else {
        cleaned.to_owned()
    };
    // Most file systems take 255 bytes; keep the extension when cutting.
    if cleaned.len() <= 200 {
        return cleaned;
    }
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((&cleaned, ""));
    let mut cut = 200usize.saturating_sub(ext.len() + 1);
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    if ext.is_empty() {
        stem[..cut].to_owned()
    } else {
        format!("{}.{ext}", &stem[..cut])
    }
}

fn extension_of(content_type: &str) -> &'static str {
    match content_type.to_ascii_lowercase().as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "text/plain" => "txt",
        "text/html" => "html",
        "text/calendar" => "ics",
        "message/rfc822" => "eml",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        _ => "bin",
    }
}

/// `name` in `folder`, or "stem (2).ext", "stem (3).ext"... when taken.
fn free_path(folder: &Path, name: &str) -> PathBuf {
    let first = folder.join(name);
    if !first.exists() {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem} ({n}){ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

fn write_error(path: &Path, e: &std::io::Error) -> ApiError {
    ApiError::storage(format!(
        "The attachment could not be written to {}: {e}. Check that the disk has room and the folder is writable.",
        path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_their_folder() {
        assert_eq!(
            safe_file_name(Some("../../.bashrc"), "text/plain"),
            "_.._.bashrc"
        );
        assert_eq!(
            safe_file_name(Some("C:\\Windows\\evil.exe"), "x/y"),
            "C__Windows_evil.exe"
        );
        assert_eq!(
            safe_file_name(Some("cv\u{0}.pdf"), "application/pdf"),
            "cv_.pdf"
        );
        assert_eq!(
            safe_file_name(Some("  ...  "), "application/pdf"),
            "attachment.pdf"
        );
        assert_eq!(safe_file_name(None, "image/png"), "attachment.png");
        assert_eq!(safe_file_name(Some("con.txt"), "text/plain"), "_con.txt");
        assert_eq!(safe_file_name(Some("COM1"), "text/plain"), "_COM1");
        assert_eq!(
            safe_file_name(Some("Życiorys 简历.pdf"), "application/pdf"),
            "Życiorys 简历.pdf",
            "letters of any script are kept"
        );
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.pdf", "简".repeat(100));
        let cut = safe_file_name(Some(&long), "application/pdf");
        assert!(cut.len() <= 200, "{}", cut.len());
        assert!(cut.ends_with(".pdf"));
    }

    #[test]
    fn a_taken_name_is_numbered() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("cv.pdf"), b"old").expect("write");
        std::fs::write(dir.path().join("cv (2).pdf"), b"old").expect("write");
        assert_eq!(
            free_path(dir.path(), "cv.pdf"),
            dir.path().join("cv (3).pdf")
        );
        assert_eq!(free_path(dir.path(), "notes"), dir.path().join("notes"));
    }
}
