//! Data sets that the sandbox starts from: the embedded default one, an empty one, or a JSON file.
//!
//! A file is checked in three passes, and each problem names the JSON pointer of the offending
//! value. The first pass validates it against the JSON Schema that [`schema`] generates from
//! these types. The second deserializes it. The third, [`DataSet::check`], applies the rules
//! that span records: unique ids and emails, and references to the groups, stocks and clients
//! of the same enterprise.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dates::{DurationType, WireDateTime};
use crate::domain::validation;

/// The default data set, built from the examples of the API documentation.
const DEFAULT_DATA_SET: &str = include_str!("../data/default-seed.json");

/// Enterprises of the sandbox with their groups, stocks of passes, clients, and the activity
/// that the statistics count.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataSet {
    /// The enterprises, each with its own API key and secret.
    pub enterprises: Vec<EnterpriseSeed>,
}

/// An enterprise, with everything that belongs to it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseSeed {
    /// Id of the enterprise, returned by `GET /oneapi/v0/current`.
    #[schemars(range(min = 1))]
    pub enterprise_id: i64,
    /// API key, the `username` of the token request; unique among enterprises.
    #[schemars(length(min = 1))]
    pub api_key: String,
    /// API secret, the `password` of the token request.
    #[schemars(length(min = 1))]
    pub api_secret: String,
    /// Subscription that a client created through the API gets, counted from its creation.
    #[serde(default)]
    pub subscription_on_creation: SubscriptionSeed,
    /// Groups of the enterprise; group ids are unique across all enterprises.
    #[serde(default)]
    pub groups: Vec<GroupSeed>,
    /// Stocks of passes; stock ids are unique across all enterprises.
    #[serde(default)]
    pub stocks_of_passes: Vec<StockSeed>,
    /// Clients; ids and emails (ignoring case) are unique across all enterprises.
    #[serde(default)]
    pub clients: Vec<ClientSeed>,
    /// Passes already assigned; each one counts as used in its stock.
    #[serde(default)]
    pub pass_assignments: Vec<PassAssignmentSeed>,
    /// Requests (interactions between a Jobbers agent and a client), for the statistics.
    #[serde(default)]
    pub requests: Vec<RequestSeed>,
    /// Purchases made by clients, for the statistics.
    #[serde(default)]
    pub orders: Vec<OrderSeed>,
}

/// A duration, in `duration_type` units.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSeed {
    /// Number of units, at most 36,500: even in years that keeps every end of subscription far
    /// inside chrono's date range, so no date computation can overflow.
    #[schemars(range(min = 1, max = 36_500))]
    pub duration: u32,
    /// Unit of `duration`.
    pub duration_type: DurationType,
}

impl Default for SubscriptionSeed {
    fn default() -> Self {
        Self {
            duration: 2,
            duration_type: DurationType::Month,
        }
    }
}

/// A group of an enterprise.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupSeed {
    /// Id of the group.
    #[schemars(range(min = 1))]
    pub group_id: i64,
    /// Name of the group.
    pub name: String,
}

/// A stock of passes. Its `total_used` is the number of its `pass_assignments`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StockSeed {
    /// Id of the stock.
    #[schemars(range(min = 1))]
    pub stock_id: i64,
    /// Name of the stock.
    pub description: String,
    /// How long one pass extends a subscription, in `duration_type` units, at most 36,500 like
    /// [`SubscriptionSeed::duration`].
    #[schemars(range(min = 1, max = 36_500))]
    pub duration: u32,
    /// Unit of `duration`.
    pub duration_type: DurationType,
    /// Last moment passes of this stock can be assigned.
    pub expiration_date: WireDateTime,
    /// Passes in the stock, assigned or not.
    pub total_units: u32,
    /// Price of a pass, VAT included.
    #[schemars(range(min = 0))]
    pub price: f64,
    /// Price of a pass without VAT.
    #[schemars(range(min = 0))]
    pub net_price: f64,
    /// VAT rate, in percent.
    pub vat: u32,
}

/// Gender of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Returns the name of the gender on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "MALE",
            Self::Female => "FEMALE",
        }
    }
}

