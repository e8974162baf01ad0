//! The generated [`JobbersOneApi`] trait implemented on the domain layer: wire types in,
//! domain calls, wire types out.

use std::num::NonZeroU32;
use std::sync::Arc;

use jobbers_one_server::types;
use jobbers_one_server::*;

use crate::domain::{self, ApiError, Caller, ClientChanges, ClientKey, NewClient, PassRequest};
use crate::domain::{ErrorTitle, Problem, Sandbox};
use crate::seed::Gender;

/// The sandbox behind the generated router.
#[derive(Debug, Clone)]
pub struct MockApi {
    sandbox: Arc<Sandbox>,
    /// Scheme, host and port that autologin URLs point to, without a trailing slash.
    base_url: Arc<str>,
}

impl MockApi {
    /// Serves `sandbox`, with autologin URLs under `base_url` (`http://127.0.0.1:8080`).
    pub fn new(sandbox: Arc<Sandbox>, base_url: &str) -> Self {
        Self {
            sandbox,
            base_url: Arc::from(base_url.trim_end_matches('/')),
        }
    }
}

impl JobbersOneApi for MockApi {
    type Caller = Caller;

    async fn authenticate(&self, bearer_token: &str) -> Option<Caller> {
        self.sandbox.authenticate(bearer_token)
    }

    async fn echo_get(&self, _call: EchoGetCall<Caller>) -> EchoGetResponse {
        EchoGetResponse::Ok(echo(None))
    }

    async fn echo_post(&self, call: EchoPostCall<Caller>) -> EchoPostResponse {
        EchoPostResponse::Ok(echo(call.body.text.as_deref()))
    }

    async fn echo_get_text(&self, call: EchoGetTextCall<Caller>) -> EchoGetTextResponse {
        EchoGetTextResponse::Ok(echo(Some(&call.text)))
    }

    async fn request_token(&self, call: RequestTokenCall) -> RequestTokenResponse {
        let body = call.body;
        let issued = self.sandbox.request_token(
            &body.grant_type.to_string(),
            &body.username,
            &body.password,
        );
        match issued {
            Ok(token) => {
                let Some(expires_in) = u32::try_from(token.expires_in)
                    .ok()
                    .and_then(NonZeroU32::new)
                else {
                    return RequestTokenResponse::InternalServerError(internal_error(
                        "expires_in out of range",
                    ));
                };
                RequestTokenResponse::Ok(types::TokenResponse {
                    access_token: token.access_token,
                    expires_in,
                    token_type: types::TokenResponseTokenType::Bearer,
                })
            }
            Err(error) => error.into(),
        }
    }

    async fn get_current_enterprise(
        &self,
        call: GetCurrentEnterpriseCall<Caller>,
    ) -> GetCurrentEnterpriseResponse {
        let id = self.sandbox.current_enterprise(call.caller);
        match jobbers_one_client::DigitString::try_from(id) {
            Ok(enterprise_id) => {
                GetCurrentEnterpriseResponse::Ok(types::CurrentEnterpriseResponse {
                    data: types::CurrentEnterprise { enterprise_id },
                })
            }
            Err(error) => GetCurrentEnterpriseResponse::InternalServerError(internal_error(
                &format!("enterprise id is not a digit string: {error}"),
            )),
        }
    }

    async fn list_groups_of_enterprise(
        &self,
        call: ListGroupsOfEnterpriseCall<Caller>,
    ) -> ListGroupsOfEnterpriseResponse {
        let data = self
            .sandbox
            .groups(call.caller)
            .into_iter()
            .map(|group| types::GroupOfEnterprise {
                group_id: group.group_id,
                name: group.name,
            })
            .collect();
        ListGroupsOfEnterpriseResponse::Ok(types::GroupsOfEnterpriseResponse { data })
    }

    async fn get_stats(&self, call: GetStatsCall<Caller>) -> GetStatsResponse {
        let stats = self
            .sandbox
            .stats(call.caller, i64::from(call.month), i64::from(call.year));
        match stats {
            Ok(entries) => GetStatsResponse::Ok(types::StatsResponse {
                data: entries.into_iter().map(wire_stats).collect(),
            }),
            Err(error) => error.into(),
        }
    }

