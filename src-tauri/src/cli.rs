//! The headless command line (filled in with the pipeline).

pub fn main(_args: Vec<std::ffi::OsString>) -> i32 {
    eprintln!("error: the command line is not ready yet");
    2
}
