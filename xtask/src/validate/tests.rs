//! One test per rule: a valid base document broken in one place must produce exactly one kind
//! of finding, at the expected line.

use super::coverage::{COVERAGE, EXPECTED_OPERATIONS};
use super::examples::{EXAMPLE_INVALID, EXAMPLE_MISSING};
use super::operations::{
    AMBIGUOUS_PATHS, DUPLICATE_OPERATION_ID, ERROR_RESPONSES, OPERATION_DOCS, OPERATION_ID,
    OPERATION_TAG, PATH_FORMAT, PATH_PARAMETERS, SECURITY_SCHEME, SUCCESS_RESPONSE,
};
use super::references::{COMPONENT_NAME, REF_SIBLINGS, UNRESOLVED_REF, UNUSED_COMPONENT};
use super::structure::{OPENAPI_SCHEMA, OPENAPI_VERSION, STRICT_YAML};
use super::{Finding, Options, check};

/// A document that passes every rule, with the three operations of [`BASE_OPERATIONS`].
const BASE: &str = r##"openapi: 3.0.3
info:
  title: Checker test document
  version: 0.1.0
security:
  - bearerAuth: []
tags:
  - name: Clients
    description: Clients of the enterprise.
paths:
  /oneapi/v0/clients/{clientId}:
    get:
      operationId: get_client
      summary: Read a client
      description: Returns one client by id.
      tags: [Clients]
      parameters:
        - $ref: '#/components/parameters/ClientId'
      responses:
        '200':
          description: The client.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Client'
              examples:
                full:
                  summary: Every field set
                  value:
                    email: a@example.com
                    created_at: '2018-07-12 10:09:24'
                    phone: null
                    month: 7
                    group: null
        '401':
          $ref: '#/components/responses/Error'
  /oneapi/v0/clients:
    post:
      operationId: create_client
      summary: Create a client
      description: Creates a client and returns nothing.
      tags: [Clients]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Client'
            examples:
              minimal:
                summary: Only the email
                value:
                  email: b@example.com
                  group:
                    name: Paris
      responses:
        '201':
          description: Created.
        '400':
          $ref: '#/components/responses/Error'
        '401':
          $ref: '#/components/responses/Error'
        '422':
          $ref: '#/components/responses/Error'
  /oneapi/v0/invoice:
    post:
      operationId: create_invoice
      summary: Invoice a pass
      description: Not implemented yet.
      tags: [Clients]
      security: []
      x-jobbers-not-implemented: true
      responses:
        '501':
          $ref: '#/components/responses/Error'
components:
  securitySchemes:
    bearerAuth:
      type: http
      scheme: bearer
  parameters:
    ClientId:
      name: clientId
      in: path
      required: true
      schema:
        type: string
        format: digits
  responses:
    Error:
      description: An error.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
    MethodNotAllowed:
      description: The path does not support this method.
      x-jobbers-router-level: true
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/Error'
  schemas:
    Client:
      type: object
      required: [email]
      properties:
        email:
          type: string
        created_at:
          type: string
          format: jobbers-datetime
          pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
        phone:
          type: string
          nullable: true
        month:
          type: integer
          format: int32
          minimum: 1
          maximum: 12
        group:
          nullable: true
          allOf:
            - $ref: '#/components/schemas/Group'
    Group:
      type: object
      properties:
        name:
          type: string
    Error:
      type: object
      properties:
        message:
          type: string
"##;

const BASE_OPERATIONS: &[(&str, &str)] = &[
    ("GET", "/oneapi/v0/clients/{clientId}"),
    ("POST", "/oneapi/v0/clients"),
    ("POST", "/oneapi/v0/invoice"),
];

/// Returns `BASE` with the one occurrence of `from` replaced by `to`.
fn broken(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "`{from}` must occur once");
    BASE.replacen(from, to, 1)
}

/// Returns the 1-based line of the one line of `source` that contains `needle`.
fn line_of(source: &str, needle: &str) -> usize {
    let lines: Vec<usize> = source
        .lines()
        .enumerate()
        .filter(|(_, line)| line.contains(needle))
        .map(|(index, _)| index + 1)
        .collect();
    assert_eq!(lines.len(), 1, "`{needle}` must be on exactly one line");
    lines[0]
}

/// Returns the 1-based line of the `nth` (from 0) occurrence of `needle` in `source`.
fn line_of_nth(source: &str, needle: &str, nth: usize) -> usize {
    let offset = source
        .match_indices(needle)
        .nth(nth)
        .expect("needle occurs")
        .0;
    source[..offset].matches('\n').count() + 1
}

fn findings_expecting(source: &str, expected_operations: &[(&str, &str)]) -> Vec<Finding> {
    check(
        source,
        &Options {
            expected_operations,
        },
    )
}

