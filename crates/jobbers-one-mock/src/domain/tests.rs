//! Rules of the domain layer, checked on the default data set with a manual clock.

use std::sync::Arc;

use chrono::{NaiveDateTime, TimeDelta};

use super::*;
use crate::clock::ManualClock;
use crate::dates;
use crate::seed::Gender;

const DEMO: Caller = Caller { enterprise_id: 20 };
const OTHER: Caller = Caller { enterprise_id: 21 };

fn at(text: &str) -> NaiveDateTime {
    dates::parse(text).expect("test date")
}

fn sandbox() -> (Sandbox, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at("2024-05-15 12:00:00")));
    let sandbox = Sandbox::new(
        &DataSet::default_data_set(),
        clock.clone(),
        TimeDelta::seconds(3600),
    );
    (sandbox, clock)
}

fn documented_client() -> NewClient {
    NewClient {
        email: "client@clients.jobbers.com".to_owned(),
        group_id: Some(374),
        first_name: "prenom".to_owned(),
        last_name: "nom".to_owned(),
        phone_prefix: "+33".to_owned(),
        phone: "987654321".to_owned(),
        address: "1 rue de l'Exemple".to_owned(),
        zip_code: "75015".to_owned(),
        city: "Paris".to_owned(),
        country: "FR".to_owned(),
        cgu: true,
        optin: true,
        gender: Some(Gender::Female),
    }
}

fn pass(email: &str, stock_id: i64, reference: &str) -> PassRequest {
    PassRequest {
        email: email.to_owned(),
        stock_id,
        payment_reference: reference.to_owned(),
    }
}

fn bad_request(result: Result<impl std::fmt::Debug, ApiError>) -> Vec<(ErrorTitle, String)> {
    match result {
        Err(ApiError::BadRequest(problems)) => problems
            .into_iter()
            .map(|problem| (problem.title, problem.source))
            .collect(),
        other => panic!("expected a 400, got {other:?}"),
    }
}

fn email_key(email: &str) -> ClientKey {
    ClientKey::Email(email.to_owned())
}

// Access tokens.

#[test]
fn token_is_128_bits_written_as_uuid() {
    let (sandbox, _) = sandbox();
    let token = sandbox
        .request_token("password", "demo-key", "demo-secret")
        .unwrap();
    assert_eq!(token.expires_in, 3600);
    let groups: Vec<usize> = token.access_token.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12]);
    assert!(
        token
            .access_token
            .chars()
            .all(|c| c == '-' || c.is_ascii_hexdigit())
    );
    assert_eq!(sandbox.authenticate(&token.access_token), Some(DEMO));
}

#[test]
fn token_rejects_wrong_key_or_secret() {
    let (sandbox, _) = sandbox();
    for (key, secret) in [
        ("demo-key", "other-secret"),
        ("nobody", "demo-secret"),
        ("demo-key", "demo-secre"),
    ] {
        let result = sandbox.request_token("password", key, secret);
        assert_eq!(result, Err(ApiError::BadCredentials), "{key} / {secret}");
    }
}

#[test]
fn token_rejects_grant_other_than_password() {
    let (sandbox, _) = sandbox();
    let result = sandbox.request_token("client_credentials", "demo-key", "demo-secret");
    assert_eq!(
        bad_request(result),
        [(ErrorTitle::IsInvalid, "grant_type".to_owned())]
    );
}

#[test]
fn token_rejects_blank_credentials() {
    let (sandbox, _) = sandbox();
    let result = sandbox.request_token("", " ", "");
    assert_eq!(
        bad_request(result),
        [
            (ErrorTitle::CannotBeBlank, "grant_type".to_owned()),
            (ErrorTitle::CannotBeBlank, "username".to_owned()),
            (ErrorTitle::CannotBeBlank, "password".to_owned()),
        ]
    );
}

#[test]
fn token_expires_after_ttl_without_use() {
    let (sandbox, clock) = sandbox();
    let token = sandbox
        .request_token("password", "demo-key", "demo-secret")
        .unwrap();
    clock.advance(TimeDelta::seconds(3599));
    assert_eq!(sandbox.authenticate(&token.access_token), Some(DEMO));
    clock.advance(TimeDelta::seconds(3600));
    assert_eq!(sandbox.authenticate(&token.access_token), None);
}

