//! Clients: creation, lookup by id or email, update, deletion, existence flags and autologin.

use rand::Rng;

use super::error::{ApiError, ErrorTitle, Problem};
use super::records::{Client, ClientExistence, CreatedClient, LoginGrant};
use super::tokens::{LOGIN_TOKEN_TTL, hex, later, random_bytes};
use super::validation::{self, email_taken};
use super::{Caller, Sandbox, State};
use crate::dates::add_duration;
use crate::seed::{Gender, SubscriptionSeed};

/// Client named by a path value: a value made only of digits is an id, anything else an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientKey {
    Id(i64),
    Email(String),
}

impl ClientKey {
    /// Reads a decoded path value. Digits too many for an id name no client, so they become
    /// an id that cannot exist rather than an email.
    pub fn parse(value: &str) -> Self {
        if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
            Self::Id(value.parse().unwrap_or(-1))
        } else {
            Self::Email(value.to_owned())
        }
    }
}

/// The body of a client creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub email: String,
    pub group_id: Option<i64>,
    pub first_name: String,
    pub last_name: String,
    pub phone_prefix: String,
    pub phone: String,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country: String,
    pub cgu: bool,
    pub optin: bool,
    pub gender: Option<Gender>,
}

/// The body of a client update: `None` keeps the current value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientChanges {
    pub email: Option<String>,
    pub group_id: Option<i64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_prefix: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Deprecated alias of `address`; when both are given they must be equal.
    pub street: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub optin: Option<bool>,
    pub gender: Option<Gender>,
}

/// Characters of generated passwords: printable ASCII without space, quotes and backslash.
const PASSWORD_ALPHABET: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~";

impl Sandbox {
    /// Creates a client of the caller's enterprise and generates its password.
    ///
    /// Every problem is reported in one `400`: a blank field (`cannot_be_blank`), `cgu` not
    /// true (`must_be_accepted`), an email of any existing client, ignoring case
    /// (`has_already_been_taken`), a country that is no ISO 3166-1 alpha-2 code or a group of
    /// another enterprise (`is_invalid`).
    pub fn create_client(
        &self,
        caller: Caller,
        new_client: NewClient,
    ) -> Result<CreatedClient, ApiError> {
        let now = self.now();
        let mut state = self.lock_state();

        // Validation, every field before any write.
        let mut problems = Vec::new();
        if validation::check_email(&new_client.email, &mut problems)
            && state
                .client_ids_by_email
                .contains_key(&validation::email_key(&new_client.email))
        {
            problems.push(email_taken(&new_client.email));
        }
        for (field, value) in [
            ("first_name", &new_client.first_name),
            ("last_name", &new_client.last_name),
            ("address", &new_client.address),
            ("zip_code", &new_client.zip_code),
            ("city", &new_client.city),
        ] {
            validation::require_text(field, value, &mut problems);
        }
        validation::check_phone_prefix(&new_client.phone_prefix, &mut problems);
        validation::check_phone(&new_client.phone, &mut problems);
        validation::check_country(&new_client.country, &mut problems);
        if !new_client.cgu {
            problems.push(Problem::new(
                ErrorTitle::MustBeAccepted,
                "cgu",
                "cgu must be accepted",
            ));
        }
        check_group(&state, caller, new_client.group_id, &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::BadRequest(problems));
        }

