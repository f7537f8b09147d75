import { describe, expect, it } from "vitest";
import { ApiError, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps the code and message of a structured error from Rust", () => {
    const err = toApiError({ code: "keyring_unavailable", message: "no keyring" });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("keyring_unavailable");
    expect(err.message).toBe("no keyring");
  });

  it("keeps per-field validation errors", () => {
    const err = toApiError({
      code: "invalid_input",
      message: "token URL must use https",
      fields: [{ field: "token_url", message: "token URL must use https" }],
    });
    expect(err.fields).toEqual([{ field: "token_url", message: "token URL must use https" }]);
  });

  it("wraps a plain string rejection as an internal error", () => {
    const err = toApiError("command app_info not found");
    expect(err.code).toBe("internal");
    expect(err.message).toBe("command app_info not found");
  });
});