#[test]
fn token_use_renews_expiry() {
    let (sandbox, clock) = sandbox();
    let token = sandbox
        .request_token("password", "other-key", "other-secret")
        .unwrap();
    for _ in 0..5 {
        clock.advance(TimeDelta::seconds(3000));
        assert_eq!(sandbox.authenticate(&token.access_token), Some(OTHER));
    }
}

#[test]
fn expired_tokens_are_purged() {
    let (sandbox, clock) = sandbox();
    for _ in 0..10 {
        sandbox
            .request_token("password", "demo-key", "demo-secret")
            .unwrap();
    }
    assert_eq!(sandbox.access_token_count(), 10);
    clock.advance(TimeDelta::seconds(3600));
    sandbox
        .request_token("password", "demo-key", "demo-secret")
        .unwrap();
    assert_eq!(sandbox.access_token_count(), 1);
}

#[test]
fn unknown_token_is_rejected() {
    let (sandbox, _) = sandbox();
    assert_eq!(
        sandbox.authenticate("87eb6f50-d0e2-45d5-ab18-526b60bfc74c"),
        None
    );
    assert_eq!(sandbox.authenticate(""), None);
}

// Enterprise, groups and stocks.

#[test]
fn current_enterprise_is_digit_string() {
    let (sandbox, _) = sandbox();
    assert_eq!(sandbox.current_enterprise(DEMO), "20");
}

#[test]
fn groups_are_the_documented_ones() {
    let (sandbox, _) = sandbox();
    let groups = sandbox.groups(DEMO);
    assert_eq!(
        groups,
        [
            Group {
                group_id: 373,
                name: "Sous conciergerie #1 Demonstration".to_owned()
            },
            Group {
                group_id: 374,
                name: "Sous conciergerie #2 Demonstration".to_owned()
            },
        ]
    );
    assert_eq!(sandbox.groups(OTHER).len(), 1);
}

#[test]
fn stocks_are_listed_per_enterprise() {
    let (sandbox, _) = sandbox();
    let ids: Vec<i64> = sandbox
        .stocks_of_passes(DEMO)
        .iter()
        .map(|stock| stock.stock_id)
        .collect();
    assert_eq!(ids, [53, 52]);
    let other = sandbox.stocks_of_passes(OTHER);
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].total_used, 1);
    assert_eq!(other[0].total_available, 4);
}

// Statistics.

#[test]
fn stats_of_july_2018_match_documented_figures() {
    let (sandbox, _) = sandbox();
    let stats = sandbox.stats(DEMO, 7, 2018).unwrap();
    let groups: Vec<Option<i64>> = stats.iter().map(|entry| entry.group_id).collect();
    assert_eq!(groups, [None, Some(373), Some(374)]);

    let enterprise = &stats[0];
    assert_eq!(enterprise.last_updated, at("2024-05-15 12:00:00"));
    assert_eq!(enterprise.total_requests, 52);
    assert_eq!(enterprise.delta_requests, 52);
    assert_eq!(enterprise.total_passes, 0);
    assert_eq!(enterprise.delta_passes, 0);
    assert_eq!(enterprise.total_clients, 10);
    assert_eq!(enterprise.delta_clients, 10);
    assert_eq!(enterprise.percentage_female_clients, 0.0);
    assert_eq!(enterprise.percentage_male_clients, 20.0);
    assert_eq!(enterprise.percentage_unknown_clients, 80.0);
    assert_eq!(enterprise.nologin_clients.total, 10);
    assert_eq!(
        enterprise.nologin_clients.emails,
        [
            "client+1@clients.jobbers.com",
            "member+3@example.org",
            "member+5@example.org",
            "member+6@example.org",
            "member+7@example.org",
            "member+8@example.org",
            "member+9@example.org",
            "member+10@example.org",
            "member+11@example.org",
            "member+14@example.org",
        ]
    );
    let percent = |name: &str| {
        enterprise
            .tags
            .iter()
            .find(|tag| tag.tag_name == name)
            .map(|tag| tag.percent)
    };
    assert_eq!(enterprise.tags.len(), 21);
    assert_eq!(percent("services_individus"), Some(82.61));
    assert_eq!(percent("auto_moto"), Some(4.35));
    assert_eq!(percent("anniversaire"), Some(8.7));
    assert_eq!(percent("recherches"), Some(4.35));
    assert_eq!(percent("sports"), Some(0.0));
    assert_eq!(enterprise.avergage_conversation_rating, 0.0);
    assert_eq!(enterprise.total_orders, TotalOrders::default());

    let group = &stats[1];
    assert_eq!(group.total_clients, 0);
    assert_eq!(group.percentage_male_clients, 0.0);
    assert_eq!(group.total_requests, 0);
}

