//! Monthly usage statistics, computed from the state at each call.
//!
//! The enterprise's entry counts everything of the enterprise, its groups included; a group's
//! entry counts the records of that group. `total_*` figures count all time and `delta_*`
//! figures the requested month. Tags and the average rating describe the month's requests;
//! orders count all time, like the other `total_*` figures.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use super::error::{ApiError, Problem};
use super::records::{Client, NoLoginClients, OrderCategory, Stats, TagUsage, TotalOrders};
use super::{Caller, Sandbox, State};
use crate::seed::{Gender, TAGS};

/// A calendar month, from its first instant included to the next month's excluded.
#[derive(Debug, Clone, Copy)]
struct Month {
    start: NaiveDateTime,
    end: NaiveDateTime,
}

impl Month {
    fn new(month: u32, year: i32) -> Option<Self> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        Some(Self {
            start: first.and_hms_opt(0, 0, 0)?,
            end: next.and_hms_opt(0, 0, 0)?,
        })
    }

    fn contains(self, instant: NaiveDateTime) -> bool {
        self.start <= instant && instant < self.end
    }
}

/// Scope of an entry: the whole enterprise, or one group.
#[derive(Debug, Clone, Copy)]
struct Scope {
    enterprise_id: i64,
    group_id: Option<i64>,
}

impl Scope {
    fn includes(self, enterprise_id: i64, group_id: Option<i64>) -> bool {
        enterprise_id == self.enterprise_id
            && (self.group_id.is_none() || self.group_id == group_id)
    }
}

impl Sandbox {
    /// Computes the statistics of the caller's enterprise for `month` (1 to 12) of `year`
    /// (four digits): the enterprise's entry, then one entry for each group in data set order.
    pub fn stats(&self, caller: Caller, month: i64, year: i64) -> Result<Vec<Stats>, ApiError> {
        let mut problems = Vec::new();
        let month_number = u32::try_from(month).ok().filter(|m| (1..=12).contains(m));
        if month_number.is_none() {
            problems.push(Problem::invalid(
                "month",
                format!("month {month} is not between 1 and 12"),
            ));
        }
        let year_number = i32::try_from(year)
            .ok()
            .filter(|y| (1000..=9999).contains(y));
        if year_number.is_none() {
            problems.push(Problem::invalid(
                "year",
                format!("year {year} is not a year of four digits"),
            ));
        }
        let period = month_number
            .zip(year_number)
            .and_then(|(month, year)| Month::new(month, year));
        let Some(period) = period else {
            return Err(ApiError::BadRequest(problems));
        };

        let now = self.now();
        let state = self.lock_state();
        let groups = state
            .enterprise(caller)
            .map(|enterprise| enterprise.groups.clone())
            .unwrap_or_default();
        let scopes = std::iter::once(None)
            .chain(groups.iter().map(|group| Some(group.group_id)))
            .map(|group_id| Scope {
                enterprise_id: caller.enterprise_id,
                group_id,
            });
        Ok(scopes
            .map(|scope| entry(&state, scope, period, now))
            .collect())
    }
}

