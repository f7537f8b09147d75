import { describe, expect, it } from "vitest";
import type { ServiceInput } from "../api";
import { describeDiscovery, inputFromValues, pkceWarning, scopeList, toggleScope, valuesFromInput } from "./serviceForm";

const input: ServiceInput = {
  slug: "podio",
  name: "Podio",
  preset: "podio",
  auth_kind: "authorization_code",
  client_id: "abc",
  clear_client_secret: false,
  authorize_url: "https://podio.com/oauth/authorize",
  token_url: "https://api.podio.com/oauth/token/v2",
  revocation_url: null,
  device_url: null,
  scopes: "",
  scope_separator: " ",
  authorize_params: [],
  token_params: [{ name: "x", value: "1" }],
  client_auth: "post",
  pkce: "off",
  redirect_uri: "http://127.0.0.1:8765/callback",
  api_base_url: "https://api.podio.com",
  token_placement: { kind: "header", name: "Authorization", prefix: "OAuth2" },
  token_origins: ["https://files.podio.com"],
  issuer: "https://podio.com",
  authorization_response_iss: true,
};

describe("service form values", () => {
  it("round-trips a service input without inventing a secret", () => {
    const back = inputFromValues(valuesFromInput(input));
    expect(back).toEqual(input);
    expect("client_secret" in back).toBe(false);
  });

  it("sends a typed secret, trims URLs and maps empty fields to null", () => {
    const values = valuesFromInput(input);
    values.client_secret = "s3cret";
    values.token_url = "  https://x.example/token ";
    values.api_base_url = "";
    const out = inputFromValues(values);
    expect(out.client_secret).toBe("s3cret");
    expect(out.token_url).toBe("https://x.example/token");
    expect(out.api_base_url).toBeNull();
  });

  it("sends a typed API key only for API-key services", () => {
    const values = valuesFromInput({ ...input, auth_kind: "api_key" });
    expect(values.api_key).toBe("");
    expect("api_key" in inputFromValues(values)).toBe(false);
    values.api_key = "k-123";
    expect(inputFromValues(values).api_key).toBe("k-123");
    values.auth_kind = "authorization_code";
    expect("api_key" in inputFromValues(values)).toBe(false);
  });

  it("splits token origins on spaces, commas and line breaks", () => {
    const values = valuesFromInput(input);
    values.token_origins = " https://a.example.com,https://b.example.com\n\nhttp://127.0.0.1:9412 ";
    expect(inputFromValues(values).token_origins).toEqual([
      "https://a.example.com",
      "https://b.example.com",
      "http://127.0.0.1:9412",
    ]);
  });

  it("drops empty parameter rows and switches the token to a query parameter", () => {
    const values = valuesFromInput(input);
    values.token_params.push({ name: "", value: "" });
    values.placement = "query";
    values.token_query = "oauth_token";
    const out = inputFromValues(values);
    expect(out.token_params).toEqual([{ name: "x", value: "1" }]);
    expect(out.token_placement).toEqual({ kind: "query", name: "oauth_token" });
  });
});

describe("pkceWarning", () => {
  it("warns beside plain and off, never beside S256", () => {
    expect(pkceWarning("S256")).toBeUndefined();
    expect(pkceWarning("plain")).toMatch(/^Warning: plain PKCE/);
    expect(pkceWarning("off")).toMatch(/^Warning: without PKCE/);
  });
});

describe("toggleScope", () => {
  it("adds a scope the server supports, and removes it on a second click", () => {
    const added = toggleScope("openid", " ", "email");
    expect(added).toBe("openid email");
    expect(toggleScope(added, " ", "email")).toBe("openid");
  });
  it("keeps the service's separator", () => {
    expect(toggleScope("read,write", ",", "admin")).toBe("read,write,admin");
    expect(scopeList("read, write", ",")).toEqual(["read", "write"]);
  });
});

describe("describeDiscovery", () => {
  it("says which endpoints were found, where, and the scopes set", () => {
    const said = describeDiscovery({
      ...input,
      revocation_url: null,
      device_url: null,
      authorize_url: "https://id.example/auth",
      token_url: "https://id.example/token",
      issuer: "https://id.example",
      scopes: "openid",
    });
    expect(said).toBe("Filled the authorize and token endpoints from https://id.example; scopes openid. Check them below.");
  });
});