#[test]
fn stats_of_other_month_have_no_delta() {
    let (sandbox, _) = sandbox();
    let enterprise = &sandbox.stats(DEMO, 8, 2018).unwrap()[0];
    assert_eq!(enterprise.total_requests, 52);
    assert_eq!(enterprise.delta_requests, 0);
    assert_eq!(enterprise.delta_clients, 0);
    assert!(enterprise.tags.iter().all(|tag| tag.percent == 0.0));
}

#[test]
fn stats_count_ratings_orders_and_group_passes() {
    let (sandbox, _) = sandbox();
    let stats = sandbox.stats(OTHER, 3, 2019).unwrap();
    let (enterprise, group) = (&stats[0], &stats[1]);
    assert_eq!(enterprise.total_passes, 1);
    assert_eq!(enterprise.delta_passes, 1);
    assert_eq!(group.group_id, Some(375));
    assert_eq!(group.total_passes, 1);
    assert_eq!(group.avergage_conversation_rating, 4.0);
    assert_eq!(group.total_orders.total, 1);
    assert_eq!(group.total_orders.categories.len(), 1);
    assert_eq!(group.total_orders.categories[0].percent, 100.0);
    assert_eq!(enterprise.percentage_female_clients, 50.0);
    assert_eq!(enterprise.percentage_male_clients, 50.0);
    assert_eq!(
        enterprise.nologin_clients.emails,
        ["former@other-enterprise.example.com"]
    );
}

#[test]
fn stats_reject_month_and_year_out_of_range() {
    let (sandbox, _) = sandbox();
    for (month, year, source) in [
        (0, 2018, "month"),
        (13, 2018, "month"),
        (7, 999, "year"),
        (7, 10_000, "year"),
    ] {
        let result = sandbox.stats(DEMO, month, year);
        assert_eq!(
            bad_request(result),
            [(ErrorTitle::IsInvalid, source.to_owned())],
            "{month}/{year}"
        );
    }
}

#[test]
fn stats_count_new_pass_in_its_month() {
    let (sandbox, _) = sandbox();
    sandbox
        .assign_pass(DEMO, &pass("member+3@example.org", 52, "ref-stats"))
        .unwrap();
    let enterprise = &sandbox.stats(DEMO, 5, 2024).unwrap()[0];
    assert_eq!(enterprise.total_passes, 1);
    assert_eq!(enterprise.delta_passes, 1);
}

// Pass assignment.

#[test]
fn assign_takes_pass_and_extends_subscription() {
    let (sandbox, _) = sandbox();
    // Client 40331's subscription ended in 2018, so the year counts from now.
    let end = sandbox
        .assign_pass(
            DEMO,
            &pass("client+1@clients.jobbers.com", 52, "payment_reference_01"),
        )
        .unwrap();
    assert_eq!(end, at("2025-05-15 12:00:00"));

    let stock = sandbox
        .stocks_of_passes(DEMO)
        .into_iter()
        .find(|stock| stock.stock_id == 52)
        .unwrap();
    assert_eq!(stock.total_available, 9);
    assert_eq!(stock.total_used, 1);
    assert_eq!(stock.total_units, 10);
    let client = sandbox.client(DEMO, &ClientKey::Id(40331)).unwrap();
    assert_eq!(client.end_subscription_date, end);
}

#[test]
fn assign_extends_from_later_current_end() {
    let (sandbox, _) = sandbox();
    // member+3's subscription runs to 2099-12-31 23:59:59.
    let end = sandbox
        .assign_pass(DEMO, &pass("MEMBER+3@example.org", 52, "ref-1"))
        .unwrap();
    assert_eq!(end, at("2100-12-31 23:59:59"));
    let again = sandbox
        .assign_pass(DEMO, &pass("member+3@example.org", 52, "ref-2"))
        .unwrap();
    assert_eq!(again, at("2101-12-31 23:59:59"));
}

#[test]
fn assign_of_month_pass_uses_calendar_months() {
    let (sandbox, clock) = sandbox();
    clock.set(at("2024-01-31 10:00:00"));
    let end = sandbox
        .assign_pass(
            OTHER,
            &pass("former@other-enterprise.example.com", 60, "m-1"),
        )
        .unwrap();
    assert_eq!(end, at("2024-02-29 10:00:00"));
}

