//! Attachments leaving the encrypted store: saved where the user keeps
//! downloads, or written to a private folder for the system's viewer to
//! open (the way every mail client hands a PDF to the PDF reader).

use std::path::{Path, PathBuf};

use candor_mail::mime::AttachmentPart;
use candor_store::Store;
use candor_store::messages::AttachmentBytes;

use super::Candor;
use crate::ApiError;

/// The decoded bytes of a message's parts, whether stored decoded or left
/// in the raw source (all but inline images, see [`AttachmentBytes`]). The
/// source is parsed once, on the first part that needs it.
pub(crate) struct MessageParts {
    message_id: i64,
    from_source: Option<Vec<AttachmentPart>>,
}

impl MessageParts {
    pub(crate) fn new(message_id: i64) -> Self {
        Self {
            message_id,
            from_source: None,
        }
    }

    /// The bytes of the part stored at `position` with this name and type.
    pub(crate) fn bytes(
        &mut self,
        store: &Store,
        position: i64,
        filename: Option<&str>,
        content_type: &str,
        data: AttachmentBytes,
    ) -> Result<Vec<u8>, ApiError> {
        let size = match data {
            AttachmentBytes::Stored(bytes) => return Ok(bytes),
            AttachmentBytes::InSource { size } => size,
        };
        if self.from_source.is_none() {
            let raw = store.message_raw(self.message_id)?.ok_or_else(|| {
                ApiError::not_found(format!("Message {} does not exist.", self.message_id))
            })?;
            self.from_source = Some(candor_mail::mime::project(&raw).attachments);
        }
        let parts = self.from_source.as_deref_mut().unwrap_or_default();
        // The part at the stored position, as projected when the message
        // was stored; should a later parser see the parts differently, the
        // one with the same name, type and size.
        let same = |p: &AttachmentPart| {
            p.filename.as_deref() == filename
                && p.content_type == content_type
                && p.data.len() as u64 == size
        };
        let found = usize::try_from(position)
            .ok()
            .filter(|&i| parts.get(i).is_some_and(same))
            .or_else(|| parts.iter().position(same));
        match found {
            Some(i) => Ok(std::mem::take(&mut parts[i].data)),
            None => Err(ApiError::storage(format!(
                "Part {position} of message {} could not be read from its source.",
                self.message_id
            ))),
        }
    }
}

/// An attachment's name, type and decoded bytes.
pub(crate) fn attachment(
    store: &Store,
    message_id: i64,
    position: i64,
) -> Result<(Option<String>, String, Vec<u8>), ApiError> {
    let stored = store.attachment(message_id, position)?.ok_or_else(|| {
        ApiError::not_found(format!(
            "Message {message_id} has no attachment {position}."
        ))
    })?;
    let data = MessageParts::new(message_id).bytes(
        store,
        position,
        stored.filename.as_deref(),
        &stored.content_type,
        stored.data,
    )?;
    Ok((stored.filename, stored.content_type, data))
}

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
    let (filename, content_type, data) = attachment(&candor.reader(), message_id, position)?;
    let name = safe_file_name(filename.as_deref(), &content_type);
    std::fs::create_dir_all(folder).map_err(|e| write_error(folder, &e))?;
    let path = free_path(folder, &name);
    // create_new: never overwrite a file that appeared meanwhile.
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &data))
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
    use candor_store::Unlock;
    use zeroize::Zeroizing;

    /// A message with a PDF attachment and an inline logo the HTML shows.
    const WITH_PARTS: &[u8] = b"From: anna@example.com\r\nTo: me@example.com\r\nSubject: CV\r\n\
Message-ID: <cv@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n\
--m\r\nContent-Type: multipart/related; boundary=\"r\"\r\n\r\n\
--r\r\nContent-Type: text/html\r\n\r\n<p>Hello</p><img src=\"cid:logo@x\">\r\n\
--r\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n\
iVBORw0KGgo=\r\n--r--\r\n\
--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IK\r\n--m--\r\n";

    fn stored(dir: &Path) -> (Candor, i64) {
        let candor = Candor::open(
            dir,
            &Unlock::Passphrase(Zeroizing::new("attachments test".into())),
            true,
        )
        .expect("open");
        let id = {
            let mut store = candor.store();
            let account = store
                .insert_local_account("Local", "me@example.com")
                .expect("account");
            let inbox = store
                .ensure_folder(account, "INBOX", Some("inbox"))
                .expect("inbox");
            let message =
                super::super::mail::NewMessageFrom::raw(account, inbox, WITH_PARTS.into())
                    .into_new_message();
            store.insert_message(&message).expect("insert").id()
        };
        (candor, id)
    }

    /// Attachments are not stored decoded beside the source (that doubled
    /// what a sync writes): saving one decodes it from the source, byte for
    /// byte; the inline image the body shows is the one part kept decoded.
    #[test]
    fn an_attachment_left_in_the_source_is_saved_byte_for_byte() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (candor, id) = stored(dir.path());
        {
            let store = candor.store();
            let view = store.message_view(id).expect("view").expect("message");
            assert_eq!(view.attachments.len(), 1, "the logo is not listed");
            let pdf = &view.attachments[0];
            assert_eq!(pdf.filename, "cv.pdf");
            assert_eq!(
                pdf.size_bytes, 15,
                "the decoded size, known without the bytes"
            );
            let position = pdf.position;
            assert!(matches!(
                store
                    .attachment(id, position)
                    .expect("read")
                    .expect("part")
                    .data,
                AttachmentBytes::InSource { size: 15 }
            ));
            let logo = store.inline_parts(id).expect("inline");
            assert_eq!(logo.len(), 1);
            assert_eq!(
                logo[0].data,
                AttachmentBytes::Stored(b"\x89PNG\r\n\x1a\n".to_vec()),
                "the inline image is stored decoded"
            );
        }
        let position = candor
            .store()
            .message_view(id)
            .expect("view")
            .expect("m")
            .attachments[0]
            .position;
        let folder = dir.path().join("saved");
        let path = save(&candor, id, position, &folder).expect("save");
        assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("cv.pdf"));
        assert_eq!(
            std::fs::read(&path).expect("read"),
            b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n"
        );
    }

    /// Should a later parser number the parts differently, the part is
    /// found by its name, type and size; one that cannot be found is an
    /// error, never another part's bytes.
    #[test]
    fn a_part_is_found_by_name_type_and_size_when_its_position_moved() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (candor, id) = stored(dir.path());
        let store = candor.store();
        let moved = MessageParts::new(id)
            .bytes(
                &store,
                7,
                Some("cv.pdf"),
                "application/pdf",
                AttachmentBytes::InSource { size: 15 },
            )
            .expect("found by name");
        assert!(moved.starts_with(b"%PDF"));
        let wrong = MessageParts::new(id).bytes(
            &store,
            1,
            Some("cv.pdf"),
            "application/pdf",
            AttachmentBytes::InSource { size: 99 },
        );
        assert!(wrong.is_err(), "a size that matches nothing: {wrong:?}");
    }

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
