//! Emission of the `JobbersOneApi` trait and of each operation's call struct and response enum.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Api, Location, Operation};
use crate::names::{pascal_ident, snake_ident};

/// Width of the generated doc comments' text, which keeps `///` lines of indented items within
/// 100 columns.
const DOC_WIDTH: usize = 88;

/// Emits the trait with one method per operation.
pub(crate) fn emit_trait(api: &Api) -> TokenStream {
    let trait_doc = doc(&format!(
        "Operations of the {}, one method per operationId of its OpenAPI document.\n\n\
         [`router`] rejects unknown paths and methods, missing or unknown bearer tokens, and \
         parameters and request bodies that break their schemas before it calls a method, so \
         each method receives input that matches the document.",
        api.title
    ));
    let methods = api.operations.iter().map(emit_method);

    quote! {
        #trait_doc
        pub trait JobbersOneApi: Send + Sync + 'static {
            /// Identity of an authenticated partner, returned by `authenticate`.
            type Caller: Clone + Send + Sync + 'static;

            /// Resolves a bearer token to its caller; `None` makes the router answer 401.
            fn authenticate(
                &self,
                bearer_token: &str,
            ) -> impl Future<Output = Option<Self::Caller>> + Send;

            #(#methods)*
        }
    }
}

fn emit_method(operation: &Operation) -> TokenStream {
    let summary = sentence(&operation.summary);
    let route = format!(
        "`{} {}`",
        operation.method.to_ascii_uppercase(),
        operation.path
    );
    let method_doc = doc(&format!("{summary}\n\n{route}"));
    let name = snake_ident(&operation.id);
    let call = pascal_ident(&operation.id, "Call");
    let response = pascal_ident(&operation.id, "Response");
    let call_type = if operation.authenticated {
        quote!(#call<Self::Caller>)
    } else {
        quote!(#call)
    };

    quote! {
        #method_doc
        fn #name(&self, call: #call_type) -> impl Future<Output = #response> + Send;
    }
}

/// Emits the struct that carries an operation's checked input to its trait method.
pub(crate) fn emit_call(operation: &Operation) -> TokenStream {
    let call = pascal_ident(&operation.id, "Call");
    let method = &operation.id;
    let struct_doc = doc(&format!(
        "Input of [`JobbersOneApi::{method}`], checked against the document by [`router`]."
    ));

    let mut fields = Vec::new();
    if operation.authenticated {
        fields.push(quote! {
            /// Caller that [`JobbersOneApi::authenticate`] returned for the bearer token.
            pub caller: C,
        });
    }
    for parameter in &operation.parameters {
        let name = snake_ident(&parameter.name);
        let scalar = parameter.rust_type.tokens();
        let rust_type = if parameter.required {
            scalar
        } else {
            quote!(Option<#scalar>)
        };
        let location = match parameter.location {
            Location::Path => "Path parameter",
            Location::Query => "Query parameter",
        };
        let text = match &parameter.description {
            Some(description) => format!("{location} `{}`: {description}", parameter.name),
            None => format!("{location} `{}`.", parameter.name),
        };
        let field_doc = doc(&text);
        fields.push(quote! {
            #field_doc
            pub #name: #rust_type,
        });
    }
    if let Some(body) = &operation.body {
        let schema = Ident::new(&body.schema_name, Span::call_site());
        let field_doc = doc(body.description.as_deref().unwrap_or("The request body."));
        fields.push(quote! {
            #field_doc
            pub body: types::#schema,
        });
    }

    let generics = if operation.authenticated {
        quote!(<C>)
    } else {
        quote!()
    };
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        pub struct #call #generics {
            #(#fields)*
        }
    }
}

/// Emits the enum of an operation's documented responses and its `IntoResponse` impl.
pub(crate) fn emit_response(operation: &Operation) -> TokenStream {
    let response = pascal_ident(&operation.id, "Response");
    let method = &operation.id;
    let enum_doc = doc(&format!(
        "Responses of [`JobbersOneApi::{method}`], one variant per documented status code."
    ));

    let mut variants = Vec::new();
    let mut arms = Vec::new();
    for documented in &operation.responses {
        let variant = Ident::new(documented.status.variant, Span::call_site());
        let constant = Ident::new(documented.status.constant, Span::call_site());
        let variant_doc = doc(&format!(
            "`{}`: {}",
            documented.status.code, documented.description
        ));
        match &documented.schema_name {
            Some(schema) => {
                let schema = Ident::new(schema, Span::call_site());
                variants.push(quote! {
                    #variant_doc
                    #variant(types::#schema),
                });
                arms.push(quote! {
                    Self::#variant(body) => runtime::json_response(StatusCode::#constant, &body),
                });
            }
            None => {
                variants.push(quote! {
                    #variant_doc
                    #variant,
                });
                arms.push(quote! {
                    Self::#variant => StatusCode::#constant.into_response(),
                });
            }
        }
    }

    quote! {
        #enum_doc
        #[derive(Debug, Clone)]
        pub enum #response {
            #(#variants)*
        }

        impl IntoResponse for #response {
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// Emits `text` as `#[doc]` attributes, one per line of its paragraphs wrapped at
/// [`DOC_WIDTH`] characters, which prettyplease prints as `///` comments.
pub(crate) fn doc(text: &str) -> TokenStream {
    let mut lines = Vec::new();
    for (index, paragraph) in text.split("\n\n").enumerate() {
        if index > 0 {
            lines.push(String::new());
        }
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > DOC_WIDTH {
                lines.push(std::mem::take(&mut line));
            }
            line.push(' ');
            line.push_str(word);
        }
        lines.push(line);
    }
    quote! { #(#[doc = #lines])* }
}

/// Ends a summary with a period, as a doc comment's first sentence.
fn sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.ends_with(['.', '!', '?']) {
        text
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_gains_period() {
        assert_eq!(sentence("Get a client"), "Get a client.");
        assert_eq!(sentence("Get a client."), "Get a client.");
        assert_eq!(
            sentence("Invoice a pass assignment (not implemented)"),
            "Invoice a pass assignment (not implemented)."
        );
    }

    #[test]
    fn doc_wraps_long_paragraphs() {
        let text = format!("{}\n\nSecond paragraph.", "word ".repeat(30));
        let tokens = doc(&text).to_string();
        assert_eq!(tokens.matches("# [doc").count(), 4);
    }
}
