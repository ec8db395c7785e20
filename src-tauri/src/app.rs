//! The desktop app: window, plugins, commands, and clean-up when it closes.

use gifgrab_core::session::Session;
use gifgrab_core::tools::sidecars::Sidecars;
use std::sync::Arc;

pub fn run() {
    let sidecars = Sidecars::locate();
    if let Ok(s) = &sidecars {
        crate::fonts::add_bundled(&s.fonts);
    }
    let session = Arc::new(Session::new(sidecars));
    let on_exit = session.clone();
    let on_signal = session.clone();
    // Ctrl-C or a polite kill: end every job's children before going.
    let _ = ctrlc::set_handler(move || {
        on_signal.shutdown();
        std::process::exit(130);
    });
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_shell::init())
        .plugin(tauri_plugin_opener::init())
        .manage(session)
        .invoke_handler(tauri::generate_handler![
            crate::commands::probe,
            crate::commands::preview_frame,
            crate::commands::estimate_size,
            crate::commands::make_gif,
            crate::commands::cancel_gif,
            crate::commands::gif_bytes,
            crate::commands::save_gif,
            crate::commands::convert_gif,
            crate::commands::copy_gif,
            crate::commands::set_sign_in,
            crate::commands::firefox_profiles,
            crate::commands::versions,
            crate::commands::update_video_support,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("gifgrab: the window could not start: {e}");
            std::process::exit(1);
        }
    };
    // Closing the window mid-job kills the job's children and removes its temp files.
    app.run(move |_, event| {
        if let tauri::RunEvent::Exit = event {
            on_exit.shutdown();
        }
    });
}
