//! Emission of the axum router: one handler per operation, which checks the request the way
//! the document describes and then calls the trait method.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::api::doc;
use crate::model::{Api, Location, Operation};
use crate::names::{pascal_ident, snake_ident};

/// Emits the shared state, the `router` function and the handlers.
pub(crate) fn emit_router(api: &Api) -> TokenStream {
    let schema_pointers: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|operation| {
            let parameters = operation
                .parameters
                .iter()
                .map(|parameter| parameter.schema_pointer.as_str());
            let body = operation
                .body
                .iter()
                .map(|body| body.schema_pointer.as_str());
            parameters.chain(body)
        })
        .collect();
    let schema_pointers = schema_pointers.into_iter();

    let routes = paths_in_order(api)
        .into_iter()
        .map(|path| emit_route(api, path));
    let mut methods: Vec<String> = Vec::new();
    for operation in &api.operations {
        let method = operation.method.to_ascii_uppercase();
        if !methods.contains(&method) {
            methods.push(method);
        }
    }
    let handlers = api.operations.iter().map(emit_handler);
    let authenticate = api
        .operations
        .iter()
        .any(|operation| operation.authenticated)
        .then(emit_authenticate);

    quote! {
        /// State of the router's handlers: the API implementation and the compiled schemas of
        /// the parameters and request bodies.
        struct Shared<A> {
            api: A,
            schemas: runtime::Schemas,
        }

        #authenticate

        /// Builds the router of every operation of the document, around `api`.
        ///
        /// Before it calls a method of `api`, the router responds with `401` for a missing or
        /// unknown bearer token, `413` for a body over [`crate::MAX_BODY_BYTES`], `422` for a body
        /// that is not UTF-8 JSON and `400` for parameters or a body that break their schemas.
        /// It responds with `404` to an unknown path and `405` with an `Allow` header to a known
        /// path with another method.
        ///
        /// # Panics
        ///
        /// Panics when a schema of the embedded document cannot be compiled, which the build
        /// script's generation from the same document makes unexpected.
        pub fn router<A: JobbersOneApi>(api: A) -> axum::Router {
            let schemas = runtime::Schemas::compile(&[#(#schema_pointers),*]);
            let shared = Arc::new(Shared { api, schemas });
            let routes = axum::Router::new()
                #(#routes)*
                .with_state(shared);
            runtime::finish_router(routes, &[#(#methods),*])
        }

        #(#handlers)*
    }
}

fn emit_authenticate() -> TokenStream {
    quote! {
        impl<A: JobbersOneApi> Shared<A> {
            /// Returns the caller of the request's bearer token, or the `401` response.
            async fn authenticate(&self, headers: &HeaderMap) -> Result<A::Caller, Response> {
                let Some(token) = runtime::bearer_token(headers) else {
                    return Err(runtime::unauthorized());
                };
                self.api
                    .authenticate(token)
                    .await
                    .ok_or_else(runtime::unauthorized)
            }
        }
    }
}

/// Lists the path templates in the order of their first operation.
fn paths_in_order(api: &Api) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    for operation in &api.operations {
        if !paths.contains(&operation.path.as_str()) {
            paths.push(&operation.path);
        }
    }
    paths
}

/// Emits `.route(path, method router)` with every operation of `path` and a fallback that
/// responds with `405` to the other methods.
fn emit_route(api: &Api, path: &str) -> TokenStream {
    let operations: Vec<&Operation> = api
        .operations
        .iter()
        .filter(|operation| operation.path == path)
        .collect();

    let mut method_router = TokenStream::new();
    for (index, operation) in operations.iter().enumerate() {
        let method = Ident::new(&operation.method, Span::call_site());
        let handler = handler_ident(operation);
        if index == 0 {
            method_router = quote!(routing::#method(#handler::<A>));
        } else {
            method_router = quote!(#method_router.#method(#handler::<A>));
        }
    }
    let allowed = operations
        .iter()
        .map(|operation| operation.method.to_ascii_uppercase());

    quote! {
        .route(
            #path,
            #method_router.fallback(runtime::method_not_allowed(&[#(#allowed),*])),
        )
    }
}

fn handler_ident(operation: &Operation) -> Ident {
    Ident::new(&format!("handle_{}", operation.id), Span::call_site())
}

/// Emits the handler of one operation: authenticate, read the body, check parameters and
/// body, then call the trait method.
fn emit_handler(operation: &Operation) -> TokenStream {
    let handler = handler_ident(operation);
    let handler_doc = doc(&format!(
        "Handles `{} {}` for [`JobbersOneApi::{}`].",
        operation.method.to_ascii_uppercase(),
        operation.path,
        operation.id
    ));
    let method = snake_ident(&operation.id);
    let call = pascal_ident(&operation.id, "Call");
    let uses_parts =
        operation.authenticated || operation.body.is_some() || !operation.parameters.is_empty();
    let parts = if uses_parts {
        quote!(parts)
    } else {
        quote!(_parts)
    };
    let body_binding = if operation.body.is_some() {
        quote!(body)
    } else {
        quote!(_body)
    };

    let authenticate = operation.authenticated.then(|| {
        quote! {
            let caller = match shared.authenticate(&parts.headers).await {
                Ok(caller) => caller,
                Err(response) => return response,
            };
        }
    });
    let read_body = operation.body.is_some().then(|| {
        quote! {
            let body = match runtime::read_json_body(&parts.headers, body).await {
                Ok(body) => body,
                Err(response) => return response,
            };
        }
    });
    let checks = emit_checks(operation);

    let mut fields = Vec::new();
    if operation.authenticated {
        fields.push(quote!(caller));
    }
    for parameter in &operation.parameters {
        let name = snake_ident(&parameter.name);
        fields.push(quote!(#name));
    }
    if operation.body.is_some() {
        fields.push(quote!(body));
    }

    quote! {
        #handler_doc
        async fn #handler<A: JobbersOneApi>(
            State(shared): State<Arc<Shared<A>>>,
            request: Request,
        ) -> Response {
            let (#parts, #body_binding) = request.into_parts();
            #authenticate
            #read_body
            #checks

            let call = #call { #(#fields),* };
            shared.api.#method(call).await.into_response()
        }
    }
}

/// Emits the parameter and body checks, which collect every problem into one `400` response.
fn emit_checks(operation: &Operation) -> Option<TokenStream> {
    if operation.parameters.is_empty() && operation.body.is_none() {
        return None;
    }

    let mut statements = Vec::new();
    let mut names = Vec::new();
    for parameter in &operation.parameters {
        let name = snake_ident(&parameter.name);
        let wire_name = &parameter.name;
        let rust_type = parameter.rust_type.tokens();
        let schema = &parameter.schema_pointer;
        let statement = match (parameter.location, parameter.required) {
            (Location::Path, _) => {
                let segment =
                    Literal::usize_unsuffixed(path_segment_index(&operation.path, &parameter.name));
                quote! {
                    let #name: Option<#rust_type> = checks.path(#wire_name, #segment, #schema);
                }
            }
            (Location::Query, true) => quote! {
                let #name: Option<#rust_type> = checks.query(#wire_name, #schema);
            },
            (Location::Query, false) => quote! {
                let #name: Option<Option<#rust_type>> = checks.optional_query(#wire_name, #schema);
            },
        };
        statements.push(statement);
        names.push(name);
    }
    if let Some(body) = &operation.body {
        let schema = Ident::new(&body.schema_name, Span::call_site());
        let pointer = &body.schema_pointer;
        statements.push(quote! {
            let body: Option<types::#schema> = checks.body(body, #pointer);
        });
        names.push(Ident::new("body", Span::call_site()));
    }

    let destructure = if names.len() == 1 {
        let name = &names[0];
        quote! {
            let Some(#name) = #name else {
                return checks.into_response();
            };
        }
    } else {
        quote! {
            let (#(Some(#names)),*) = (#(#names),*) else {
                return checks.into_response();
            };
        }
    };

    Some(quote! {
        let mut checks = runtime::Checks::new(&parts, &shared.schemas);
        #(#statements)*
        #destructure
    })
}

/// Returns the index of the `{name}` segment in `path` split on `/`; the model checked that
/// the placeholder is a whole segment.
fn path_segment_index(path: &str, name: &str) -> usize {
    let placeholder = format!("{{{name}}}");
    path.split('/')
        .position(|segment| segment == placeholder)
        .unwrap_or_default()
}