/// A client of an enterprise.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSeed {
    /// Id of the client, at most 2^53 - 1 so that every JSON parser reads it exactly and new
    /// clients get the ids after it.
    #[schemars(range(min = 1, max = 9_007_199_254_740_991_i64))]
    pub client_id: i64,
    /// Email of the client.
    #[schemars(length(min = 3, max = 254))]
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// International dialling prefix, such as `+33`.
    #[schemars(regex(pattern = r"^\+[0-9]{1,4}$"))]
    pub phone_prefix: String,
    /// Phone number without the prefix.
    #[schemars(regex(pattern = r"^[0-9]{4,15}$"))]
    pub phone: String,
    /// Gender, or null when the client gave none.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Street address.
    pub address: String,
    /// Postal code.
    pub zip_code: String,
    /// City.
    pub city: String,
    /// Country, as an ISO 3166-1 alpha-2 code.
    #[schemars(regex(pattern = "^[A-Z]{2}$"))]
    pub country: String,
    /// Whether the client agrees to receive marketing emails.
    pub optin: bool,
    /// When the client was created.
    pub registering_date: WireDateTime,
    /// Last login to Jobbers, or null when the client never logged in.
    #[serde(default)]
    pub last_login_date: Option<WireDateTime>,
    /// End of the client's subscription.
    pub end_subscription_date: WireDateTime,
    /// Whether the client's account is active.
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// Group of the enterprise that the client belongs to, or null for the enterprise itself.
    #[serde(default)]
    pub group_id: Option<i64>,
}

fn active_by_default() -> bool {
    true
}

/// A pass taken from a stock and assigned to a client.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PassAssignmentSeed {
    /// The partner's transaction id, unique within the enterprise.
    #[schemars(length(min = 1, max = 255))]
    pub payment_reference: String,
    /// Stock the pass came from.
    pub stock_id: i64,
    /// Client who received the pass.
    pub client_id: i64,
    /// When the pass was assigned.
    pub assigned_at: WireDateTime,
}

/// One or more requests made at the same moment with the same tag.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestSeed {
    /// When the requests were made.
    pub made_at: WireDateTime,
    /// Group of the client who made them, or null for the enterprise itself.
    #[serde(default)]
    pub group_id: Option<i64>,
    /// Tag of the conversation, one of the tags that the statistics list, or null.
    #[serde(default)]
    pub tag: Option<String>,
    /// Rating from 0 to 5 that the client gave to the conversation, or null.
    #[serde(default)]
    #[schemars(range(min = 0, max = 5))]
    pub rating: Option<f64>,
    /// Number of identical requests this entry stands for.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub count: u32,
}

/// One or more products bought in one purchase. The statistics count orders of all time.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderSeed {
    /// Group of the client who bought, or null for the enterprise itself.
    #[serde(default)]
    pub group_id: Option<i64>,
    /// Id of the product category, as a string of digits.
    #[schemars(regex(pattern = "^[0-9]+$"))]
    pub category_id: String,
    /// Name of the product category.
    pub category_name: String,
    /// Number of products of that category bought.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub quantity: u32,
}

fn one() -> u32 {
    1
}

/// Tags of conversations, in the order the statistics list them.
pub const TAGS: [&str; 21] = [
    "sports",
    "enfants",
    "voyages",
    "services_domicile",
    "services_individus",
    "animaux",
    "auto_moto",
    "coaching",
    "livraison",
    "administratif",
    "demenagement",
    "anniversaire",
    "mariage_pacs",
    "evg",
    "romantique",
    "fetes",
    "reservation",
    "marketplace",
    "recherches",
    "medical",
    "bons_plans",
];

/// One problem found in a data set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedProblem {
    /// JSON pointer to the offending value, such as `/enterprises/0/clients/2/country`.
    pub pointer: String,
    /// Description of the problem.
    pub message: String,
}

impl fmt::Display for SeedProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let location = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(formatter, "{location}: {}", self.message)
    }
}

/// Failure to load a data set.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    // The underlying errors are fields named `error`, not `source`: the message already shows
    // them, and an error chain printed with `{:#}` would show them twice.
    #[error("cannot read the data set {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("the data set {origin} is not valid JSON: {error}")]
    Syntax {
        origin: String,
        error: serde_json::Error,
    },
    #[error("the data set {origin} is invalid:\n{}", list(.problems))]
    Invalid {
        origin: String,
        problems: Vec<SeedProblem>,
    },
}

impl SeedError {
    /// Returns the problems of an invalid data set, or none for a read or syntax error.
    pub fn problems(&self) -> &[SeedProblem] {
        match self {
            Self::Invalid { problems, .. } => problems,
            Self::Read { .. } | Self::Syntax { .. } => &[],
        }
    }
}

fn list(problems: &[SeedProblem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|problem| format!("  {problem}"))
        .collect();
    lines.join("\n")
}

/// Returns the JSON Schema of data set files.
pub fn schema() -> Value {
    let schema = schemars::schema_for!(DataSet);
    serde_json::to_value(schema).unwrap_or(Value::Null)
}