#[test]
fn assign_rejects_reused_payment_reference() {
    let (sandbox, _) = sandbox();
    let request = pass("client+1@clients.jobbers.com", 52, "payment_reference_01");
    sandbox.assign_pass(DEMO, &request).unwrap();
    assert_eq!(
        bad_request(sandbox.assign_pass(DEMO, &request)),
        [(
            ErrorTitle::HasAlreadyBeenTaken,
            "payment_reference".to_owned()
        )]
    );
    let stock = &sandbox.stocks_of_passes(DEMO)[1];
    assert_eq!(stock.total_used, 1);
}

#[test]
fn assign_rejects_payment_reference_from_data_set() {
    let (sandbox, _) = sandbox();
    let result = sandbox.assign_pass(
        OTHER,
        &pass("staff@other-enterprise.example.com", 60, "other-payment-1"),
    );
    assert_eq!(
        bad_request(result),
        [(
            ErrorTitle::HasAlreadyBeenTaken,
            "payment_reference".to_owned()
        )]
    );
}

#[test]
fn payment_references_are_per_enterprise() {
    let (sandbox, _) = sandbox();
    // Enterprise 21's data set already used `other-payment-1`.
    let result = sandbox.assign_pass(
        DEMO,
        &pass("client+1@clients.jobbers.com", 52, "other-payment-1"),
    );
    assert!(result.is_ok());
}

#[test]
fn assign_rejects_expired_stock() {
    let (sandbox, _) = sandbox();
    let result = sandbox.assign_pass(DEMO, &pass("client+1@clients.jobbers.com", 53, "r"));
    let Err(ApiError::BadRequest(problems)) = result else {
        panic!("expected a 400, got {result:?}");
    };
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].title, ErrorTitle::IsInvalid);
    assert_eq!(problems[0].source, "stock_id");
    assert_eq!(
        problems[0].detail,
        "stock of passes 53 expired on 2018-07-30 23:59:59"
    );
}

#[test]
fn assign_accepts_stock_until_its_expiration() {
    let (sandbox, clock) = sandbox();
    clock.set(at("2018-07-30 23:59:59"));
    let result = sandbox.assign_pass(DEMO, &pass("client+1@clients.jobbers.com", 53, "r"));
    assert!(result.is_ok(), "{result:?}");
    clock.advance(TimeDelta::seconds(1));
    let result = sandbox.assign_pass(DEMO, &pass("client+1@clients.jobbers.com", 53, "s"));
    assert_eq!(
        bad_request(result),
        [(ErrorTitle::IsInvalid, "stock_id".to_owned())]
    );
}

#[test]
fn assign_rejects_exhausted_stock() {
    let (sandbox, _) = sandbox();
    for index in 0..10 {
        let reference = format!("ref-{index}");
        sandbox
            .assign_pass(DEMO, &pass("member+5@example.org", 52, &reference))
            .unwrap();
    }
    let result = sandbox.assign_pass(DEMO, &pass("member+5@example.org", 52, "ref-10"));
    let Err(ApiError::BadRequest(problems)) = result else {
        panic!("expected a 400, got {result:?}");
    };
    assert_eq!(problems[0].source, "stock_id");
    assert_eq!(problems[0].detail, "stock of passes 52 has no pass left");
}

#[test]
fn assign_reports_reference_and_stock_together() {
    let (sandbox, _) = sandbox();
    sandbox
        .assign_pass(DEMO, &pass("member+5@example.org", 52, "same"))
        .unwrap();
    let result = sandbox.assign_pass(DEMO, &pass("member+5@example.org", 53, "same"));
    assert_eq!(
        bad_request(result),
        [
            (
                ErrorTitle::HasAlreadyBeenTaken,
                "payment_reference".to_owned()
            ),
            (ErrorTitle::IsInvalid, "stock_id".to_owned()),
        ]
    );
}

#[test]
fn assign_forbids_stock_or_client_of_another_enterprise() {
    let (sandbox, _) = sandbox();
    let stock = sandbox.assign_pass(DEMO, &pass("client+1@clients.jobbers.com", 60, "a"));
    assert!(
        matches!(&stock, Err(ApiError::Forbidden(problem)) if problem.source == "stock_id"),
        "{stock:?}"
    );
    let client = sandbox.assign_pass(DEMO, &pass("staff@other-enterprise.example.com", 52, "b"));
    assert!(
        matches!(&client, Err(ApiError::Forbidden(problem)) if problem.source == "client"),
        "{client:?}"
    );
}