fn findings(source: &str) -> Vec<Finding> {
    findings_expecting(source, BASE_OPERATIONS)
}

/// Asserts that `findings` are all of `rule` and sit on exactly `lines`.
#[track_caller]
fn assert_only(findings: &[Finding], rule: &str, lines: &[usize]) {
    for finding in findings {
        assert_eq!(finding.rule, rule, "unexpected finding: {finding}");
    }
    let found: Vec<usize> = findings.iter().map(|finding| finding.line).collect();
    assert_eq!(found, lines, "findings: {findings:#?}");
}

#[test]
fn base_document_is_clean() {
    assert_eq!(findings(BASE), []);
}

#[test]
fn duplicate_key_rejected() {
    let source = broken(
        "      summary: Read a client\n",
        "      summary: Read a client\n      summary: Read it\n",
    );
    assert_only(
        &findings(&source),
        STRICT_YAML,
        &[line_of(&source, "summary: Read it")],
    );
}

#[test]
fn yaml_syntax_error_rejected() {
    let source = broken(
        "tags: [Clients]\n      requestBody",
        "tags: [Clients\n      requestBody",
    );
    let found = findings(&source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, STRICT_YAML);
}

#[test]
fn openapi_3_1_rejected() {
    let source = broken("openapi: 3.0.3", "openapi: 3.1.0");
    assert_only(&findings(&source), OPENAPI_VERSION, &[1]);
}

#[test]
fn info_without_version_rejected() {
    let source = broken("  version: 0.1.0\n", "");
    let found = findings(&source);
    assert_only(&found, OPENAPI_SCHEMA, &[line_of(&source, "info:")]);
    assert!(found[0].message.contains("version"), "{}", found[0].message);
}

#[test]
fn dangling_ref_rejected() {
    let from = "        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Client'";
    let source = broken(
        from,
        "        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Clent'",
    );
    assert_only(
        &findings(&source),
        UNRESOLVED_REF,
        &[line_of(&source, "schemas/Clent")],
    );
}

#[test]
fn ref_with_sibling_rejected() {
    let source = broken(
        "        - $ref: '#/components/parameters/ClientId'\n",
        "        - $ref: '#/components/parameters/ClientId'\n          description: Ignored.\n",
    );
    assert_only(
        &findings(&source),
        REF_SIBLINGS,
        &[line_of(&source, "parameters/ClientId'")],
    );
}

#[test]
fn unused_schema_rejected() {
    let source = broken(
        "    Group:\n",
        "    Unused:\n      type: string\n    Group:\n",
    );
    assert_only(
        &findings(&source),
        UNUSED_COMPONENT,
        &[line_of(&source, "Unused:")],
    );
}

#[test]
fn router_level_marker_keeps_response() {
    let source = broken("      x-jobbers-router-level: true\n", "");
    assert_only(
        &findings(&source),
        UNUSED_COMPONENT,
        &[line_of(&source, "MethodNotAllowed:")],
    );
}

#[test]
fn component_name_not_url_safe_rejected() {
    let source =
        broken("    Group:\n", "    Group$:\n").replace("schemas/Group'", "schemas/Group$'");
    assert_only(
        &findings(&source),
        COMPONENT_NAME,
        &[line_of(&source, "Group$:")],
    );
}

#[test]
fn missing_operation_id_rejected() {
    let source = broken("      operationId: get_client\n", "");
    let get_line = line_of(&source, "    get:");
    assert_only(&findings(&source), OPERATION_ID, &[get_line]);
}

#[test]
fn camel_case_operation_id_rejected() {
    let source = broken("operationId: get_client", "operationId: getClient");
    assert_only(
        &findings(&source),
        OPERATION_ID,
        &[line_of(&source, "getClient")],
    );
}

#[test]
fn operation_id_without_verb_rejected() {
    let source = broken("operationId: get_client", "operationId: client_by_id");
    assert_only(
        &findings(&source),
        OPERATION_ID,
        &[line_of(&source, "client_by_id")],
    );
}

#[test]
fn duplicate_operation_id_rejected() {
    let source = broken("operationId: create_invoice", "operationId: create_client");
    let line = line_of_nth(&source, "operationId: create_client", 1);
    assert_only(&findings(&source), DUPLICATE_OPERATION_ID, &[line]);
}

#[test]
fn path_parameter_not_in_template_rejected() {
    let source = broken(
        "        - $ref: '#/components/parameters/ClientId'\n",
        "        - $ref: '#/components/parameters/ClientId'\n        - name: extra\n          in: path\n          required: true\n          schema:\n            type: string\n",
    );
    let found = findings(&source);
    assert_only(&found, PATH_PARAMETERS, &[line_of(&source, "name: extra")]);
    assert!(found[0].message.contains("`extra`"), "{}", found[0].message);
}