fn entry(state: &State, scope: Scope, period: Month, now: NaiveDateTime) -> Stats {
    // Clients, oldest first, as the never-logged-in list shows them.
    let mut clients: Vec<&Client> = state
        .clients
        .values()
        .map(|client| &**client)
        .filter(|client| scope.includes(client.enterprise_id, client.group_id))
        .collect();
    clients.sort_by_key(|client| (client.registering_date, client.client_id));
    let count_gender = |gender| {
        clients
            .iter()
            .filter(|client| client.gender == gender)
            .count()
    };
    let (female, male, unknown) = (
        count_gender(Some(Gender::Female)),
        count_gender(Some(Gender::Male)),
        count_gender(None),
    );
    let nologin_emails: Vec<String> = clients
        .iter()
        .filter(|client| client.last_login_date.is_none())
        .map(|client| client.email.clone())
        .collect();

    // Requests and their tags and ratings.
    let requests: Vec<_> = state
        .requests
        .iter()
        .filter(|request| scope.includes(request.enterprise_id, request.group_id))
        .collect();
    let month_requests: Vec<_> = requests
        .iter()
        .filter(|request| period.contains(request.made_at))
        .collect();
    let tagged: u64 = month_requests
        .iter()
        .filter(|request| request.tag.is_some())
        .map(|request| u64::from(request.count))
        .sum();
    let tags = TAGS
        .iter()
        .map(|&tag_name| {
            let with_tag: u64 = month_requests
                .iter()
                .filter(|request| request.tag.as_deref() == Some(tag_name))
                .map(|request| u64::from(request.count))
                .sum();
            TagUsage {
                tag_name: tag_name.to_owned(),
                percent: percent(with_tag, tagged),
            }
        })
        .collect();
    let (rating_sum, rating_count) = month_requests
        .iter()
        .filter_map(|request| request.rating.map(|rating| (rating, request.count)))
        .fold((0.0, 0u64), |(sum, count), (rating, times)| {
            (sum + rating * f64::from(times), count + u64::from(times))
        });
    let average_rating = if rating_count == 0 {
        0.0
    } else {
        round_2(rating_sum / rating_count as f64)
    };

    // Passes.
    let passes: Vec<_> = state
        .assignments
        .iter()
        .filter(|assignment| scope.includes(assignment.enterprise_id, assignment.group_id))
        .collect();

    Stats {
        group_id: scope.group_id,
        last_updated: now,
        total_requests: requests
            .iter()
            .map(|request| u64::from(request.count))
            .sum(),
        delta_requests: month_requests
            .iter()
            .map(|request| u64::from(request.count))
            .sum(),
        total_passes: passes.len() as u64,
        delta_passes: passes
            .iter()
            .filter(|assignment| period.contains(assignment.assigned_at))
            .count() as u64,
        total_clients: clients.len() as u64,
        delta_clients: clients
            .iter()
            .filter(|client| period.contains(client.registering_date))
            .count() as u64,
        percentage_female_clients: percent(female as u64, clients.len() as u64),
        percentage_male_clients: percent(male as u64, clients.len() as u64),
        percentage_unknown_clients: percent(unknown as u64, clients.len() as u64),
        nologin_clients: NoLoginClients {
            total: nologin_emails.len() as u64,
            emails: nologin_emails,
        },
        tags,
        avergage_conversation_rating: average_rating,
        total_orders: total_orders(state, scope),
    }
}

/// Counts the purchases of all time and splits their products by category, in order of
/// category id.
fn total_orders(state: &State, scope: Scope) -> TotalOrders {
    let orders: Vec<_> = state
        .orders
        .iter()
        .filter(|order| scope.includes(order.enterprise_id, order.group_id))
        .collect();
    let products: u64 = orders.iter().map(|order| u64::from(order.quantity)).sum();
    let mut by_category: BTreeMap<(u64, &str), (&str, u64)> = BTreeMap::new();
    for order in &orders {
        // Numeric order of the digit strings; an id too long for u64 sorts last.
        let key = (
            order.category_id.parse().unwrap_or(u64::MAX),
            order.category_id.as_str(),
        );
        let slot = by_category
            .entry(key)
            .or_insert((order.category_name.as_str(), 0));
        slot.1 += u64::from(order.quantity);
    }
    TotalOrders {
        total: orders.len() as u64,
        categories: by_category
            .into_iter()
            .map(
                |((_, category_id), (category_name, quantity))| OrderCategory {
                    category_id: category_id.to_owned(),
                    category_name: category_name.to_owned(),
                    percent: percent(quantity, products),
                },
            )
            .collect(),
    }
}

/// Returns `part` of `whole` in percent, rounded to 2 decimals; 0 when `whole` is 0.
fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round_2(part as f64 * 100.0 / whole as f64)
    }
}

fn round_2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
