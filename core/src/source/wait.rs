//! The pre-roll wait: YouTube gives every format an `available_at` time (an ad's length
//! ahead) and answers 403 until then, so no media request goes out before it.

use crate::error::{Msg, Result};
use crate::source::input::Input;
use crate::os::process::CancelToken;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longer than any pre-roll: a time further ahead is a broken answer, not an ad.
const MAX_WAIT_SECS: f64 = 300.0;
/// A 403 this soon after the wait is the host's clock running behind, worth retrying.
const RETRY_WINDOW_SECS: f64 = 15.0;
/// Pauses before each retry of a 403 just after the wait.
pub const RETRY_BACKOFF_MS: [u64; 3] = [500, 1000, 2000];

pub fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// Whole seconds left before the input may be read (0: now).
pub fn seconds_left(input: &Input) -> u64 {
    input.available_at.map(|at| (at - unix_now()).max(0.0).ceil() as u64).unwrap_or(0)
}

/// Sleeps until the input is available, telling `on_wait` the seconds left once a second;
/// a cancel ends the wait at once.
pub fn until_available(input: &Input, cancel: &CancelToken, on_wait: &dyn Fn(u64)) -> Result<()> {
    let Some(at) = input.available_at else { return Ok(()) };
    if at - unix_now() > MAX_WAIT_SECS {
        return Err(Msg::WaitTooLong { minutes: ((at - unix_now()) / 60.0).round().max(1.0) }.into());
    }
    let mut told = None;
    loop {
        cancel.check()?;
        let left = at - unix_now();
        if left <= 0.0 {
            return Ok(());
        }
        let whole = left.ceil() as u64;
        if told != Some(whole) {
            on_wait(whole);
            told = Some(whole);
        }
        std::thread::sleep(Duration::from_secs_f64(left.min(0.1)));
    }
}

/// Whether a 403 now may still be the pre-roll wait's edge (and so worth a retry).
pub fn just_after_wait(input: &Input) -> bool {
    // An expired URL's 403 is its expiry: it is looked up again at once, not retried.
    let expired = input.expires_at.is_some_and(|at| unix_now() >= at as f64);
    !expired && input.available_at.is_some_and(|at| unix_now() < at + RETRY_WINDOW_SECS)
}

/// Sleeps for the backoff before retry `n` (0-based; the last pause repeats), cancellably.
pub fn backoff(n: usize, cancel: &CancelToken) -> Result<()> {
    let ms = RETRY_BACKOFF_MS[n.min(RETRY_BACKOFF_MS.len() - 1)];
    let until = std::time::Instant::now() + Duration::from_millis(ms);
    while std::time::Instant::now() < until {
        cancel.check()?;
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_with_a_countdown_and_cancels() {
        let input = Input { available_at: Some(unix_now() + 1.3), ..Input::default() };
        let told = std::sync::Mutex::new(Vec::new());
        let started = std::time::Instant::now();
        until_available(&input, &CancelToken::new(), &|s| told.lock().unwrap().push(s)).unwrap();
        assert!(started.elapsed() >= Duration::from_millis(1250), "{:?}", started.elapsed());
        assert_eq!(*told.lock().unwrap(), [2, 1]);
        let cancel = CancelToken::new();
        let far = Input { available_at: Some(unix_now() + 60.0), ..Input::default() };
        let stop = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            stop.cancel();
        });
        let started = std::time::Instant::now();
        assert_eq!(until_available(&far, &cancel, &|_| {}).unwrap_err().kind(), "cancelled");
        assert!(started.elapsed() < Duration::from_secs(2));
        let broken = Input { available_at: Some(unix_now() + 86400.0), ..Input::default() };
        assert_eq!(until_available(&broken, &CancelToken::new(), &|_| {}).unwrap_err().kind(), "forbidden");
        assert!(until_available(&Input::default(), &CancelToken::new(), &|_| panic!("no wait")).is_ok());
    }
}