    async fn list_stocks_of_passes(
        &self,
        call: ListStocksOfPassesCall<Caller>,
    ) -> ListStocksOfPassesResponse {
        let data = self
            .sandbox
            .stocks_of_passes(call.caller)
            .into_iter()
            .map(wire_stock)
            .collect();
        ListStocksOfPassesResponse::Ok(types::StocksOfPassesResponse { data })
    }

    async fn assign_pass(&self, call: AssignPassCall<Caller>) -> AssignPassResponse {
        let request = PassRequest {
            email: call.body.email.to_string(),
            stock_id: call.body.stock_id,
            payment_reference: call.body.payment_reference.to_string(),
        };
        match self.sandbox.assign_pass(call.caller, &request) {
            Ok(end) => AssignPassResponse::Ok(types::AssignedPassResponse {
                data: types::AssignedPass {
                    end_subscription_date: end.into(),
                },
            }),
            Err(error) => error.into(),
        }
    }

    async fn create_invoice(&self, _call: CreateInvoiceCall<Caller>) -> CreateInvoiceResponse {
        ApiError::NotImplemented(Problem::invalid(
            "endpoint",
            "invoice generation is not implemented yet",
        ))
        .into()
    }

    async fn create_client(&self, call: CreateClientCall<Caller>) -> CreateClientResponse {
        let body = call.body;
        let new_client = NewClient {
            email: body.email.to_string(),
            group_id: body.group_id,
            first_name: body.first_name.to_string(),
            last_name: body.last_name.to_string(),
            phone_prefix: body.phone_prefix.to_string(),
            phone: body.phone.to_string(),
            address: body.address.to_string(),
            zip_code: body.zip_code.to_string(),
            city: body.city.to_string(),
            country: body.country.to_string(),
            cgu: body.cgu,
            optin: body.optin,
            gender: body.gender.map(domain_gender),
        };
        let created = match self.sandbox.create_client(call.caller, new_client) {
            Ok(created) => created,
            Err(error) => return error.into(),
        };
        let password = match types::CreatedClientPassword::try_from(created.password) {
            Ok(password) => password,
            Err(error) => {
                return CreateClientResponse::InternalServerError(internal_error(&format!(
                    "generated password does not match its schema: {error}"
                )));
            }
        };
        let client = created.client;
        CreateClientResponse::Ok(types::CreatedClientResponse {
            data: types::CreatedClient {
                active: client.active,
                address: client.address,
                cgu: client.cgu,
                city: client.city,
                client_id: client.client_id,
                country: client.country,
                email: client.email,
                end_subscription_date: client.end_subscription_date.into(),
                first_name: client.first_name,
                gender: client.gender.map(wire_gender),
                group_id: client.group_id,
                last_login_date: client.last_login_date.map(Into::into),
                last_name: client.last_name,
                optin: client.optin,
                password,
                phone: client.phone,
                phone_prefix: client.phone_prefix,
                registering_date: client.registering_date.into(),
                zip_code: client.zip_code,
            },
        })
    }

    async fn check_client_exists(
        &self,
        call: CheckClientExistsCall<Caller>,
    ) -> CheckClientExistsResponse {
        let flags = self
            .sandbox
            .client_existence(call.caller, &call.client_email);
        CheckClientExistsResponse::Ok(types::ClientExistenceResponse {
            data: types::ClientExistence {
                attached_to_another_enterprise: flags.attached_to_another_enterprise,
                client_active: flags.client_active,
                exists: flags.exists,
                movable: flags.movable,
                subscription_valid: flags.subscription_valid,
            },
        })
    }

    async fn get_client(&self, call: GetClientCall<Caller>) -> GetClientResponse {
        let key = ClientKey::parse(&call.client_id_or_client_email);
        match self.sandbox.client(call.caller, &key) {
            Ok(client) => GetClientResponse::Ok(wire_client_response(client)),
            Err(error) => error.into(),
        }
    }

