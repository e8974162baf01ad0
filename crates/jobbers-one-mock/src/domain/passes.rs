//! Stocks of passes and the assignment of a pass to a client.

use chrono::NaiveDateTime;

use super::error::{ApiError, ErrorTitle, Problem};
use super::records::{PassAssignment, StockOfPasses};
use super::validation;
use super::{Caller, ClientKey, Sandbox};
use crate::dates::{self, add_duration};

/// The body of a pass assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassRequest {
    /// Email of a client of the caller's enterprise.
    pub email: String,
    /// Id of a stock of the caller's enterprise.
    pub stock_id: i64,
    /// The partner's transaction id, unique within the caller's enterprise.
    pub payment_reference: String,
}

impl Sandbox {
    /// Lists the stocks of passes of the caller's enterprise, in data set order.
    pub fn stocks_of_passes(&self, caller: Caller) -> Vec<StockOfPasses> {
        let state = self.lock_state();
        state
            .stocks
            .iter()
            .filter(|stock| state.stock_owners.get(&stock.stock_id) == Some(&caller.enterprise_id))
            .cloned()
            .collect()
    }

    /// Takes a pass from a stock and extends a client's subscription by the stock's duration,
    /// counted from the later of now and the current end of subscription. Returns the new end.
    ///
    /// The checks and the update happen under one lock, so concurrent calls never take more
    /// passes than the stock has nor accept one payment reference twice. An unknown client or
    /// stock is `404`, one of another enterprise `403`. A payment reference used before by the
    /// caller's enterprise (`has_already_been_taken`), an exhausted or expired stock
    /// (`is_invalid` on `stock_id`) are reported together in one `400`.
    pub fn assign_pass(
        &self,
        caller: Caller,
        request: &PassRequest,
    ) -> Result<NaiveDateTime, ApiError> {
        let now = self.now();
        let mut problems = Vec::new();
        validation::check_email(&request.email, &mut problems);
        validation::require_text(
            "payment_reference",
            &request.payment_reference,
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(ApiError::BadRequest(problems));
        }

        let mut state = self.lock_state();

        // The client, then the stock: both must exist and belong to the caller.
        let client_id = state.own_client_id(caller, &ClientKey::Email(request.email.clone()))?;
        let stock_index = state
            .stocks
            .iter()
            .position(|stock| stock.stock_id == request.stock_id)
            .ok_or_else(|| {
                ApiError::NotFound(Problem::invalid(
                    "stock_id",
                    format!("stock of passes {} not found", request.stock_id),
                ))
            })?;
        if state.stock_owners.get(&request.stock_id) != Some(&caller.enterprise_id) {
            return Err(ApiError::Forbidden(Problem::invalid(
                "stock_id",
                "the stock of passes belongs to another enterprise",
            )));
        }

        // The rules of the API, all reported together.
        let reference_taken = state
            .payment_references
            .get(&caller.enterprise_id)
            .is_some_and(|references| references.contains(&request.payment_reference));
        if reference_taken {
            problems.push(Problem::new(
                ErrorTitle::HasAlreadyBeenTaken,
                "payment_reference",
                format!(
                    "payment_reference {} has already been taken",
                    request.payment_reference
                ),
            ));
        }
        let stock = &state.stocks[stock_index];
        if stock.total_available == 0 {
            problems.push(Problem::invalid(
                "stock_id",
                format!("stock of passes {} has no pass left", stock.stock_id),
            ));
        }
        if stock.expiration_date < now {
            problems.push(Problem::invalid(
                "stock_id",
                format!(
                    "stock of passes {} expired on {}",
                    stock.stock_id,
                    dates::format(stock.expiration_date)
                ),
            ));
        }
        let (duration, duration_type) = (stock.duration, stock.duration_type);
        let Some(client) = state.clients.get(&client_id) else {
            return Err(ApiError::client_not_found());
        };
        let start = client.end_subscription_date.max(now);
        let group_id = client.group_id;
        let new_end = add_duration(start, duration, duration_type);
        if new_end.is_none() {
            problems.push(Problem::invalid(
                "stock_id",
                "the new end of subscription is past the year 262143",
            ));
        }
        let (Some(new_end), true) = (new_end, problems.is_empty()) else {
            return Err(ApiError::BadRequest(problems));
        };

        // The write.
        let stock = &mut state.stocks[stock_index];
        stock.total_available -= 1;
        stock.total_used += 1;
        if let Some(client) = state.clients.get_mut(&client_id) {
            client.end_subscription_date = new_end;
        }
        state
            .payment_references
            .entry(caller.enterprise_id)
            .or_default()
            .insert(request.payment_reference.clone());
        state.assignments.push(PassAssignment {
            enterprise_id: caller.enterprise_id,
            group_id,
            assigned_at: now,
        });
        Ok(new_end)
    }
}
