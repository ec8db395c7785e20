//! The desktop app: window, plugins, commands, and clean-up when it closes.

use gifgrab_core::session::Session;
use gifgrab_core::tools::sidecars::Sidecars;
use crate::opened::{self, Opened, OPENED_EVENT};
use std::sync::Arc;
use tauri::{Emitter, Manager};

/// `history/` in the app's data folder (beside the updated yt-dlp), else in the temp folder.
fn history_dir() -> std::path::PathBuf {
    gifgrab_core::tools::ytdlp_update::data_dir().unwrap_or_else(std::env::temp_dir).join("history")
}

/// Opens the window; `sources` were handed over on the command line and load once it is ready.
pub fn run(sources: Vec<String>) {
    let context = tauri::generate_context!();
    if crate::handover::to_open_window(&context.config().identifier) {
        eprintln!("gifgrab: opened in the gifgrab window already open");
        std::process::exit(0);
    }
    let sidecars = Sidecars::locate();
    if let Ok(s) = &sidecars {
        crate::fonts::add_bundled(&s.fonts);
    }
    gifgrab_core::source::cache::configure(gifgrab_core::source::cache::default_root(), gifgrab_core::source::cache::default_limit());
    let session = Arc::new(Session::new(sidecars));
    let on_exit = session.clone();
    let on_signal = session.clone();
    // Ctrl-C or a polite kill: end every job's children before going.
    let _ = ctrlc::set_handler(move || {
        on_signal.shutdown();
        std::process::exit(130);
    });
    let app = match builder(session, sources).build(context) {
        Ok(app) => app,
        Err(e) if e.to_string().contains("single-instance") => relaunch(e),
        Err(e) => {
            eprintln!("gifgrab: the window could not start: {e}");
            std::process::exit(1);
        }
    };
    // Closing the window mid-job kills the job's children and removes its temp files.
    app.run(move |app, event| match event {
        // The size is kept as the window closes (the plugin's own save comes after the window is gone).
        tauri::RunEvent::WindowEvent { event: tauri::WindowEvent::CloseRequested { .. }, .. } => {
            use tauri_plugin_window_state::{AppHandleExt, StateFlags};
            let _ = app.save_window_state(StateFlags::all());
        }
        tauri::RunEvent::Exit => on_exit.shutdown(),
        _ => {}
    });
}

/// The app with its plugins, state and commands.
fn builder(session: Arc<Session>, sources: Vec<String>) -> tauri::Builder<tauri::Wry> {
    tauri::Builder::default()
        // First: a second launch hands its arguments to this window and exits.
        .plugin(tauri_plugin_single_instance::init(|app, argv, cwd| {
            let sources = opened::sources(argv.get(1..).unwrap_or_default(), std::path::Path::new(&cwd));
            if !sources.is_empty() {
                app.state::<Opened>().push(sources);
                let _ = app.emit(OPENED_EVENT, ());
            }
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(session)
        .manage({
            let handed = Opened::default();
            handed.push(sources);
            handed
        })
        .manage(gifgrab_core::history::History::new(history_dir()))
        .invoke_handler(tauri::generate_handler![
            crate::commands::probe,
            crate::commands::preview_frame,
            crate::commands::estimate_size,
            crate::commands::timeline,
            crate::commands::preview_loop,
            crate::commands::cache_usage,
            crate::commands::clear_cache,
            crate::commands::make_gif,
            crate::commands::cancel_gif,
            crate::commands::discard_gif,
            crate::commands::gif_bytes,
            crate::commands::save_gif,
            crate::commands::convert_gif,
            crate::commands::copy_gif,
            crate::commands::take_opened,
            crate::commands::system_languages,
            crate::commands::set_language,
            crate::commands::history_list,
            crate::commands::history_add,
            crate::commands::history_saved,
            crate::commands::history_remove,
            crate::commands::history_thumb,
            crate::commands::history_open,
            crate::commands::drag_gif,
            crate::commands::set_sign_in,
            crate::commands::firefox_profiles,
            crate::commands::versions,
            crate::commands::update_video_support,
        ])
}

/// A window that is closing can still hold the single-instance name and never answer: start
/// afresh a moment later (GTK cannot start twice in one process), a few times, rather than not at all.
fn relaunch(e: tauri::Error) -> ! {
    let tries: u32 = std::env::var("GIFGRAB_LAUNCH_TRY").ok().and_then(|t| t.parse().ok()).unwrap_or(0);
    #[cfg(unix)]
    if tries < 5 {
        use std::os::unix::process::CommandExt;
        std::thread::sleep(std::time::Duration::from_millis(400));
        if let Ok(me) = std::env::current_exe() {
            let err = std::process::Command::new(me).args(std::env::args_os().skip(1)).env("GIFGRAB_LAUNCH_TRY", (tries + 1).to_string()).exec();
            eprintln!("gifgrab: could not start again: {err}");
        }
    }
    eprintln!("gifgrab: the window could not start: {e}");
    std::process::exit(1);
}