#[test]
fn template_name_without_parameter_rejected() {
    let source = broken("      in: path\n", "      in: header\n");
    assert_only(
        &findings(&source),
        PATH_PARAMETERS,
        &[line_of(&source, "    get:")],
    );
}

#[test]
fn optional_path_parameter_rejected_by_schema() {
    let source = broken(
        "      in: path\n      required: true\n",
        "      in: path\n      required: false\n",
    );
    assert_only(
        &findings(&source),
        OPENAPI_SCHEMA,
        &[line_of(&source, "required: false")],
    );
}

#[test]
fn trailing_slash_rejected() {
    let source = broken("  /oneapi/v0/clients:\n", "  /oneapi/v0/clients/:\n");
    let expected = [
        BASE_OPERATIONS[0],
        ("POST", "/oneapi/v0/clients/"),
        BASE_OPERATIONS[2],
    ];
    assert_only(
        &findings_expecting(&source, &expected),
        PATH_FORMAT,
        &[line_of(&source, "/oneapi/v0/clients/:")],
    );
}

#[test]
fn query_string_in_path_rejected() {
    let source = broken("  /oneapi/v0/invoice:\n", "  /oneapi/v0/invoice?draft=1:\n");
    let expected = [
        BASE_OPERATIONS[0],
        BASE_OPERATIONS[1],
        ("POST", "/oneapi/v0/invoice?draft=1"),
    ];
    assert_only(
        &findings_expecting(&source, &expected),
        PATH_FORMAT,
        &[line_of(&source, "invoice?draft=1:")],
    );
}

#[test]
fn paths_routing_same_urls_rejected() {
    let source = broken(
        "  /oneapi/v0/clients:\n",
        "  /oneapi/v0/clients/{id}:\n    delete:\n      operationId: delete_client\n      summary: Delete a client\n      description: Deletes a client.\n      tags: [Clients]\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '204':\n          description: Deleted.\n        '401':\n          $ref: '#/components/responses/Error'\n  /oneapi/v0/clients:\n",
    );
    let mut expected = BASE_OPERATIONS.to_vec();
    expected.push(("DELETE", "/oneapi/v0/clients/{id}"));
    assert_only(
        &findings_expecting(&source, &expected),
        AMBIGUOUS_PATHS,
        &[line_of(&source, "/oneapi/v0/clients/{id}:")],
    );
}

#[test]
fn operation_without_2xx_rejected() {
    let source = broken(
        "        '201':\n          description: Created.",
        "        '301':\n          description: Moved.",
    );
    let line = line_of_nth(&source, "      responses:", 1);
    assert_only(&findings(&source), SUCCESS_RESPONSE, &[line]);
}

#[test]
fn not_implemented_without_501_rejected() {
    let source = broken("        '501':\n", "        '503':\n");
    let line = line_of(&source, "'503':") - 1;
    assert_only(&findings(&source), SUCCESS_RESPONSE, &[line]);
}

#[test]
fn authenticated_operation_without_401_rejected() {
    let source = broken(
        "                    group: null\n        '401':\n          $ref: '#/components/responses/Error'\n",
        "                    group: null\n",
    );
    let line = line_of_nth(&source, "      responses:", 0);
    assert_only(&findings(&source), ERROR_RESPONSES, &[line]);
}

#[test]
fn json_body_without_422_rejected() {
    let source = broken(
        "        '422':\n          $ref: '#/components/responses/Error'\n",
        "",
    );
    let found = findings(&source);
    let line = line_of_nth(&source, "      responses:", 1);
    assert_only(&found, ERROR_RESPONSES, &[line]);
    assert!(found[0].message.contains("422"), "{}", found[0].message);
}

#[test]
fn operation_without_summary_rejected() {
    let source = broken("      summary: Read a client\n", "");
    assert_only(
        &findings(&source),
        OPERATION_DOCS,
        &[line_of(&source, "    get:")],
    );
}

#[test]
fn operation_with_two_tags_rejected() {
    let source = broken(
        "      description: Returns one client by id.\n      tags: [Clients]",
        "      description: Returns one client by id.\n      tags: [Clients, Enterprises]",
    );
    assert_only(
        &findings(&source),
        OPERATION_TAG,
        &[line_of(&source, "[Clients, Enterprises]")],
    );
}

#[test]
fn undeclared_tag_rejected() {
    let source = broken(
        "      description: Returns one client by id.\n      tags: [Clients]",
        "      description: Returns one client by id.\n      tags: [Enterprises]",
    );
    assert_only(
        &findings(&source),
        OPERATION_TAG,
        &[line_of(&source, "[Enterprises]")],
    );
}

