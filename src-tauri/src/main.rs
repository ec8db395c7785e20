// No console window on Windows release builds: gifgrab is a desktop app first.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gifgrab_core::os::memory::keep_frame_buffers();
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // With arguments gifgrab is a headless CLI: decide before anything touches GTK.
    if !args.is_empty() {
        std::process::exit(gifgrab_core::cli::main(args));
    }
    gifgrab::app::run();
}
