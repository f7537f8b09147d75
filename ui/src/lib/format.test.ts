import { describe, expect, it } from "vitest";
import { expiryLabel, relativeTime } from "./format";

describe("relativeTime", () => {
  const now = 1_700_000_000_000;
  it("says how long until a future expiry", () => {
    expect(relativeTime(now + 5 * 60_000, now)).toBe("in 5 min");
    expect(relativeTime(now + 2 * 3_600_000, now)).toBe("in 2 h");
  });
  it("says how long ago a past instant was", () => {
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe("3 d ago");
    expect(relativeTime(now - 10_000, now)).toBe("10 s ago");
  });
});

describe("expiryLabel", () => {
  const now = 1_700_000_000_000;
  const user = (expires_at: number | null, refreshable: boolean | null, status: "authorized" | "new" = "authorized") => ({
    status,
    expires_at,
    refreshable,
  });
  it("counts down to the expiry", () => {
    expect(expiryLabel(user(now + 30_000, true), now)).toBe("expires in 30 s");
    expect(expiryLabel(user(now + 30_000, true), now + 1000)).toBe("expires in 29 s");
  });
  it("says an expired token is renewed on the next request when it can be", () => {
    expect(expiryLabel(user(now - 10_000, true), now)).toBe("expired, refreshes on next use");
  });
  it("says an expired token without a refresh token needs a new authorization", () => {
    expect(expiryLabel(user(now - 10_000, false), now)).toBe("expired, needs re-authorization (no refresh token)");
  });
  it("says only how long ago when it cannot tell", () => {
    expect(expiryLabel(user(now - 10_000, null), now)).toBe("expired 10 s ago");
  });
  it("says nothing of users without tokens", () => {
    expect(expiryLabel(user(null, null, "new"), now)).toBe("—");
  });
});