impl DataSet {
    /// Returns the default data set, built from the documented examples.
    pub fn default_data_set() -> Self {
        // A unit test checks that the embedded file passes every check.
        Self::from_json("the default data set", DEFAULT_DATA_SET)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Returns the default data set's enterprises, with their groups, and nothing else.
    pub fn empty() -> Self {
        let mut data_set = Self::default_data_set();
        for enterprise in &mut data_set.enterprises {
            enterprise.stocks_of_passes.clear();
            enterprise.clients.clear();
            enterprise.pass_assignments.clear();
            enterprise.requests.clear();
            enterprise.orders.clear();
        }
        data_set
    }

    /// Reads and checks a data set file.
    pub fn load(path: &Path) -> Result<Self, SeedError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| SeedError::Read {
            path: origin.clone(),
            error,
        })?;
        let value = parse(&origin, &text)?;
        // A large file's text, its JSON tree and the records are not all kept at once.
        drop(text);
        Self::from_value(&origin, value)
    }

    /// Parses and checks a data set; `origin` names it in errors.
    pub fn from_json(origin: &str, text: &str) -> Result<Self, SeedError> {
        Self::from_value(origin, parse(origin, text)?)
    }

    /// Checks a parsed data set against the generated JSON Schema, which reports every
    /// violation at once, then against the rules that the schema cannot express.
    fn from_value(origin: &str, value: Value) -> Result<Self, SeedError> {
        let invalid = |problems| SeedError::Invalid {
            origin: origin.to_owned(),
            problems,
        };

        let problems = schema_problems(&value);
        if !problems.is_empty() {
            return Err(invalid(problems));
        }

        // Deserialization catches what the schema cannot express, such as an impossible date.
        let data_set: DataSet = serde_path_to_error::deserialize(&value).map_err(|error| {
            invalid(vec![SeedProblem {
                pointer: to_pointer(error.path()),
                message: error.inner().to_string(),
            }])
        })?;
        drop(value);

        let problems = data_set.check();
        if problems.is_empty() {
            Ok(data_set)
        } else {
            Err(invalid(problems))
        }
    }

    /// Returns the problems of the rules that span records; empty when the data set is valid.
    pub fn check(&self) -> Vec<SeedProblem> {
        let mut checker = Checker::default();
        for (index, enterprise) in self.enterprises.iter().enumerate() {
            checker.check_enterprise(&format!("/enterprises/{index}"), enterprise);
        }
        checker.problems
    }
}

/// Parses the text of a data set; `origin` names it in errors.
fn parse(origin: &str, text: &str) -> Result<Value, SeedError> {
    serde_json::from_str(text).map_err(|error| SeedError::Syntax {
        origin: origin.to_owned(),
        error,
    })
}

/// Validates `value` against the generated schema.
fn schema_problems(value: &Value) -> Vec<SeedProblem> {
    let validator = match jsonschema::validator_for(&schema()) {
        Ok(validator) => validator,
        Err(error) => {
            return vec![SeedProblem {
                pointer: String::new(),
                message: format!("the data set schema does not compile: {error}"),
            }];
        }
    };
    validator
        .iter_errors(value)
        .map(|error| SeedProblem {
            pointer: error.instance_path().as_str().to_owned(),
            message: error.to_string(),
        })
        .collect()
}

/// Converts a `serde_path_to_error` path such as `enterprises[0].clients[2]` to a JSON pointer.
fn to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;

    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// Rules that span records, collected across the whole data set.
#[derive(Debug, Default)]
struct Checker {
    problems: Vec<SeedProblem>,
    enterprise_ids: HashSet<i64>,
    api_keys: HashSet<String>,
    group_ids: HashSet<i64>,
    stock_ids: HashSet<i64>,
    client_ids: HashSet<i64>,
    emails: HashSet<String>,
}

impl Checker {
    fn report(&mut self, pointer: String, message: impl Into<String>) {
        self.problems.push(SeedProblem {
            pointer,
            message: message.into(),
        });
    }