        // The write.
        let subscription = state
            .enterprise(caller)
            .map_or_else(SubscriptionSeed::default, |enterprise| {
                enterprise.subscription_on_creation
            });
        let end_subscription_date =
            add_duration(now, subscription.duration, subscription.duration_type).unwrap_or(now);
        let client_id = state.next_client_id;
        state.next_client_id = client_id.saturating_add(1);
        let client = Client {
            enterprise_id: caller.enterprise_id,
            client_id,
            email: new_client.email,
            first_name: new_client.first_name,
            last_name: new_client.last_name,
            phone_prefix: new_client.phone_prefix,
            phone: new_client.phone,
            gender: new_client.gender,
            address: new_client.address,
            zip_code: new_client.zip_code,
            city: new_client.city,
            country: new_client.country,
            cgu: true,
            optin: new_client.optin,
            registering_date: now,
            last_login_date: None,
            end_subscription_date,
            active: true,
            group_id: new_client.group_id,
        };
        state
            .client_ids_by_email
            .insert(validation::email_key(&client.email), client_id);
        state.clients.insert(client_id, Box::new(client.clone()));
        Ok(CreatedClient {
            client,
            password: generate_password(),
        })
    }

    /// Returns a client of the caller's enterprise: `404` when unknown, `403` when it
    /// belongs to another enterprise.
    pub fn client(&self, caller: Caller, key: &ClientKey) -> Result<Client, ApiError> {
        let state = self.lock_state();
        let client_id = state.own_client_id(caller, key)?;
        state
            .clients
            .get(&client_id)
            .map(|client| Client::clone(client))
            .ok_or_else(ApiError::client_not_found)
    }

    /// Changes the given fields of a client of the caller's enterprise, with the rules of
    /// creation; `street` and `address` sent with different values are `does_not_match`.
    pub fn update_client(
        &self,
        caller: Caller,
        key: &ClientKey,
        changes: ClientChanges,
    ) -> Result<Client, ApiError> {
        let mut state = self.lock_state();
        let client_id = state.own_client_id(caller, key)?;

        // Validation, every field before any write.
        let mut problems = Vec::new();
        if let Some(email) = &changes.email
            && validation::check_email(email, &mut problems)
            && state
                .client_ids_by_email
                .get(&validation::email_key(email))
                .is_some_and(|&owner| owner != client_id)
        {
            problems.push(email_taken(email));
        }
        for (field, value) in [
            ("first_name", &changes.first_name),
            ("last_name", &changes.last_name),
            ("address", &changes.address),
            ("street", &changes.street),
            ("zip_code", &changes.zip_code),
            ("city", &changes.city),
        ] {
            if let Some(value) = value {
                validation::require_text(field, value, &mut problems);
            }
        }
        if let Some(prefix) = &changes.phone_prefix {
            validation::check_phone_prefix(prefix, &mut problems);
        }
        if let Some(phone) = &changes.phone {
            validation::check_phone(phone, &mut problems);
        }
        if let Some(country) = &changes.country {
            validation::check_country(country, &mut problems);
        }
        if let (Some(address), Some(street)) = (&changes.address, &changes.street)
            && address != street
        {
            problems.push(Problem::new(
                ErrorTitle::DoesNotMatch,
                "street",
                "street is an alias of address and does not match it",
            ));
        }
        check_group(&state, caller, changes.group_id, &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::BadRequest(problems));
        }

        // The write.
        let old_email = state
            .clients
            .get(&client_id)
            .map(|client| client.email.clone())
            .ok_or_else(ApiError::client_not_found)?;
        if let Some(email) = &changes.email {
            state
                .client_ids_by_email
                .remove(&validation::email_key(&old_email));
            state
                .client_ids_by_email
                .insert(validation::email_key(email), client_id);
        }
        let client = state
            .clients
            .get_mut(&client_id)
            .ok_or_else(ApiError::client_not_found)?;
        apply_changes(client, changes);
        Ok(Client::clone(client))
    }

    /// Deletes a client of the caller's enterprise and returns the moment it left. Its email
    /// becomes free and its unused autologin tokens stop working.
    pub fn delete_client(
        &self,
        caller: Caller,
        key: &ClientKey,
    ) -> Result<chrono::NaiveDateTime, ApiError> {
        let now = self.now();
        let mut state = self.lock_state();
        let client_id = state.own_client_id(caller, key)?;
        if let Some(client) = state.clients.remove(&client_id) {
            state
                .client_ids_by_email
                .remove(&validation::email_key(&client.email));
        }
        state
            .login_grants
            .retain(|_, grant| grant.client_id != client_id);
        Ok(now)
    }

    /// Returns the flags of an email for the caller's enterprise; an unknown email has every
    /// flag false.
    ///
    /// A client of another enterprise is `movable` when it could leave that enterprise
    /// without cutting anything short: its account is inactive or its subscription has ended.
    /// A client of the caller's own enterprise is never movable, since it is already there.
    pub fn client_existence(&self, caller: Caller, email: &str) -> ClientExistence {
        let now = self.now();
        let state = self.lock_state();
        let Some(client) = state
            .client_ids_by_email
            .get(&validation::email_key(email))
            .and_then(|id| state.clients.get(id))
        else {
            return ClientExistence::default();
        };

        let subscription_valid = client.subscription_valid(now);
        let attached_to_another_enterprise = client.enterprise_id != caller.enterprise_id;
        ClientExistence {
            exists: true,
            movable: attached_to_another_enterprise && (!client.active || !subscription_valid),
            attached_to_another_enterprise,
            subscription_valid,
            client_active: client.active,
        }
    }

    /// Issues a single-use autologin token for a client of the caller's enterprise: 64 random
    /// hex digits, valid for one hour. Expired tokens are purged on the way.
    pub fn issue_login_token(&self, caller: Caller, key: &ClientKey) -> Result<String, ApiError> {
        let now = self.now();
        let mut state = self.lock_state();
        let client_id = state.own_client_id(caller, key)?;
        state.login_grants.retain(|_, grant| grant.expires_at > now);
        let token = hex(&random_bytes::<32>());
        state.login_grants.insert(
            token.clone(),
            LoginGrant {
                client_id,
                expires_at: later(now, LOGIN_TOKEN_TTL),
            },
        );
        Ok(token)
    }

    /// Spends an autologin token: returns the client it logs in and records the login, or
    /// `None` for a used, expired or unknown token.
    pub fn redeem_login_token(&self, token: &str) -> Option<Client> {
        let now = self.now();
        let mut state = self.lock_state();
        let grant = state.login_grants.remove(token)?;
        if grant.expires_at <= now {
            return None;
        }
        let client = state.clients.get_mut(&grant.client_id)?;
        client.last_login_date = Some(now);
        Some(Client::clone(client))
    }
}

