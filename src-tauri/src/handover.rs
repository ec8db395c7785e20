//! A second launch hands its arguments to the open window before GTK, WebKit or the session's
//! threads start. The single-instance plugin does the same from inside the app's setup and then
//! exits a process full of threads, which once crashed (SIGSEGV) under load; it stays as the
//! fallback for a window that opens meanwhile.

/// Sends this launch's arguments and folder to the window of `identifier` that holds the
/// plugin's D-Bus name (its `ExecuteCallback`; the plugin's name without its `semver` feature,
/// which gifgrab does not turn on); true when that window took them.
#[cfg(target_os = "linux")]
pub fn to_open_window(identifier: &str) -> bool {
    let name = format!("{identifier}.SingleInstance");
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    // A window that is closing may hold the name and never answer: then this launch goes on.
    let Ok(bus) = zbus::blocking::connection::Builder::session().and_then(|b| b.method_timeout(std::time::Duration::from_secs(10)).build()) else {
        return false;
    };
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let cwd = std::env::current_dir().unwrap_or_default().to_string_lossy().into_owned();
    // No window: the bus answers at once that nobody has the name.
    bus.call_method(Some(name.as_str()), path.as_str(), Some("org.SingleInstance.DBus"), "ExecuteCallback", &(args, cwd.as_str())).is_ok()
}

#[cfg(not(target_os = "linux"))]
pub fn to_open_window(_identifier: &str) -> bool {
    false
}
