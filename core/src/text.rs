//! Text for people: user input quoted back safely.

/// Shortens and de-controls user text before quoting it back in a message.
pub fn printable(s: &str) -> String {
    let clean: String = s.chars().map(|c| if c.is_control() { '?' } else { c }).collect();
    if clean.chars().count() > 80 {
        format!("{}…", clean.chars().take(80).collect::<String>())
    } else {
        clean
    }
}
