//! An authenticated session: the bearer token is requested on first use, renewed by each
//! call, refreshed shortly before it expires, and requested again once after a `401`.

use std::cmp;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::time::Instant;

use crate::error::Error;
use crate::hooks::CallContext;
use crate::{Client, ResponseValue, types};

/// Maximum time before a token's expiry at which the session requests a new one. A token
/// with a short lifetime is refreshed a tenth of its lifetime early instead.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Timeout of a whole request, connection included, of a session built by [`Session::new`].
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Error type of the generated operations.
pub type GeneratedError = progenitor_client::Error<types::ErrorBody>;

/// Authenticated access to the Jobbers One API with an API key and an API secret.
///
/// [`call`](Self::call) runs any generated operation with a bearer token:
///
/// - the first call requests a token from `POST /oneapi/authentication/token`, and calls
///   that start together wait for that one request;
/// - a token expires `expires_in` seconds after its last use, so each call that gets any
///   response but `401` renews it, and the session requests a new token shortly
///   before the renewed expiry;
/// - a `401` means the call was not processed, so the session requests a new token and
///   repeats the call once, whatever its method. A second `401` is returned as the error.
///
/// Cloning is cheap and clones share the token, so one session serves many tasks. Neither
/// `Debug` nor any error shows the API secret or the token.
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
}

struct Shared {
    base_url: String,
    http: reqwest::Client,
    api_key: String,
    api_secret: String,
    token: Mutex<Option<Token>>,
    /// Held while a token request is in flight, so that concurrent calls send only one.
    token_request: tokio::sync::Mutex<()>,
}

/// A bearer token and its sliding expiry.
#[derive(Clone)]
struct Token {
    value: Arc<str>,
    lifetime: Duration,
    expires_at: Instant,
}

impl Token {
    fn refresh_margin(&self) -> Duration {
        cmp::min(REFRESH_MARGIN, self.lifetime / 10)
    }

    fn is_usable(&self, now: Instant) -> bool {
        now + self.refresh_margin() < self.expires_at
    }
}

/// Outcome of one run of an operation.
struct Attempt<T> {
    result: Result<ResponseValue<T>, Error>,
    /// Whether the server responded `401` to a request that carried the token.
    token_rejected: bool,
}

