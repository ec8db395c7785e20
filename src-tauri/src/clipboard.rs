//! "Copy": the GIF on the system clipboard as chat apps take it: the animated `image/gif` bytes,
//! and a file list (`text/uri-list`, GNOME's `x-special/gnome-copied-files`) naming a kept copy,
//! so pasting into Discord, Slack, Telegram or a browser gives the animation, not a still.

use gifgrab_core::error::{Msg, Result};
use gifgrab_core::session::Copied;

/// Puts `copied` on the clipboard; runs on the GTK main thread.
#[cfg(target_os = "linux")]
pub fn offer(app: &tauri::AppHandle, copied: Copied) -> Result<()> {
    let offered = crate::main_thread::ask(app, "the clipboard", move || {
        let targets = [
            gtk::TargetEntry::new("image/gif", gtk::TargetFlags::OTHER_APP, 0),
            gtk::TargetEntry::new("text/uri-list", gtk::TargetFlags::OTHER_APP, 1),
            gtk::TargetEntry::new("x-special/gnome-copied-files", gtk::TargetFlags::OTHER_APP, 2),
        ];
        let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
        let Copied { bytes, uri, .. } = copied;
        clipboard.set_with_data(&targets, move |_, selection, info| {
            let target = selection.target();
            match info {
                0 => selection.set(&target, 8, &bytes),
                1 => selection.set(&target, 8, format!("{uri}\r\n").as_bytes()),
                _ => selection.set(&target, 8, format!("copy\n{uri}").as_bytes()),
            }
        })
    })?;
    match offered {
        Some(true) => Ok(()),
        _ => Err(Msg::ClipboardRefused.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn offer(_app: &tauri::AppHandle, _copied: Copied) -> Result<()> {
    Err(Msg::ClipboardRefused.into())
}