#[test]
fn assign_unknown_client_or_stock() {
    let (sandbox, _) = sandbox();
    let client = sandbox.assign_pass(DEMO, &pass("nobody@example.org", 52, "a"));
    assert_eq!(client, Err(ApiError::client_not_found()));
    let stock = sandbox.assign_pass(DEMO, &pass("client+1@clients.jobbers.com", 999, "b"));
    assert!(
        matches!(&stock, Err(ApiError::NotFound(problem)) if problem.source == "stock_id"),
        "{stock:?}"
    );
}

// Client creation.

#[test]
fn create_returns_client_and_8_character_password() {
    let (sandbox, _) = sandbox();
    let created = sandbox.create_client(DEMO, documented_client()).unwrap();
    assert_eq!(created.password.chars().count(), 8);
    assert!(created.password.chars().all(|c| c.is_ascii_graphic()));
    let client = created.client;
    // One past the largest client id of the data set.
    assert_eq!(client.client_id, 50003);
    assert_eq!(client.email, "client@clients.jobbers.com");
    assert_eq!(client.group_id, Some(374));
    assert_eq!(client.gender, Some(Gender::Female));
    assert!(client.cgu);
    assert!(client.optin);
    assert!(client.active);
    assert_eq!(client.registering_date, at("2024-05-15 12:00:00"));
    assert_eq!(client.last_login_date, None);
    // Enterprise 20 grants two months on creation.
    assert_eq!(client.end_subscription_date, at("2024-07-15 12:00:00"));
    assert_eq!(sandbox.client(DEMO, &ClientKey::Id(50003)).unwrap(), client);
}

#[test]
fn create_reports_every_problem() {
    let (sandbox, _) = sandbox();
    let mut new_client = documented_client();
    new_client.first_name = "  ".to_owned();
    new_client.cgu = false;
    new_client.country = "ZZ".to_owned();
    new_client.group_id = Some(375);
    new_client.phone = "12".to_owned();
    assert_eq!(
        bad_request(sandbox.create_client(DEMO, new_client)),
        [
            (ErrorTitle::CannotBeBlank, "first_name".to_owned()),
            (ErrorTitle::IsInvalid, "phone".to_owned()),
            (ErrorTitle::IsInvalid, "country".to_owned()),
            (ErrorTitle::MustBeAccepted, "cgu".to_owned()),
            (ErrorTitle::IsInvalid, "group_id".to_owned()),
        ]
    );
}

#[test]
fn create_rejects_two_letters_that_are_no_country() {
    let (sandbox, _) = sandbox();
    for country in ["UK", "EU", "XX"] {
        let mut new_client = documented_client();
        new_client.country = country.to_owned();
        assert_eq!(
            bad_request(sandbox.create_client(DEMO, new_client)),
            [(ErrorTitle::IsInvalid, "country".to_owned())],
            "{country}"
        );
    }
}

#[test]
fn create_rejects_taken_email_ignoring_case() {
    let (sandbox, _) = sandbox();
    for email in [
        "Client+1@Clients.Jobbers.com",
        "staff@other-enterprise.example.com",
    ] {
        let mut new_client = documented_client();
        new_client.email = email.to_owned();
        assert_eq!(
            bad_request(sandbox.create_client(DEMO, new_client)),
            [(ErrorTitle::HasAlreadyBeenTaken, "email".to_owned())],
            "{email}"
        );
    }
}

#[test]
fn create_rejects_malformed_email() {
    let (sandbox, _) = sandbox();
    let mut new_client = documented_client();
    new_client.email = "not an email".to_owned();
    assert_eq!(
        bad_request(sandbox.create_client(DEMO, new_client)),
        [(ErrorTitle::IsInvalid, "email".to_owned())]
    );
}

// Client lookup, update and deletion.

#[test]
fn client_lookup_by_id_or_email() {
    let (sandbox, _) = sandbox();
    let by_id = sandbox.client(DEMO, &ClientKey::parse("40331")).unwrap();
    let by_email = sandbox
        .client(DEMO, &ClientKey::parse("CLIENT+1@clients.jobbers.com"))
        .unwrap();
    assert_eq!(by_id, by_email);
    assert_eq!(by_id.email, "client+1@clients.jobbers.com");
}