impl Session {
    /// Creates a session for the API at `base_url` (such as `https://www.jobbers.com`), with
    /// a request timeout of 30 seconds. No request is sent until the first call.
    ///
    /// NOTE: this crate enables no TLS backend of reqwest, so an `https` base URL fails at
    /// the first call unless the application enables one (reqwest's `rustls` feature) or
    /// passes its own client to [`Session::with_http_client`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when `base_url` is not an absolute `http` or `https` URL,
    /// or the key or the secret is empty.
    pub fn new(
        base_url: &str,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
    ) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|error| {
                Error::InvalidRequest(format!("cannot build the HTTP client: {error}"))
            })?;
        Self::with_http_client(base_url, api_key, api_secret, http)
    }

    /// Creates a session that sends its requests with `http`, for control over timeouts,
    /// proxies and TLS.
    ///
    /// # Errors
    ///
    /// As [`Session::new`].
    pub fn with_http_client(
        base_url: &str,
        api_key: impl Into<String>,
        api_secret: impl Into<String>,
        http: reqwest::Client,
    ) -> Result<Self, Error> {
        let parsed = reqwest::Url::parse(base_url).map_err(|error| {
            Error::InvalidRequest(format!("invalid base URL {base_url:?}: {error}"))
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
            return Err(Error::InvalidRequest(format!(
                "invalid base URL {base_url:?}: expected an http or https URL with a host"
            )));
        }
        let api_key = api_key.into();
        let api_secret = api_secret.into();
        if api_key.is_empty() || api_secret.is_empty() {
            return Err(Error::InvalidRequest(
                "the API key and the API secret must not be empty".to_owned(),
            ));
        }

        Ok(Self {
            shared: Arc::new(Shared {
                base_url: base_url.trim_end_matches('/').to_owned(),
                http,
                api_key,
                api_secret,
                token: Mutex::new(None),
                token_request: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Returns the base URL that every request goes to, token requests included.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Runs one generated operation with the session's bearer token.
    ///
    /// `operation` is an async closure that receives a [`Client`] and sends one request
    /// with it:
    ///
    /// ```no_run
    /// # async fn run(session: jobbers_one_client::Session) -> Result<(), jobbers_one_client::Error> {
    /// let client = session
    ///     .call(async |client| {
    ///         client
    ///             .get_client()
    ///             .client_id_or_client_email("client+1@clients.jobbers.com")
    ///             .send()
    ///             .await
    ///     })
    ///     .await?;
    /// println!("client {}", client.data.client_id);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// After a `401` the session gets a new token and runs `operation` once more, so it
    /// must be safe to run twice. A closure that only builds and sends a request is.
    ///
    /// # Errors
    ///
    /// [`Error::Token`] when no token could be had, and otherwise the error of the
    /// operation, with its status.
    pub async fn call<T, Operation>(&self, operation: Operation) -> Result<ResponseValue<T>, Error>
    where
        Operation: AsyncFn(&Client) -> Result<ResponseValue<T>, GeneratedError>,
    {
        let token = self.shared.current_token().await?;
        let attempt = self.attempt(&operation, &token).await;
        if !attempt.token_rejected {
            return attempt.result;
        }

        // The server did not process the call, so repeating it once is safe for any method.
        self.shared.discard_token(&token);
        let token = self.shared.current_token().await?;
        self.attempt(&operation, &token).await.result
    }

    async fn attempt<T, Operation>(&self, operation: &Operation, token: &Token) -> Attempt<T>
    where
        Operation: AsyncFn(&Client) -> Result<ResponseValue<T>, GeneratedError>,
    {
        let context = CallContext::with_shared_bearer_token(token.value.clone());
        let client = self.shared.client(context.clone());
        let sent_at = Instant::now();
        let result = operation(&client).await;
        let record = context.record();

        let token_rejected = result.is_err()
            && record.sent_bearer
            && record.status == Some(StatusCode::UNAUTHORIZED);
        if record.sent_bearer && record.status.is_some() && !token_rejected {
            self.shared.renew_token(token, sent_at);
        }
        let result = match result {
            Ok(value) => Ok(value),
            Err(error) => Err(Error::from_generated(error, &record).await),
        };
        Attempt {
            result,
            token_rejected,
        }
    }
}

impl Shared {
    fn client(&self, context: CallContext) -> Client {
        Client::new_with_client(&self.base_url, self.http.clone(), context)
    }

    fn lock_token(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.token.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn usable_token(&self) -> Option<Token> {
        let now = Instant::now();
        self.lock_token()
            .as_ref()
            .filter(|token| token.is_usable(now))
            .cloned()
    }

    /// Returns a token that is not about to expire, requesting one when there is none.
    async fn current_token(&self) -> Result<Token, Error> {
        if let Some(token) = self.usable_token() {
            return Ok(token);
        }
        let _in_flight = self.token_request.lock().await;
        // Another call may have stored a token while this one waited for the lock.
        if let Some(token) = self.usable_token() {
            return Ok(token);
        }

        let token = self
            .request_token()
            .await
            .map_err(|error| Error::Token(Box::new(error)))?;
        *self.lock_token() = Some(token.clone());
        Ok(token)
    }

    async fn request_token(&self) -> Result<Token, Error> {
        let context = CallContext::new();
        let client = self.client(context.clone());
        let body = types::TokenRequest::builder()
            .grant_type(types::TokenRequestGrantType::Password)
            .username(self.api_key.as_str())
            .password(self.api_secret.as_str());
        let requested_at = Instant::now();
        let result = client.request_token().body(body).send().await;
        let response = match result {
            Ok(response) => response.into_inner(),
            Err(error) => return Err(Error::from_generated(error, &context.record()).await),
        };

        // The expiry runs from the token's last use, so counting it from the request gives
        // an expiry no later than the server's.
        let lifetime = Duration::from_secs(u64::from(response.expires_in.get()));
        Ok(Token {
            value: Arc::from(response.access_token),
            lifetime,
            expires_at: requested_at + lifetime,
        })
    }

    /// Forgets `rejected` unless another call already replaced it, so that concurrent calls
    /// rejected with the same token request one new token, not one each.
    fn discard_token(&self, rejected: &Token) {
        let mut current = self.lock_token();
        if current
            .as_ref()
            .is_some_and(|token| token.value == rejected.value)
        {
            *current = None;
        }
    }

    /// Moves the expiry of `used` to one lifetime after `sent_at`, when it is still the
    /// session's token.
    fn renew_token(&self, used: &Token, sent_at: Instant) {
        let mut current = self.lock_token();
        if let Some(token) = current.as_mut().filter(|token| token.value == used.value) {
            token.expires_at = cmp::max(token.expires_at, sent_at + token.lifetime);
        }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has_token = self.shared.lock_token().is_some();
        formatter
            .debug_struct("Session")
            .field("base_url", &self.shared.base_url)
            .field("api_key", &"<redacted>")
            .field("api_secret", &"<redacted>")
            .field("token", &if has_token { "<redacted>" } else { "<none>" })
            .finish()
    }
}
