//! The data set of the benchmarks: the `empty` data set plus many clients and one large stock
//! of passes in enterprise 20, written as a data set file for `jobbers-one-mock --seed`.

use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use jobbers_one_mock::dates::{DurationType, WireDateTime};
use jobbers_one_mock::seed::{ClientSeed, DataSet, StockSeed};

/// Enterprise that receives the clients and the stock; `demo-key` / `demo-secret`.
pub const ENTERPRISE_ID: i64 = 20;

/// Id of the large stock of passes that assignments take from.
pub const STOCK_ID: i64 = 900;

/// Passes in the large stock, more than any benchmark run assigns.
const STOCK_UNITS: u32 = 100_000_000;

/// Id of the first generated client; the others follow.
const FIRST_CLIENT_ID: i64 = 1_000_000;

/// Returns the email of generated client `index`, the form the load scripts use.
pub fn client_email(index: u64) -> String {
    format!("bench-client-{index}@example.org")
}

/// Writes the data set with `clients` clients to `path`, after checking it as the mock will.
pub fn write(path: &Path, clients: u64) -> anyhow::Result<()> {
    let data_set = data_set(clients)?;
    let problems = data_set.check();
    if let Some(problem) = problems.first() {
        bail!(
            "the generated data set is invalid ({} problems), first: {problem}",
            problems.len()
        );
    }
    let json = serde_json::to_vec(&data_set)?;
    std::fs::write(path, json).with_context(|| format!("failed to write {}", path.display()))
}

fn data_set(clients: u64) -> anyhow::Result<DataSet> {
    let mut data_set = DataSet::empty();
    let Some(enterprise) = data_set
        .enterprises
        .iter_mut()
        .find(|enterprise| enterprise.enterprise_id == ENTERPRISE_ID)
    else {
        bail!("the empty data set has no enterprise {ENTERPRISE_ID}");
    };

    let date = |year, month, day| {
        NaiveDate::from_ymd_opt(year, month, day)
            .and_then(|date| date.and_hms_opt(0, 0, 0))
            .map(WireDateTime)
            .context("invalid date in the generated data set")
    };
    let registered = date(2024, 1, 1)?;
    let subscription_end = date(2025, 1, 1)?;

    enterprise.stocks_of_passes.push(StockSeed {
        stock_id: STOCK_ID,
        description: "benchmark stock".to_owned(),
        duration: 1,
        duration_type: DurationType::Day,
        expiration_date: date(2099, 12, 31)?,
        total_units: STOCK_UNITS,
        price: 10.0,
        net_price: 10.0,
        vat: 0,
    });
    for index in 0..clients {
        let client_id = FIRST_CLIENT_ID + i64::try_from(index)?;
        enterprise.clients.push(ClientSeed {
            client_id,
            email: client_email(index),
            first_name: "Bench".to_owned(),
            last_name: format!("Client {index}"),
            phone_prefix: "+33".to_owned(),
            phone: format!("6{:08}", index % 100_000_000),
            gender: None,
            address: "1 rue de l'Exemple".to_owned(),
            zip_code: "75015".to_owned(),
            city: "Paris".to_owned(),
            country: "FR".to_owned(),
            optin: false,
            registering_date: registered,
            last_login_date: None,
            end_subscription_date: subscription_end,
            active: true,
            group_id: None,
        });
    }
    Ok(data_set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_data_set_passes_check() {
        let data_set = data_set(50).unwrap();
        assert_eq!(data_set.check(), Vec::new());
    }
}