    fn check_enterprise(&mut self, at: &str, enterprise: &EnterpriseSeed) {
        if !self.enterprise_ids.insert(enterprise.enterprise_id) {
            let message = format!("enterprise id {} is used twice", enterprise.enterprise_id);
            self.report(format!("{at}/enterprise_id"), message);
        }
        if !self.api_keys.insert(enterprise.api_key.clone()) {
            self.report(
                format!("{at}/api_key"),
                "this API key belongs to another enterprise",
            );
        }

        // Groups first, since clients, requests and orders refer to them.
        let mut own_groups = HashSet::new();
        for (index, group) in enterprise.groups.iter().enumerate() {
            if !self.group_ids.insert(group.group_id) {
                let message = format!("group id {} is used twice", group.group_id);
                self.report(format!("{at}/groups/{index}/group_id"), message);
            }
            own_groups.insert(group.group_id);
        }

        let mut stock_units = HashMap::new();
        for (index, stock) in enterprise.stocks_of_passes.iter().enumerate() {
            if !self.stock_ids.insert(stock.stock_id) {
                let message = format!("stock id {} is used twice", stock.stock_id);
                self.report(format!("{at}/stocks_of_passes/{index}/stock_id"), message);
            }
            stock_units.insert(stock.stock_id, stock.total_units);
        }

        let mut own_clients = HashSet::new();
        for (index, client) in enterprise.clients.iter().enumerate() {
            self.check_client(&format!("{at}/clients/{index}"), client, &own_groups);
            own_clients.insert(client.client_id);
        }

        self.check_assignments(at, enterprise, &stock_units, &own_clients);

        for (index, request) in enterprise.requests.iter().enumerate() {
            let at = format!("{at}/requests/{index}");
            self.check_group(&format!("{at}/group_id"), request.group_id, &own_groups);
            if let Some(tag) = &request.tag
                && !TAGS.contains(&tag.as_str())
            {
                let message = format!("unknown tag `{tag}`; use one of {}", TAGS.join(", "));
                self.report(format!("{at}/tag"), message);
            }
        }
        for (index, order) in enterprise.orders.iter().enumerate() {
            let pointer = format!("{at}/orders/{index}/group_id");
            self.check_group(&pointer, order.group_id, &own_groups);
        }
    }

    fn check_client(&mut self, at: &str, client: &ClientSeed, own_groups: &HashSet<i64>) {
        if !self.client_ids.insert(client.client_id) {
            let message = format!("client id {} is used twice", client.client_id);
            self.report(format!("{at}/client_id"), message);
        }
        if !self.emails.insert(client.email.to_lowercase()) {
            let message = format!("email {} belongs to another client", client.email);
            self.report(format!("{at}/email"), message);
        }
        if !validation::is_email(&client.email) {
            let message = format!("`{}` is not an email address", client.email);
            self.report(format!("{at}/email"), message);
        }
        if !crate::countries::is_alpha_2_code(&client.country) {
            let message = format!(
                "`{}` is not an ISO 3166-1 alpha-2 country code",
                client.country
            );
            self.report(format!("{at}/country"), message);
        }
        for (field, value) in [
            ("first_name", &client.first_name),
            ("last_name", &client.last_name),
            ("address", &client.address),
            ("zip_code", &client.zip_code),
            ("city", &client.city),
        ] {
            if value.trim().is_empty() {
                self.report(format!("{at}/{field}"), format!("{field} cannot be blank"));
            }
        }
        self.check_group(&format!("{at}/group_id"), client.group_id, own_groups);
    }

    fn check_assignments(
        &mut self,
        at: &str,
        enterprise: &EnterpriseSeed,
        stock_units: &HashMap<i64, u32>,
        own_clients: &HashSet<i64>,
    ) {
        let mut references = HashSet::new();
        let mut used: HashMap<i64, u32> = HashMap::new();
        for (index, assignment) in enterprise.pass_assignments.iter().enumerate() {
            let at = format!("{at}/pass_assignments/{index}");
            if !references.insert(assignment.payment_reference.as_str()) {
                let message = format!(
                    "payment reference `{}` is used twice",
                    assignment.payment_reference
                );
                self.report(format!("{at}/payment_reference"), message);
            }
            match stock_units.get(&assignment.stock_id) {
                None => {
                    let message = format!(
                        "stock {} is not a stock of enterprise {}",
                        assignment.stock_id, enterprise.enterprise_id
                    );
                    self.report(format!("{at}/stock_id"), message);
                }
                Some(&units) => {
                    let count = used.entry(assignment.stock_id).or_default();
                    *count += 1;
                    if *count > units {
                        let message = format!(
                            "stock {} has {units} passes, fewer than its assignments",
                            assignment.stock_id
                        );
                        self.report(format!("{at}/stock_id"), message);
                    }
                }
            }
            if !own_clients.contains(&assignment.client_id) {
                let message = format!(
                    "client {} is not a client of enterprise {}",
                    assignment.client_id, enterprise.enterprise_id
                );
                self.report(format!("{at}/client_id"), message);
            }
        }
    }

    fn check_group(&mut self, pointer: &str, group_id: Option<i64>, own_groups: &HashSet<i64>) {
        if let Some(group_id) = group_id
            && !own_groups.contains(&group_id)
        {
            let message = format!("group {group_id} is not a group of this enterprise");
            self.report(pointer.to_owned(), message);
        }
    }
}

#[cfg(test)]
mod tests;