#[test]
fn client_of_another_enterprise_is_forbidden() {
    let (sandbox, _) = sandbox();
    for key in ["50001", "staff@other-enterprise.example.com"] {
        assert_eq!(
            sandbox.client(DEMO, &ClientKey::parse(key)),
            Err(ApiError::client_of_another_enterprise()),
            "{key}"
        );
    }
    assert_eq!(
        sandbox.delete_client(OTHER, &ClientKey::Id(40331)),
        Err(ApiError::client_of_another_enterprise())
    );
}

#[test]
fn unknown_client_is_not_found() {
    let (sandbox, _) = sandbox();
    for key in ["1", "99999999999999999999999", "nobody@example.org"] {
        assert_eq!(
            sandbox.client(DEMO, &ClientKey::parse(key)),
            Err(ApiError::client_not_found()),
            "{key}"
        );
    }
}

#[test]
fn update_changes_only_given_fields() {
    let (sandbox, _) = sandbox();
    let before = sandbox.client(DEMO, &ClientKey::Id(40331)).unwrap();
    let changes = ClientChanges {
        first_name: Some("prenom2".to_owned()),
        group_id: Some(373),
        gender: Some(Gender::Male),
        street: Some("2 rue Neuve".to_owned()),
        ..ClientChanges::default()
    };
    let after = sandbox
        .update_client(DEMO, &ClientKey::Id(40331), changes)
        .unwrap();
    assert_eq!(after.first_name, "prenom2");
    assert_eq!(after.group_id, Some(373));
    assert_eq!(after.gender, Some(Gender::Male));
    assert_eq!(after.address, "2 rue Neuve");
    assert_eq!(after.last_name, before.last_name);
    assert_eq!(after.email, before.email);
    assert_eq!(after.registering_date, before.registering_date);
}

#[test]
fn update_rejects_street_that_differs_from_address() {
    let (sandbox, _) = sandbox();
    let changes = ClientChanges {
        address: Some("1 rue A".to_owned()),
        street: Some("2 rue B".to_owned()),
        ..ClientChanges::default()
    };
    assert_eq!(
        bad_request(sandbox.update_client(DEMO, &ClientKey::Id(40331), changes)),
        [(ErrorTitle::DoesNotMatch, "street".to_owned())]
    );
    let same = ClientChanges {
        address: Some("1 rue A".to_owned()),
        street: Some("1 rue A".to_owned()),
        ..ClientChanges::default()
    };
    assert!(
        sandbox
            .update_client(DEMO, &ClientKey::Id(40331), same)
            .is_ok()
    );
}

#[test]
fn update_rejects_email_of_another_client() {
    let (sandbox, _) = sandbox();
    let taken = ClientChanges {
        email: Some("MEMBER+3@example.org".to_owned()),
        ..ClientChanges::default()
    };
    assert_eq!(
        bad_request(sandbox.update_client(DEMO, &ClientKey::Id(40331), taken)),
        [(ErrorTitle::HasAlreadyBeenTaken, "email".to_owned())]
    );
    // The client's own email, in another case, is no conflict.
    let own = ClientChanges {
        email: Some("CLIENT+1@clients.jobbers.com".to_owned()),
        ..ClientChanges::default()
    };
    assert!(
        sandbox
            .update_client(DEMO, &ClientKey::Id(40331), own)
            .is_ok()
    );
}

#[test]
fn update_moves_email_index() {
    let (sandbox, _) = sandbox();
    let changes = ClientChanges {
        email: Some("renamed@example.org".to_owned()),
        ..ClientChanges::default()
    };
    sandbox
        .update_client(DEMO, &ClientKey::Id(40331), changes)
        .unwrap();
    assert_eq!(
        sandbox.client(DEMO, &email_key("client+1@clients.jobbers.com")),
        Err(ApiError::client_not_found())
    );
    let renamed = sandbox.client(DEMO, &email_key("renamed@example.org"));
    assert_eq!(renamed.map(|client| client.client_id), Ok(40331));
}

#[test]
fn update_rejects_invalid_values() {
    let (sandbox, _) = sandbox();
    let changes = ClientChanges {
        country: Some("QQ".to_owned()),
        group_id: Some(999),
        city: Some(String::new()),
        ..ClientChanges::default()
    };
    assert_eq!(
        bad_request(sandbox.update_client(DEMO, &ClientKey::Id(40331), changes)),
        [
            (ErrorTitle::CannotBeBlank, "city".to_owned()),
            (ErrorTitle::IsInvalid, "country".to_owned()),
            (ErrorTitle::IsInvalid, "group_id".to_owned()),
        ]
    );
}

