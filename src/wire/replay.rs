//! Replay protection: a timestamp must fall inside a window around the server's clock, and an
//! Alibaba `SignatureNonce` may be used once within that window.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use super::auth::AuthError;

/// How far a request's timestamp may be from now, in seconds (both directions). Tencent
/// documents five minutes; Alibaba documents 15 minutes for the nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub max_skew_secs: i64,
}

impl Window {
    pub const TENCENT: Window = Window { max_skew_secs: 300 };
    pub const ALIBABA: Window = Window { max_skew_secs: 900 };

    pub fn check(&self, timestamp: i64, now: i64) -> Result<(), AuthError> {
        if (now - timestamp).abs() > self.max_skew_secs {
            Err(AuthError::Expired)
        } else {
            Ok(())
        }
    }
}

/// Nonces seen within the window, forgotten once they fall out of it.
#[derive(Debug, Default)]
pub struct NonceCache {
    inner: Mutex<Seen>,
}

/// Each (access key, nonce) is one shared string `key\0nonce`, in the lookup set and in the
/// expiry queue alike: a server holds every nonce of its window (hundreds of thousands).
#[derive(Debug, Default)]
struct Seen {
    by_key: HashMap<Arc<str>, i64>,
    order: VecDeque<(i64, Arc<str>)>,
}

impl NonceCache {
    /// Records `nonce` for `access_key_id` at `now`; an error when it was used within `window`.
    pub fn check_and_record(
        &self,
        access_key_id: &str,
        nonce: &str,
        now: i64,
        window: Window,
    ) -> Result<(), AuthError> {
        let mut seen = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((t, _)) = seen.order.front() {
            if now - *t <= window.max_skew_secs {
                break;
            }
            if let Some((_, key)) = seen.order.pop_front() {
                seen.by_key.remove(&key);
            }
        }
        let key: Arc<str> = format!("{access_key_id}\0{nonce}").into();
        if seen.by_key.contains_key(&key) {
            return Err(AuthError::NonceReused);
        }
        seen.by_key.insert(key.clone(), now);
        seen.order.push_back((now, key));
        Ok(())
    }

    pub fn clear(&self) {
        let mut seen = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *seen = Seen::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_accepted_once_per_window_and_per_key() {
        let c = NonceCache::default();
        let w = Window { max_skew_secs: 10 };
        assert!(c.check_and_record("k", "n1", 100, w).is_ok());
        assert_eq!(
            c.check_and_record("k", "n1", 105, w),
            Err(AuthError::NonceReused)
        );
        assert!(c.check_and_record("other", "n1", 105, w).is_ok());
        assert!(
            c.check_and_record("k", "n1", 111, w).is_ok(),
            "forgotten once outside the window"
        );
    }

    #[test]
    fn timestamps_outside_the_window_are_expired() {
        let w = Window::TENCENT;
        assert!(w.check(1000, 1300).is_ok());
        assert_eq!(w.check(1000, 1301), Err(AuthError::Expired));
        assert_eq!(w.check(1301, 1000), Err(AuthError::Expired));
    }
}
