//! Dragging the result out: a GTK drag from the window offering `text/uri-list` for a kept copy
//! of the GIF, so a file manager or chat window dropped on gets the file itself. Our own rather
//! than tauri-plugin-drag, which builds `file://` URIs without percent-encoding (spaces, Hangul).

use gifgrab_core::error::{Msg, Result};

/// Told to the window when a drag out ends, dropped or not (its own drop handling resumes).
pub const ENDED_EVENT: &str = "drag-out-ended";

/// Starts the drag of the file at `uri` while the mouse button is still down; GTK main thread.
#[cfg(target_os = "linux")]
pub fn start(window: &tauri::WebviewWindow, uri: String) -> Result<()> {
    use gtk::prelude::*;
    use tauri::Manager;
    let on_main = window.clone();
    let began = crate::main_thread::ask(window.app_handle(), "the drag", move || {
        let Ok(gtk_window) = on_main.gtk_window() else { return false };
        let targets = gtk::TargetList::new(&[gtk::TargetEntry::new("text/uri-list", gtk::TargetFlags::OTHER_APP, 0)]);
        let give = gtk_window.connect_drag_data_get(move |_, _, selection, _, _| {
            selection.set_uris(&[uri.as_str()]);
        });
        // Each drag brings its own handlers: drop them when it ends, dropped or not.
        let ended = std::rc::Rc::new(std::cell::Cell::new(None));
        let ended_in = ended.clone();
        let give = std::cell::Cell::new(Some(give));
        let app = on_main.clone();
        let end = gtk_window.connect_drag_end(move |w, _| {
            use tauri::Emitter;
            let _ = app.emit(ENDED_EVENT, ());
            if let Some(id) = give.take() {
                w.disconnect(id);
            }
            if let Some(id) = ended_in.take() {
                w.disconnect(id);
            }
        });
        ended.set(Some(end));
        gtk_window
            .drag_begin_with_coordinates(&targets, gtk::gdk::DragAction::COPY, 1, None, -1, -1)
            .is_some()
    })?;
    match began {
        Some(true) => Ok(()),
        _ => Err(Msg::DragRefused.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub fn start(_window: &tauri::WebviewWindow, _uri: String) -> Result<()> {
    Err(Msg::DragRefused.into())
}
