//! Records of the sandbox: the values that operations return and the activity that statistics
//! count.

use chrono::NaiveDateTime;

use crate::dates::DurationType;
use crate::seed::{ClientSeed, EnterpriseSeed, Gender, StockSeed, SubscriptionSeed};

/// A group inside an enterprise, which clients can belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Id of the group.
    pub group_id: i64,
    /// Name of the group.
    pub name: String,
}

/// A client, with the enterprise it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    /// Enterprise the client belongs to; not sent on the wire.
    pub enterprise_id: i64,
    pub client_id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_prefix: String,
    pub phone: String,
    pub gender: Option<Gender>,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country: String,
    pub cgu: bool,
    pub optin: bool,
    pub registering_date: NaiveDateTime,
    pub last_login_date: Option<NaiveDateTime>,
    pub end_subscription_date: NaiveDateTime,
    pub active: bool,
    pub group_id: Option<i64>,
}

impl Client {
    pub(super) fn from_seed(enterprise_id: i64, seed: &ClientSeed) -> Self {
        Self {
            enterprise_id,
            client_id: seed.client_id,
            email: seed.email.clone(),
            first_name: seed.first_name.clone(),
            last_name: seed.last_name.clone(),
            phone_prefix: seed.phone_prefix.clone(),
            phone: seed.phone.clone(),
            gender: seed.gender,
            address: seed.address.clone(),
            zip_code: seed.zip_code.clone(),
            city: seed.city.clone(),
            country: seed.country.clone(),
            // A client cannot exist without having accepted the general conditions.
            cgu: true,
            optin: seed.optin,
            registering_date: seed.registering_date.0,
            last_login_date: seed.last_login_date.map(|date| date.0),
            end_subscription_date: seed.end_subscription_date.0,
            active: seed.active,
            group_id: seed.group_id,
        }
    }

    /// Tells whether the subscription is still running at `now`.
    pub fn subscription_valid(&self, now: NaiveDateTime) -> bool {
        self.end_subscription_date > now
    }
}

/// A newly created client and the password generated for it.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedClient {
    pub client: Client,
    /// Random password of 8 printable ASCII characters.
    pub password: String,
}

/// The flags of an email, as the existence check returns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientExistence {
    pub exists: bool,
    pub movable: bool,
    pub attached_to_another_enterprise: bool,
    pub subscription_valid: bool,
    pub client_active: bool,
}

/// A stock of passes and its counters.
#[derive(Debug, Clone, PartialEq)]
pub struct StockOfPasses {
    pub stock_id: i64,
    pub description: String,
    pub duration: u32,
    pub duration_type: DurationType,
    pub expiration_date: NaiveDateTime,
    pub total_units: u32,
    pub total_available: u32,
    pub total_used: u32,
    pub price: f64,
    pub net_price: f64,
    pub vat: u32,
}

impl StockOfPasses {
    pub(super) fn from_seed(seed: &StockSeed, used: u32) -> Self {
        Self {
            stock_id: seed.stock_id,
            description: seed.description.clone(),
            duration: seed.duration,
            duration_type: seed.duration_type,
            expiration_date: seed.expiration_date.0,
            total_units: seed.total_units,
            total_available: seed.total_units.saturating_sub(used),
            total_used: used,
            price: seed.price,
            net_price: seed.net_price,
            vat: seed.vat,
        }
    }
}

/// Usage statistics of an enterprise (`group_id` `None`) or of one of its groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub group_id: Option<i64>,
    pub last_updated: NaiveDateTime,
    pub total_requests: u64,
    pub delta_requests: u64,
    pub total_passes: u64,
    pub delta_passes: u64,
    pub total_clients: u64,
    pub delta_clients: u64,
    pub percentage_female_clients: f64,
    pub percentage_male_clients: f64,
    pub percentage_unknown_clients: f64,
    pub nologin_clients: NoLoginClients,
    pub tags: Vec<TagUsage>,
    /// Spelled as on the wire.
    pub avergage_conversation_rating: f64,
    pub total_orders: TotalOrders,
}

/// Clients who never logged in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoLoginClients {
    pub total: u64,
    pub emails: Vec<String>,
}

/// Share of the tagged requests that carry one tag.
#[derive(Debug, Clone, PartialEq)]
pub struct TagUsage {
    pub tag_name: String,
    pub percent: f64,
}

/// Purchases and their split by product category.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TotalOrders {
    pub total: u64,
    pub categories: Vec<OrderCategory>,
}

/// Share of the purchased products in one category.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderCategory {
    pub category_id: String,
    pub category_name: String,
    pub percent: f64,
}

/// An enterprise's credentials, groups and creation rule.
#[derive(Debug, Clone)]
pub(super) struct Enterprise {
    pub api_key: String,
    pub api_secret: String,
    pub groups: Vec<Group>,
    pub subscription_on_creation: SubscriptionSeed,
}

impl Enterprise {
    pub fn from_seed(seed: &EnterpriseSeed) -> Self {
        Self {
            api_key: seed.api_key.clone(),
            api_secret: seed.api_secret.clone(),
            groups: seed
                .groups
                .iter()
                .map(|group| Group {
                    group_id: group.group_id,
                    name: group.name.clone(),
                })
                .collect(),
            subscription_on_creation: seed.subscription_on_creation,
        }
    }

    pub fn has_group(&self, group_id: i64) -> bool {
        self.groups.iter().any(|group| group.group_id == group_id)
    }
}

/// A pass taken from a stock, with the client's group at that moment.
#[derive(Debug, Clone)]
pub(super) struct PassAssignment {
    pub enterprise_id: i64,
    pub group_id: Option<i64>,
    pub assigned_at: NaiveDateTime,
}

/// One or more identical requests.
#[derive(Debug, Clone)]
pub(super) struct RequestRecord {
    pub enterprise_id: i64,
    pub group_id: Option<i64>,
    pub made_at: NaiveDateTime,
    pub tag: Option<String>,
    pub rating: Option<f64>,
    pub count: u32,
}

/// Products of one category bought in one purchase.
#[derive(Debug, Clone)]
pub(super) struct OrderRecord {
    pub enterprise_id: i64,
    pub group_id: Option<i64>,
    pub category_id: String,
    pub category_name: String,
    pub quantity: u32,
}

/// A single-use autologin token.
#[derive(Debug, Clone)]
pub(super) struct LoginGrant {
    pub client_id: i64,
    pub expires_at: NaiveDateTime,
}
