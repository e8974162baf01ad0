// Typed calls built on the types that openapi-typescript generates into
// schema.d.ts. `cargo xtask sdk` copies this file beside schema.d.ts and runs
// `tsc --noEmit` on both, so a change of the document that breaks these
// calls fails the task. Nothing here is run.

import type { components, operations, paths } from "./schema";

type Schemas = components["schemas"];
type Json<Operation, Status extends number> = Operation extends {
  responses: { [S in Status]: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

/** Body of a successful create_client call: the client and its password. */
export type CreatedClient = Json<operations["create_client"], 200>["data"];
/** Body of a successful get_client call. */
export type Client = Json<paths["/oneapi/v0/clients/{clientIdOrClientEmail}"]["get"], 200>["data"];
/** Body of every error response. */
export type ErrorBody = Schemas["ErrorBody"];

/** Error raised for a non-2xx response, with the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(`HTTP ${status}: ${body.errors.map((error) => `${error.source} ${error.title}`).join(", ")}`);
  }
}

async function call<Body>(response: Promise<Response>): Promise<Body> {
  const resolved = await response;
  const body: unknown = await resolved.json();
  if (!resolved.ok) {
    throw new ApiError(resolved.status, body as ErrorBody);
  }
  return body as Body;
}

/** Exchanges the API key and secret for a bearer token. */
export function requestToken(baseUrl: string, apiKey: string, apiSecret: string): Promise<Schemas["TokenResponse"]> {
  const body: operations["request_token"]["requestBody"]["content"]["application/json"] = {
    grant_type: "password",
    username: apiKey,
    password: apiSecret,
  };
  return call(
    fetch(`${baseUrl}/oneapi/authentication/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

/** Creates a client of the authenticated enterprise. */
export async function createClient(
  baseUrl: string,
  accessToken: string,
  body: Schemas["CreateClientRequest"],
): Promise<CreatedClient> {
  const created = await call<Json<operations["create_client"], 200>>(
    fetch(`${baseUrl}/oneapi/v0/clients`, {
      method: "POST",
      headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return created.data;
}

/** Gets a client by id or email. encodeURIComponent sends `+` as %2B, which the API requires. */
export async function getClient(
  baseUrl: string,
  accessToken: string,
  clientIdOrClientEmail: operations["get_client"]["parameters"]["path"]["clientIdOrClientEmail"],
): Promise<Client> {
  const path = encodeURIComponent(clientIdOrClientEmail);
  const response = await call<Json<operations["get_client"], 200>>(
    fetch(`${baseUrl}/oneapi/v0/clients/${path}`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    }),
  );
  return response.data;
}

/** A create_client body: `cgu` must be `true`, and `gender` is optional. */
export const exampleClient: Schemas["CreateClientRequest"] = {
  email: "client+1@clients.jobbers.com",
  first_name: "prenom",
  last_name: "nom",
  phone_prefix: "+33",
  phone: "612345678",
  address: "1 rue de la Paix",
  zip_code: "75002",
  city: "Paris",
  country: "FR",
  cgu: true,
  optin: false,
  gender: "FEMALE",
};

/** Describes a client; `gender` and `last_login_date` may be null. */
export function describe(client: Client): string {
  const gender: Schemas["Gender"] | null = client.gender;
  const lastLogin: string = client.last_login_date ?? "never";
  return `${client.client_id} ${client.email} (${gender ?? "no gender"}), last login ${lastLogin}`;
}