/// Checks that `group_id`, when given, is a group of the caller's enterprise.
fn check_group(state: &State, caller: Caller, group_id: Option<i64>, problems: &mut Vec<Problem>) {
    let Some(group_id) = group_id else {
        return;
    };
    let own = state
        .enterprise(caller)
        .is_some_and(|enterprise| enterprise.has_group(group_id));
    if !own {
        problems.push(Problem::invalid(
            "group_id",
            format!(
                "group {group_id} is not a group of enterprise {}",
                caller.enterprise_id
            ),
        ));
    }
}

/// Writes the given fields of `changes` to `client`; `street` replaces a missing `address`.
fn apply_changes(client: &mut Client, changes: ClientChanges) {
    fn set<T>(field: &mut T, value: Option<T>) {
        if let Some(value) = value {
            *field = value;
        }
    }

    set(&mut client.email, changes.email);
    set(&mut client.first_name, changes.first_name);
    set(&mut client.last_name, changes.last_name);
    set(&mut client.phone_prefix, changes.phone_prefix);
    set(&mut client.phone, changes.phone);
    set(&mut client.address, changes.address.or(changes.street));
    set(&mut client.zip_code, changes.zip_code);
    set(&mut client.city, changes.city);
    set(&mut client.country, changes.country);
    set(&mut client.optin, changes.optin);
    if changes.group_id.is_some() {
        client.group_id = changes.group_id;
    }
    if changes.gender.is_some() {
        client.gender = changes.gender;
    }
}

/// Generates a password of 8 characters from [`PASSWORD_ALPHABET`].
fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from(PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())]))
        .collect()
}
