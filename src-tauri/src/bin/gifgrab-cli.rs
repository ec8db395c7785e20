//! The headless CLI on its own: the same pipeline as the app, without loading GTK and
//! WebKit at start (70 ms of a 0.5 s job). `gifgrab <args>` does the same.

fn main() {
    gifgrab_core::os::memory::keep_frame_buffers();
    std::process::exit(gifgrab_core::cli::main(std::env::args_os().skip(1).collect()));
}