#[test]
fn unknown_security_scheme_rejected() {
    let source = broken(
        "      tags: [Clients]\n      parameters:",
        "      tags: [Clients]\n      security:\n        - apiKey: []\n      parameters:",
    );
    assert_only(
        &findings(&source),
        SECURITY_SCHEME,
        &[line_of(&source, "- apiKey: []")],
    );
}

#[test]
fn request_body_without_example_rejected() {
    let source = broken(
        "            examples:\n              minimal:\n                summary: Only the email\n                value:\n                  email: b@example.com\n                  group:\n                    name: Paris\n",
        "",
    );
    let line = line_of_nth(&source, "          application/json:", 1);
    assert_only(&findings(&source), EXAMPLE_MISSING, &[line]);
}

#[test]
fn example_with_wrong_type_rejected() {
    let source = broken("month: 7", "month: seven");
    let found = findings(&source);
    assert_only(&found, EXAMPLE_INVALID, &[line_of(&source, "month: seven")]);
    assert!(
        found[0]
            .message
            .ends_with(r#"/month: "seven" is not of type "integer""#),
        "{}",
        found[0].message
    );
}

#[test]
fn example_with_rfc3339_date_rejected() {
    let source = broken("'2018-07-12 10:09:24'", "'2018-07-12T10:09:24Z'");
    let found = findings(&source);
    assert_only(&found, EXAMPLE_INVALID, &[line_of(&source, "T10:09:24Z")]);
    assert!(
        found[0]
            .message
            .contains("/created_at: \"2018-07-12T10:09:24Z\" does not match"),
        "{}",
        found[0].message
    );
}

#[test]
fn example_with_null_in_non_nullable_rejected() {
    let source = broken("email: a@example.com", "email: null");
    let found = findings(&source);
    assert_only(&found, EXAMPLE_INVALID, &[line_of(&source, "email: null")]);
    assert!(
        found[0]
            .message
            .ends_with(r#"/email: null is not of type "string""#),
        "{}",
        found[0].message
    );
}

#[test]
fn example_with_unknown_property_rejected() {
    let source = broken(
        "                  email: b@example.com\n",
        "                  email: b@example.com\n                  nickname: bee\n",
    );
    let found = findings(&source);
    assert_only(
        &found,
        EXAMPLE_INVALID,
        &[line_of(&source, "nickname: bee")],
    );
    assert!(
        found[0].message.starts_with("example `minimal` of create_client (request, application/json) does not match its schema: /nickname is not a property"),
        "{}",
        found[0].message
    );
}

#[test]
fn example_with_unknown_nested_property_rejected() {
    let source = broken(
        "                    name: Paris\n",
        "                    name: Paris\n                    city: Paris\n",
    );
    assert_only(
        &findings(&source),
        EXAMPLE_INVALID,
        &[line_of(&source, "city: Paris")],
    );
}

#[test]
fn example_missing_required_property_rejected() {
    let source = broken("                  email: b@example.com\n", "");
    let found = findings(&source);
    assert_only(&found, EXAMPLE_INVALID, &[line_of(&source, "minimal:") + 2]);
    assert!(
        found[0].message.ends_with("/email is missing"),
        "{}",
        found[0].message
    );
}

#[test]
fn example_with_month_13_rejected() {
    let source = broken("month: 7", "month: 13");
    let found = findings(&source);
    assert_only(&found, EXAMPLE_INVALID, &[line_of(&source, "month: 13")]);
    assert!(
        found[0]
            .message
            .ends_with("/month: 13 is greater than the maximum of 12"),
        "{}",
        found[0].message
    );
}

#[test]
fn missing_and_unexpected_operations_reported() {
    let expected = [
        BASE_OPERATIONS[0],
        BASE_OPERATIONS[1],
        ("GET", "/oneapi/v0/stats"),
    ];
    let found = findings_expecting(BASE, &expected);
    assert_only(
        &found,
        COVERAGE,
        &[
            line_of(BASE, "paths:"),
            line_of(BASE, "/oneapi/v0/invoice:") + 1,
        ],
    );
    assert_eq!(
        found[0].message,
        "operation GET /oneapi/v0/stats is missing"
    );
}

#[test]
fn expected_list_has_16_operations() {
    assert_eq!(EXPECTED_OPERATIONS.len(), 16);
}

#[test]
fn real_document_is_clean() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/jobbers-one.yaml");
    let source = std::fs::read_to_string(&path).expect("openapi/jobbers-one.yaml is readable");
    let found = findings_expecting(&source, EXPECTED_OPERATIONS);
    assert_eq!(found, [], "findings: {found:#?}");
}
