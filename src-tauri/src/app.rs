//! The desktop app: window, plugins and the command layer (see `commands`).

pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_shell::init())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("gifgrab: the window could not start: {e}");
        std::process::exit(1);
    }
}