#[test]
fn deleted_client_is_gone_and_email_free() {
    let (sandbox, clock) = sandbox();
    clock.advance(TimeDelta::seconds(30));
    let key = email_key("client+1@clients.jobbers.com");
    let leaving_date = sandbox.delete_client(DEMO, &key).unwrap();
    assert_eq!(leaving_date, at("2024-05-15 12:00:30"));
    assert_eq!(
        sandbox.client(DEMO, &key),
        Err(ApiError::client_not_found())
    );
    assert_eq!(
        sandbox.delete_client(DEMO, &key),
        Err(ApiError::client_not_found())
    );
    let mut new_client = documented_client();
    new_client.email = "client+1@clients.jobbers.com".to_owned();
    assert!(sandbox.create_client(DEMO, new_client).is_ok());
}

// Existence flags.

#[test]
fn existence_of_own_client() {
    let (sandbox, _) = sandbox();
    let flags = sandbox.client_existence(DEMO, "member+3@example.org");
    assert_eq!(
        flags,
        ClientExistence {
            exists: true,
            movable: false,
            attached_to_another_enterprise: false,
            subscription_valid: true,
            client_active: true,
        }
    );
}

#[test]
fn existence_of_other_enterprise_clients() {
    let (sandbox, _) = sandbox();
    let staff = sandbox.client_existence(DEMO, "staff@other-enterprise.example.com");
    assert!(staff.exists);
    assert!(staff.attached_to_another_enterprise);
    assert!(staff.subscription_valid);
    assert!(!staff.movable, "a running subscription keeps the client");

    let former = sandbox.client_existence(DEMO, "Former@Other-Enterprise.example.com");
    assert!(former.attached_to_another_enterprise);
    assert!(!former.subscription_valid);
    assert!(former.movable, "an ended subscription frees the client");
}

#[test]
fn existence_of_unknown_email_is_all_false() {
    let (sandbox, _) = sandbox();
    assert_eq!(
        sandbox.client_existence(DEMO, "nobody@example.org"),
        ClientExistence::default()
    );
}

// Autologin.

#[test]
fn login_token_works_once() {
    let (sandbox, clock) = sandbox();
    let token = sandbox
        .issue_login_token(DEMO, &ClientKey::Id(40331))
        .unwrap();
    assert_eq!(token.len(), 64);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));

    clock.advance(TimeDelta::minutes(5));
    let client = sandbox.redeem_login_token(&token).unwrap();
    assert_eq!(client.client_id, 40331);
    assert_eq!(client.last_login_date, Some(at("2024-05-15 12:05:00")));
    assert_eq!(sandbox.redeem_login_token(&token), None);
}

#[test]
fn login_token_expires_after_one_hour() {
    let (sandbox, clock) = sandbox();
    let token = sandbox
        .issue_login_token(DEMO, &ClientKey::Id(40331))
        .unwrap();
    clock.advance(TimeDelta::hours(1));
    assert_eq!(sandbox.redeem_login_token(&token), None);
    let client = sandbox.client(DEMO, &ClientKey::Id(40331)).unwrap();
    assert_eq!(client.last_login_date, None);
}

#[test]
fn login_token_of_deleted_client_fails() {
    let (sandbox, _) = sandbox();
    let token = sandbox
        .issue_login_token(DEMO, &ClientKey::Id(40331))
        .unwrap();
    sandbox.delete_client(DEMO, &ClientKey::Id(40331)).unwrap();
    assert_eq!(sandbox.redeem_login_token(&token), None);
}

#[test]
fn login_token_for_other_enterprise_client_is_forbidden() {
    let (sandbox, _) = sandbox();
    assert_eq!(
        sandbox.issue_login_token(DEMO, &ClientKey::Id(50001)),
        Err(ApiError::client_of_another_enterprise())
    );
}

#[test]
fn huge_token_ttl_does_not_overflow() {
    let clock = Arc::new(ManualClock::new(at("2024-05-15 12:00:00")));
    let sandbox = Sandbox::new(&DataSet::default_data_set(), clock, TimeDelta::MAX);
    let token = sandbox
        .request_token("password", "demo-key", "demo-secret")
        .unwrap();
    assert_eq!(sandbox.authenticate(&token.access_token), Some(DEMO));
}
