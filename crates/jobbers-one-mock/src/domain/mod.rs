//! The sandbox's state and the API's rules, in plain Rust with no HTTP.
//!
//! [`Sandbox`] keeps every record behind one mutex, so each operation checks and updates the
//! state atomically: concurrent pass assignments never oversell a stock nor accept a payment
//! reference twice. Access tokens have a mutex of their own, since every call reads them.

mod chunked;
mod clients;
pub mod error;
mod passes;
mod records;
mod stats;
mod tokens;
pub mod validation;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{NaiveDateTime, TimeDelta};

pub use clients::{ClientChanges, ClientKey, NewClient};
pub use error::{ApiError, ErrorTitle, Problem};
pub use passes::PassRequest;
pub use records::{
    Client, ClientExistence, CreatedClient, Group, NoLoginClients, OrderCategory, Stats,
    StockOfPasses, TagUsage, TotalOrders,
};
pub use tokens::{IssuedToken, MAX_ACCESS_TOKENS};

use crate::clock::Clock;
use crate::seed::DataSet;
use chunked::ChunkedList;
use records::{Enterprise, LoginGrant, OrderRecord, PassAssignment, RequestRecord};
use tokens::TokenStore;

/// The enterprise that a bearer token belongs to, passed to every authenticated operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caller {
    /// Id of the authenticated enterprise.
    pub enterprise_id: i64,
}

/// The in-memory Jobbers One sandbox: enterprises, clients, stocks of passes and tokens.
#[derive(Debug)]
pub struct Sandbox {
    state: Mutex<State>,
    tokens: Mutex<TokenStore>,
    clock: Arc<dyn Clock>,
    token_ttl: TimeDelta,
}

/// Every record of the sandbox except access tokens.
///
/// The tables that API calls add to are B-trees and chunked lists, which grow a node or a
/// chunk at a time. A hash table or a `Vec` would move every record when it doubles, with the
/// lock held: at 458,000 clients that paused every request for 780 ms on a 2-CPU machine.
#[derive(Debug, Default)]
struct State {
    enterprises: HashMap<i64, Enterprise>,
    clients: BTreeMap<i64, Box<Client>>,
    /// Client ids by [`validation::email_key`].
    client_ids_by_email: BTreeMap<String, i64>,
    /// Stocks in data set order, which is the order the API lists them in.
    stocks: Vec<StockOfPasses>,
    /// Owner of each stock, by stock id.
    stock_owners: HashMap<i64, i64>,
    assignments: ChunkedList<PassAssignment>,
    /// Payment references of `assignments`, by enterprise id, so that checking a new one does
    /// not scan every assignment.
    payment_references: HashMap<i64, BTreeSet<String>>,
    requests: Vec<RequestRecord>,
    orders: Vec<OrderRecord>,
    login_grants: BTreeMap<String, LoginGrant>,
    next_client_id: i64,
}

impl Sandbox {
    /// Creates a sandbox holding `data_set`, which must have passed [`DataSet::check`].
    /// Access tokens expire `token_ttl` after their last use.
    pub fn new(data_set: &DataSet, clock: Arc<dyn Clock>, token_ttl: TimeDelta) -> Self {
        Self {
            state: Mutex::new(State::from_data_set(data_set)),
            tokens: Mutex::new(TokenStore::default()),
            clock,
            token_ttl,
        }
    }

    /// Returns the current time of the sandbox's clock.
    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// Returns the delay after its last use at which an access token expires.
    pub fn token_ttl(&self) -> TimeDelta {
        self.token_ttl
    }

    /// Returns the id of the caller's enterprise as the current enterprise call sends it, a
    /// string of digits.
    pub fn current_enterprise(&self, caller: Caller) -> String {
        caller.enterprise_id.to_string()
    }

    /// Lists the groups of the caller's enterprise, in data set order.
    pub fn groups(&self, caller: Caller) -> Vec<Group> {
        self.lock_state()
            .enterprises
            .get(&caller.enterprise_id)
            .map(|enterprise| enterprise.groups.clone())
            .unwrap_or_default()
    }

    fn lock_state(&self) -> MutexGuard<'_, State> {
        // Operations validate before they write, so a panic cannot leave a record half-updated.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    fn from_data_set(data_set: &DataSet) -> Self {
        let mut state = Self::default();
        for seed in &data_set.enterprises {
            let enterprise_id = seed.enterprise_id;
            state
                .enterprises
                .insert(enterprise_id, Enterprise::from_seed(seed));

            for stock in &seed.stocks_of_passes {
                let used = seed
                    .pass_assignments
                    .iter()
                    .filter(|assignment| assignment.stock_id == stock.stock_id)
                    .count();
                let used = u32::try_from(used).unwrap_or(u32::MAX);
                state.stock_owners.insert(stock.stock_id, enterprise_id);
                state.stocks.push(StockOfPasses::from_seed(stock, used));
            }

            for client in &seed.clients {
                state
                    .client_ids_by_email
                    .insert(validation::email_key(&client.email), client.client_id);
                state.clients.insert(
                    client.client_id,
                    Box::new(Client::from_seed(enterprise_id, client)),
                );
            }

            for assignment in &seed.pass_assignments {
                let group_id = state
                    .clients
                    .get(&assignment.client_id)
                    .and_then(|client| client.group_id);
                state
                    .payment_references
                    .entry(enterprise_id)
                    .or_default()
                    .insert(assignment.payment_reference.clone());
                state.assignments.push(PassAssignment {
                    enterprise_id,
                    group_id,
                    assigned_at: assignment.assigned_at.0,
                });
            }

            for request in &seed.requests {
                state.requests.push(RequestRecord {
                    enterprise_id,
                    group_id: request.group_id,
                    made_at: request.made_at.0,
                    tag: request.tag.clone(),
                    rating: request.rating,
                    count: request.count,
                });
            }

            for order in &seed.orders {
                state.orders.push(OrderRecord {
                    enterprise_id,
                    group_id: order.group_id,
                    category_id: order.category_id.clone(),
                    category_name: order.category_name.clone(),
                    quantity: order.quantity,
                });
            }
        }
        state.next_client_id = state
            .clients
            .keys()
            .max()
            .map_or(1, |max| max.saturating_add(1));
        state
    }

    /// Finds a client of `caller` by id or email: `404` when unknown, `403` when it belongs
    /// to another enterprise.
    fn own_client_id(&self, caller: Caller, key: &ClientKey) -> Result<i64, ApiError> {
        let client_id = match key {
            ClientKey::Id(id) => Some(*id),
            ClientKey::Email(email) => self
                .client_ids_by_email
                .get(&validation::email_key(email))
                .copied(),
        };
        let client = client_id
            .and_then(|id| self.clients.get(&id))
            .ok_or_else(ApiError::client_not_found)?;
        if client.enterprise_id != caller.enterprise_id {
            return Err(ApiError::client_of_another_enterprise());
        }
        Ok(client.client_id)
    }

    fn enterprise(&self, caller: Caller) -> Option<&Enterprise> {
        self.enterprises.get(&caller.enterprise_id)
    }
}
