// No console window on Windows release builds: gifgrab is a desktop app first.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gifgrab_core::os::memory::keep_frame_buffers();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // Only sources ("Open with", `gifgrab clip.mp4`): the window with them. Options: the headless
    // CLI, decided before anything touches GTK.
    if gifgrab::opened::opens_window(&args) {
        let cwd = std::env::current_dir().unwrap_or_default();
        let args: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
        gifgrab::app::run(gifgrab::opened::sources(&args, &cwd));
    } else if !args.is_empty() {
        std::process::exit(gifgrab_core::cli::main(args));
    } else {
        gifgrab::app::run(Vec::new());
    }
}
