//! Loading and checking of data sets.

use serde_json::{Value, json};

use super::*;

fn default_value() -> Value {
    serde_json::from_str(DEFAULT_DATA_SET).unwrap()
}

fn problems_of(value: &Value) -> Vec<SeedProblem> {
    match DataSet::from_json("test.json", &value.to_string()) {
        Ok(_) => Vec::new(),
        Err(error) => error.problems().to_vec(),
    }
}

fn pointers_of(value: &Value) -> Vec<String> {
    problems_of(value)
        .into_iter()
        .map(|problem| problem.pointer)
        .collect()
}

#[test]
fn default_data_set_passes_every_check() {
    let data_set = DataSet::from_json("default", DEFAULT_DATA_SET).unwrap();
    assert_eq!(data_set.enterprises.len(), 2);
    assert_eq!(data_set.enterprises[0].enterprise_id, 20);
}

#[test]
fn empty_data_set_keeps_enterprises_and_groups() {
    let data_set = DataSet::empty();
    assert_eq!(data_set.enterprises.len(), 2);
    let demo = &data_set.enterprises[0];
    assert_eq!(demo.api_key, "demo-key");
    assert_eq!(demo.groups.len(), 2);
    assert!(demo.clients.is_empty());
    assert!(demo.stocks_of_passes.is_empty());
    assert!(demo.requests.is_empty());
}

#[test]
fn schema_describes_data_set() {
    let schema = schema();
    assert_eq!(schema["title"], "DataSet");
    assert_eq!(schema["required"], json!(["enterprises"]));
    assert!(schema["definitions"]["ClientSeed"].is_object());
}

#[test]
fn syntax_error_names_line_and_column() {
    let error = DataSet::from_json("broken.json", "{\n  \"enterprises\": [,]\n}").unwrap_err();
    assert!(matches!(error, SeedError::Syntax { .. }));
    assert!(error.to_string().contains("line 2 column"), "{error}");
}

#[test]
fn overlong_durations_are_rejected() {
    let mut value = default_value();
    value["enterprises"][0]["subscription_on_creation"] =
        json!({"duration": 100_000_000, "duration_type": "YEAR"});
    value["enterprises"][0]["stocks_of_passes"][0]["duration"] = json!(36_501);
    assert_eq!(
        pointers_of(&value),
        [
            "/enterprises/0/stocks_of_passes/0/duration",
            "/enterprises/0/subscription_on_creation/duration",
        ]
    );
}

#[test]
fn wrong_type_is_reported_at_its_pointer() {
    let mut value = default_value();
    value["enterprises"][0]["clients"][2]["client_id"] = json!("40303");
    assert_eq!(pointers_of(&value), ["/enterprises/0/clients/2/client_id"]);
}

#[test]
fn unknown_field_is_reported_at_its_parent() {
    let mut value = default_value();
    value["enterprises"][1]["stocks_of_passes"][0]["colour"] = json!("red");
    let problems = problems_of(&value);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].pointer, "/enterprises/1/stocks_of_passes/0");
    assert!(problems[0].message.contains("colour"), "{}", problems[0]);
}

#[test]
fn missing_field_is_reported() {
    let mut value = default_value();
    value["enterprises"][0]
        .as_object_mut()
        .unwrap()
        .remove("api_secret");
    let problems = problems_of(&value);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].pointer, "/enterprises/0");
    assert!(
        problems[0].message.contains("api_secret"),
        "{}",
        problems[0]
    );
}

#[test]
fn malformed_date_is_reported_at_its_pointer() {
    let mut value = default_value();
    value["enterprises"][0]["clients"][0]["registering_date"] = json!("2018-07-12T10:09:24");
    assert_eq!(
        pointers_of(&value),
        ["/enterprises/0/clients/0/registering_date"]
    );
}

#[test]
fn impossible_date_is_reported_by_deserialization() {
    // The pattern accepts it, the calendar does not.
    let mut value = default_value();
    value["enterprises"][0]["stocks_of_passes"][1]["expiration_date"] =
        json!("2099-02-30 23:59:59");
    let problems = problems_of(&value);
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].pointer,
        "/enterprises/0/stocks_of_passes/1/expiration_date"
    );
    assert!(
        problems[0].message.contains("2099-02-30"),
        "{}",
        problems[0]
    );
}

#[test]
fn out_of_range_value_is_reported() {
    let mut value = default_value();
    value["enterprises"][1]["stocks_of_passes"][0]["duration"] = json!(0);
    assert_eq!(
        pointers_of(&value),
        ["/enterprises/1/stocks_of_passes/0/duration"]
    );
}

#[test]
fn duplicate_email_ignoring_case_is_reported() {
    let mut value = default_value();
    value["enterprises"][1]["clients"][0]["email"] = json!("CLIENT+1@clients.jobbers.com");
    let problems = problems_of(&value);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].pointer, "/enterprises/1/clients/0/email");
    assert_eq!(
        problems[0].message,
        "email CLIENT+1@clients.jobbers.com belongs to another client"
    );
}

#[test]
fn cross_record_rules_are_reported_together() {
    let mut value = default_value();
    let demo = &mut value["enterprises"][0];
    demo["clients"][1]["client_id"] = json!(40331);
    demo["clients"][2]["group_id"] = json!(375);
    demo["clients"][3]["country"] = json!("UK");
    demo["pass_assignments"] = json!([
        {"payment_reference": "p", "stock_id": 60, "client_id": 40331, "assigned_at": "2018-07-20 10:00:00"},
        {"payment_reference": "p", "stock_id": 52, "client_id": 50001, "assigned_at": "2018-07-20 10:00:00"}
    ]);
    demo["requests"][0]["tag"] = json!("gardening");
    value["enterprises"][1]["api_key"] = json!("demo-key");

    assert_eq!(
        pointers_of(&value),
        [
            "/enterprises/0/clients/1/client_id",
            "/enterprises/0/clients/2/group_id",
            "/enterprises/0/clients/3/country",
            "/enterprises/0/pass_assignments/0/stock_id",
            "/enterprises/0/pass_assignments/1/payment_reference",
            "/enterprises/0/pass_assignments/1/client_id",
            "/enterprises/0/requests/0/tag",
            "/enterprises/1/api_key",
        ]
    );
}

#[test]
fn assignments_beyond_stock_units_are_reported() {
    let mut value = default_value();
    let assignments: Vec<Value> = (0..4)
        .map(|index| {
            json!({"payment_reference": format!("p{index}"), "stock_id": 53,
                   "client_id": 40331, "assigned_at": "2018-07-20 10:00:00"})
        })
        .collect();
    value["enterprises"][0]["pass_assignments"] = Value::Array(assignments);
    assert_eq!(
        pointers_of(&value),
        ["/enterprises/0/pass_assignments/3/stock_id"]
    );
}

#[test]
fn invalid_error_lists_origin_and_pointers() {
    let mut value = default_value();
    value["enterprises"][0]["clients"][0]["country"] = json!("fr");
    let error = DataSet::from_json("my-seed.json", &value.to_string()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with(
            "the data set my-seed.json is invalid:\n  /enterprises/0/clients/0/country: "
        ),
        "{message}"
    );
}