    async fn update_client(&self, call: UpdateClientCall<Caller>) -> UpdateClientResponse {
        let key = ClientKey::parse(&call.client_id_or_client_email);
        let body = call.body;
        let changes = ClientChanges {
            email: body.email.map(String::from),
            group_id: body.group_id,
            first_name: body.first_name.map(String::from),
            last_name: body.last_name.map(String::from),
            phone_prefix: body.phone_prefix.map(String::from),
            phone: body.phone.map(String::from),
            address: body.address.map(String::from),
            street: body.street.map(String::from),
            zip_code: body.zip_code.map(String::from),
            city: body.city.map(String::from),
            country: body.country.map(String::from),
            optin: body.optin,
            gender: body.gender.map(domain_gender),
        };
        match self.sandbox.update_client(call.caller, &key, changes) {
            Ok(client) => UpdateClientResponse::Ok(wire_client_response(client)),
            Err(error) => error.into(),
        }
    }

    async fn delete_client(&self, call: DeleteClientCall<Caller>) -> DeleteClientResponse {
        let key = ClientKey::parse(&call.client_id_or_client_email);
        match self.sandbox.delete_client(call.caller, &key) {
            Ok(leaving_date) => DeleteClientResponse::Ok(types::DeletedClientResponse {
                data: types::DeletedClient {
                    leaving_date: leaving_date.into(),
                },
            }),
            Err(error) => error.into(),
        }
    }

    async fn get_client_login_url(
        &self,
        call: GetClientLoginUrlCall<Caller>,
    ) -> GetClientLoginUrlResponse {
        let key = ClientKey::parse(&call.client_id_or_client_email);
        match self.sandbox.issue_login_token(call.caller, &key) {
            Ok(token) => GetClientLoginUrlResponse::Ok(types::ClientLoginResponse {
                data: types::ClientLogin {
                    url: format!("{}/oneappweb/?token={token}", self.base_url),
                },
            }),
            Err(error) => error.into(),
        }
    }
}

/// Builds the echo of `text`: `echo`, or `echo` and the text after a space.
fn echo(text: Option<&str>) -> types::EchoResponse {
    let data = match text {
        Some(text) if !text.is_empty() => format!("echo {text}"),
        _ => "echo".to_owned(),
    };
    types::EchoResponse { data }
}

/// Converts the problems of an error to an error body.
pub(super) fn error_body(problems: Vec<Problem>) -> types::ErrorBody {
    types::ErrorBody {
        errors: problems
            .into_iter()
            .map(|problem| types::Error {
                detail: problem.detail,
                source: problem.source,
                title: wire_title(problem.title),
            })
            .collect(),
    }
}

/// Logs an internal error and returns the body of a `500`, which gives the caller no detail.
fn internal_error(reason: &str) -> types::ErrorBody {
    tracing::error!(reason, "internal error");
    error_body(vec![Problem::invalid(
        "server",
        "an internal error occurred, try again later",
    )])
}

/// Implements `From<ApiError>` for a response enum, mapping each status code that the
/// operation documents to its variant. A status the operation does not document is a bug of
/// the domain layer, so it becomes a logged `500`.
macro_rules! from_api_error {
    ($response:ident { $($status:literal => $variant:ident),* $(,)? }) => {
        impl From<ApiError> for $response {
            fn from(error: ApiError) -> Self {
                let status = error.status();
                let body = error_body(error.problems());
                match status {
                    $($status => Self::$variant(body),)*
                    _ => Self::InternalServerError(internal_error(&format!(
                        "{} is not a documented status of {}",
                        status,
                        stringify!($response)
                    ))),
                }
            }
        }
    };
}

from_api_error!(RequestTokenResponse { 400 => BadRequest, 401 => Unauthorized });
from_api_error!(GetStatsResponse { 400 => BadRequest });
from_api_error!(AssignPassResponse { 400 => BadRequest, 403 => Forbidden, 404 => NotFound });
from_api_error!(CreateInvoiceResponse { 400 => BadRequest, 501 => NotImplemented });
from_api_error!(CreateClientResponse { 400 => BadRequest });
from_api_error!(GetClientResponse { 403 => Forbidden, 404 => NotFound });
from_api_error!(UpdateClientResponse { 400 => BadRequest, 403 => Forbidden, 404 => NotFound });
from_api_error!(DeleteClientResponse { 403 => Forbidden, 404 => NotFound });
from_api_error!(GetClientLoginUrlResponse { 403 => Forbidden, 404 => NotFound });

