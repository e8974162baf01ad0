//! Token expiry on the mock's manual clock: each use renews a token, an unused one expires after
//! `expires_in` seconds, and a session replaces an expired token by itself.

use chrono::TimeDelta;

use crate::harness::{DEMO_KEY, DEMO_SECRET, Mock, Outcome, example};
use crate::recorder::Recorder;

/// The default `expires_in`, in seconds.
const TOKEN_TTL_SECONDS: i64 = 3600;

/// Uses a token every 3000 seconds, past its first expiry, and checks that it stays valid.
pub async fn used_token_outlives_first_expiry(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let client = mock.client_of(DEMO_KEY, DEMO_SECRET).await;

    for step in 1..=3 {
        mock.clock().advance(TimeDelta::seconds(3000));
        let echo = Outcome::of(client.echo_get().send().await);
        assert_eq!(
            echo,
            Outcome::new(200, example("echo_get", "200")),
            "use {step}, {} seconds after the token was issued",
            step * 3000
        );
    }
}

/// Leaves two tokens unused and checks that one used a second before `expires_in` works while
/// the other, used at `expires_in`, gets the documented `401`.
pub async fn unused_token_expires(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let early = mock.client_of(DEMO_KEY, DEMO_SECRET).await;
    let late = mock.client_of(DEMO_KEY, DEMO_SECRET).await;

    mock.clock()
        .advance(TimeDelta::seconds(TOKEN_TTL_SECONDS - 1));
    let before = Outcome::of(early.get_current_enterprise().send().await);
    assert_eq!(
        before,
        Outcome::new(200, example("get_current_enterprise", "200"))
    );

    mock.clock().advance(TimeDelta::seconds(1));
    let at_expiry = Outcome::of(late.get_current_enterprise().send().await);
    assert_eq!(
        at_expiry,
        Outcome::new(401, example("get_current_enterprise", "401"))
    );

    // The early token was renewed a second ago, so it is still valid.
    let renewed = Outcome::of(early.get_current_enterprise().send().await);
    assert_eq!(renewed.status, 200);
}

/// Lets a session's token expire on the mock and checks that the next call gets a `401`, a new
/// token and a `200`, all inside one `Session::call`.
pub async fn session_replaces_expired_token(recorder: &Recorder) {
    let mock = Mock::start(recorder).await;
    let session = mock.session(DEMO_KEY, DEMO_SECRET);

    let first = Outcome::of_session(
        session
            .call(async |client| client.get_current_enterprise().send().await)
            .await,
    );
    assert_eq!(
        first,
        Outcome::new(200, example("get_current_enterprise", "200"))
    );

    // The session's own clock has not moved, so it still holds the token and sends it.
    mock.clock()
        .advance(TimeDelta::seconds(2 * TOKEN_TTL_SECONDS));
    let mark = recorder.mark();
    let second = Outcome::of_session(
        session
            .call(async |client| client.get_current_enterprise().send().await)
            .await,
    );
    assert_eq!(
        second,
        Outcome::new(200, example("get_current_enterprise", "200"))
    );
    assert_eq!(
        recorder.since(mark),
        [
            ("get_current_enterprise".to_owned(), 401),
            ("request_token".to_owned(), 200),
            ("get_current_enterprise".to_owned(), 200),
        ]
    );
}
