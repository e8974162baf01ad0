"""Run the core partner flow with the Python client that `cargo xtask sdk` generates.

The flow: token, current enterprise, create a client whose email contains `+`
and who gives no gender, get it back by email, assign a pass, delete it.

Usage: JOBBERS_API_KEY=... JOBBERS_API_SECRET=... python flow.py BASE_URL
BASE_URL is the API's base URL, such as http://127.0.0.1:8080. The generated
package `jobbers_one_client` must be installed in the running interpreter.
"""

import os
import sys
from http import HTTPStatus
from typing import NoReturn, TypeVar

from jobbers_one_client import AuthenticatedClient, Client
from jobbers_one_client.api.authentication import request_token
from jobbers_one_client.api.clients import create_client, delete_client, get_client
from jobbers_one_client.api.enterprises import get_current_enterprise
from jobbers_one_client.api.stock_of_passes import assign_pass, list_stocks_of_passes
from jobbers_one_client.models import (
    AssignedPassResponse,
    AssignPassRequest,
    ClientResponse,
    CreateClientRequest,
    CreatedClientResponse,
    CurrentEnterpriseResponse,
    DeletedClientResponse,
    ErrorBody,
    StocksOfPassesResponse,
    TokenRequest,
    TokenRequestGrantType,
    TokenResponse,
)
from jobbers_one_client.types import Response

CLIENT_EMAIL = "sdk+python@clients.jobbers.com"
PAYMENT_REFERENCE = "sdk-python-flow-1"

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(1)


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        fail(f"environment variable {name} is missing")
    return value


def expect(response: Response[object], expected_type: type[T], operation: str) -> T:
    """Return the parsed body of a 200 response, or stop with the status and body."""
    if response.status_code != HTTPStatus.OK or not isinstance(response.parsed, expected_type):
        body = response.content.decode("utf-8", "replace")
        fail(f"{operation} returned HTTP {int(response.status_code)}: {body}")
    return response.parsed


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def main() -> None:
    if len(sys.argv) != 2:
        fail("usage: python flow.py BASE_URL")
    base_url = sys.argv[1]
    api_key = env("JOBBERS_API_KEY")
    api_secret = env("JOBBERS_API_SECRET")

    # trust_env=False keeps proxy variables from redirecting calls meant for BASE_URL.
    http_options = {"trust_env": False}
    anonymous = Client(base_url=base_url, timeout=30.0, httpx_args=http_options)
    token_body = TokenRequest(grant_type=TokenRequestGrantType.PASSWORD, username=api_key, password=api_secret)
    token = expect(request_token.sync_detailed(client=anonymous, body=token_body), TokenResponse, "request_token")
    print(f"token: {token.token_type.value}, expires in {token.expires_in} s")

    client = AuthenticatedClient(base_url=base_url, token=token.access_token, timeout=30.0, httpx_args=http_options)
    enterprise = expect(
        get_current_enterprise.sync_detailed(client=client), CurrentEnterpriseResponse, "get_current_enterprise"
    ).data
    print(f"current enterprise: {enterprise.enterprise_id}")

    # The stock with available passes that expires last.
    stocks = expect(
        list_stocks_of_passes.sync_detailed(client=client), StocksOfPassesResponse, "list_stocks_of_passes"
    ).data
    available = [stock for stock in stocks if stock.total_available > 0]
    check(bool(available), "the enterprise has no stock of passes with an available pass")
    stock = max(available, key=lambda candidate: candidate.expiration_date)
    print(f"stock of passes: {stock.stock_id} ({stock.total_available} available, expires {stock.expiration_date})")

    new_client = CreateClientRequest(
        email=CLIENT_EMAIL,
        first_name="prenom",
        last_name="nom",
        phone_prefix="+33",
        phone="612345679",
        address="2 rue de la Paix",
        zip_code="75002",
        city="Paris",
        country="FR",
        cgu=True,
        optin=False,
    )
    created = expect(
        create_client.sync_detailed(client=client, body=new_client), CreatedClientResponse, "create_client"
    ).data
    check(created.email == CLIENT_EMAIL, f"created client has email {created.email}")
    # The client gave no gender, so the response carries `"gender": null`.
    check(created.gender is None, f"created client has gender {created.gender!r}, expected None")
    print(f"created client {created.client_id} {created.email}, subscription ends {created.end_subscription_date}")

    # The path value goes out percent-encoded, `+` as %2B.
    fetched = expect(get_client.sync_detailed(CLIENT_EMAIL, client=client), ClientResponse, "get_client").data
    check(
        fetched.client_id == created.client_id,
        f"client got by email has id {fetched.client_id}, expected {created.client_id}",
    )
    check(fetched.gender is None, f"client got by email has gender {fetched.gender!r}, expected None")
    print(f"got client {fetched.client_id} by email {fetched.email}")

    assignment = AssignPassRequest(email=CLIENT_EMAIL, stock_id=stock.stock_id, payment_reference=PAYMENT_REFERENCE)
    assigned = expect(
        assign_pass.sync_detailed(client=client, body=assignment), AssignedPassResponse, "assign_pass"
    ).data
    check(
        assigned.end_subscription_date > created.end_subscription_date,
        f"end of subscription {assigned.end_subscription_date} did not move forward",
    )
    print(f"assigned a pass: subscription ends {assigned.end_subscription_date}")

    deleted = expect(
        delete_client.sync_detailed(CLIENT_EMAIL, client=client), DeletedClientResponse, "delete_client"
    ).data
    print(f"deleted client {created.client_id} at {deleted.leaving_date}")

    after_delete = get_client.sync_detailed(CLIENT_EMAIL, client=client)
    check(
        after_delete.status_code == HTTPStatus.NOT_FOUND and isinstance(after_delete.parsed, ErrorBody),
        f"getting the deleted client returned HTTP {int(after_delete.status_code)}, expected 404 with an error body",
    )
    print("Python flow passed")


if __name__ == "__main__":
    main()