fn wire_title(title: ErrorTitle) -> types::ErrorTitle {
    match title {
        ErrorTitle::CannotBeBlank => types::ErrorTitle::CannotBeBlank,
        ErrorTitle::HasAlreadyBeenTaken => types::ErrorTitle::HasAlreadyBeenTaken,
        ErrorTitle::MustBeAccepted => types::ErrorTitle::MustBeAccepted,
        ErrorTitle::IsInvalid => types::ErrorTitle::IsInvalid,
        ErrorTitle::DoesNotMatch => types::ErrorTitle::DoesNotMatch,
        ErrorTitle::CannotBeEmpty => types::ErrorTitle::CannotBeEmpty,
    }
}

fn wire_gender(gender: Gender) -> types::Gender {
    match gender {
        Gender::Male => types::Gender::Male,
        Gender::Female => types::Gender::Female,
    }
}

fn domain_gender(gender: types::Gender) -> Gender {
    match gender {
        types::Gender::Male => Gender::Male,
        types::Gender::Female => Gender::Female,
    }
}

fn wire_client_response(client: domain::Client) -> types::ClientResponse {
    types::ClientResponse {
        data: types::Client {
            active: client.active,
            address: client.address,
            cgu: client.cgu,
            city: client.city,
            client_id: client.client_id,
            country: client.country,
            email: client.email,
            end_subscription_date: client.end_subscription_date.into(),
            first_name: client.first_name,
            gender: client.gender.map(wire_gender),
            group_id: client.group_id,
            last_login_date: client.last_login_date.map(Into::into),
            last_name: client.last_name,
            optin: client.optin,
            phone: client.phone,
            phone_prefix: client.phone_prefix,
            registering_date: client.registering_date.into(),
            zip_code: client.zip_code,
        },
    }
}

fn wire_stock(stock: domain::StockOfPasses) -> types::StockOfPasses {
    types::StockOfPasses {
        description: stock.description,
        // Data sets reject a duration of 0, so the fallback is never taken.
        duration: NonZeroU32::new(stock.duration).unwrap_or(NonZeroU32::MIN),
        duration_type: match stock.duration_type {
            crate::dates::DurationType::Day => types::DurationType::Day,
            crate::dates::DurationType::Month => types::DurationType::Month,
            crate::dates::DurationType::Year => types::DurationType::Year,
        },
        expiration_date: stock.expiration_date.into(),
        net_price: stock.net_price,
        price: stock.price,
        stock_id: stock.stock_id,
        total_available: i64::from(stock.total_available),
        total_units: i64::from(stock.total_units),
        total_used: i64::from(stock.total_used),
        vat: i32::try_from(stock.vat).unwrap_or(i32::MAX),
    }
}

fn wire_stats(stats: domain::Stats) -> types::Stats {
    let count = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
    types::Stats {
        avergage_conversation_rating: stats.avergage_conversation_rating,
        delta_clients: count(stats.delta_clients),
        delta_passes: count(stats.delta_passes),
        delta_requests: count(stats.delta_requests),
        group_id: stats.group_id,
        last_updated: stats.last_updated.into(),
        nologin_clients: types::NoLoginClients {
            emails: stats.nologin_clients.emails,
            total: count(stats.nologin_clients.total),
        },
        percentage_female_clients: stats.percentage_female_clients,
        percentage_male_clients: stats.percentage_male_clients,
        percentage_unknown_clients: stats.percentage_unknown_clients,
        tags: stats
            .tags
            .into_iter()
            .map(|tag| types::TagUsage {
                percent: tag.percent,
                tag_name: tag.tag_name,
            })
            .collect(),
        total_clients: count(stats.total_clients),
        total_orders: types::TotalOrders {
            categories: stats
                .total_orders
                .categories
                .into_iter()
                .filter_map(|category| {
                    // Data sets only hold digit strings as category ids.
                    let category_id =
                        jobbers_one_client::DigitString::try_from(category.category_id).ok()?;
                    Some(types::OrderCategory {
                        category_id,
                        category_name: category.category_name,
                        percent: category.percent,
                    })
                })
                .collect(),
            total: count(stats.total_orders.total),
        },
        total_passes: count(stats.total_passes),
        total_requests: count(stats.total_requests),
    }
}
