//! When to sync each account next: every `interval` normally; after a failure,
//! back off exponentially (interval × 2, × 4, ... up to an hour) so a dead
//! server or a wrong password is not hammered, and return to the normal
//! interval after the next success.

use std::time::Duration;

/// The longest wait between attempts, whatever the failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3_600);

/// The wait before the next attempt after `consecutive_failures` failures in a row.
pub fn next_delay(interval: Duration, consecutive_failures: u32) -> Duration {
    if consecutive_failures == 0 {
        return interval;
    }
    let factor = 2_u32.saturating_pow(consecutive_failures.min(16));
    interval
        .saturating_mul(factor)
        .min(MAX_BACKOFF.max(interval))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_exponentially_and_caps_at_an_hour() {
        let five_minutes = Duration::from_secs(300);
        assert_eq!(
            next_delay(five_minutes, 0),
            five_minutes,
            "healthy accounts sync every interval"
        );
        assert_eq!(next_delay(five_minutes, 1), Duration::from_secs(600));
        assert_eq!(next_delay(five_minutes, 2), Duration::from_secs(1_200));
        assert_eq!(next_delay(five_minutes, 3), Duration::from_secs(2_400));
        assert_eq!(
            next_delay(five_minutes, 4),
            MAX_BACKOFF,
            "never more than an hour"
        );
        assert_eq!(
            next_delay(five_minutes, 1_000),
            MAX_BACKOFF,
            "no overflow after many failures"
        );
        let two_hours = Duration::from_secs(7_200);
        assert_eq!(
            next_delay(two_hours, 3),
            two_hours,
            "a long interval is never shortened by the cap"
        );
    }
}
