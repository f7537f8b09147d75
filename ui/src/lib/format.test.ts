import { describe, expect, it } from "vitest";
import { byteSize, durationLabel, elapsedLabel, expiryLabel, receivedLabel, relativeTime, statusTone } from "./format";

describe("statusTone", () => {
  it("colours success, redirects and errors apart", () => {
    expect(statusTone(200)).toBe("ok");
    expect(statusTone(204)).toBe("ok");
    expect(statusTone(302)).toBe("redirect");
    expect(statusTone(404)).toBe("bad");
    expect(statusTone(500)).toBe("bad");
  });
  it("counts a request that got no answer as bad", () => {
    expect(statusTone(null)).toBe("bad");
  });
});

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

describe("what the in-flight bar says", () => {
  it("writes sizes in B, KB and MB", () => {
    expect(byteSize(0)).toBe("0 B");
    expect(byteSize(1023)).toBe("1023 B");
    expect(byteSize(3482)).toBe("3.4 KB");
    expect(byteSize(2.4 * 1024 * 1024)).toBe("2.4 MB");
    expect(byteSize(50 * 1024 * 1024)).toBe("50.0 MB");
  });
  it("says how much has arrived, and of how much when the server said", () => {
    expect(receivedLabel({ bytes: 2.4 * 1024 * 1024, expected: null, complete: false })).toBe("2.4 MB received");
    expect(receivedLabel({ bytes: 2.4 * 1024 * 1024, expected: 50 * 1024 * 1024, complete: false })).toBe(
      "2.4 MB of 50.0 MB received",
    );
  });
  it("ignores an announced length the body already passed", () => {
    expect(receivedLabel({ bytes: 4096, expected: 2048, complete: false })).toBe("4.0 KB received");
  });
  it("says the view is being prepared once the whole body is in", () => {
    expect(receivedLabel({ bytes: 50 * 1024 * 1024, expected: 50 * 1024 * 1024, complete: true })).toBe(
      "50.0 MB received, preparing the view",
    );
  });
  it("writes the elapsed time in tenths of a second", () => {
    expect(elapsedLabel(3140)).toBe("3.1 s");
    expect(elapsedLabel(0)).toBe("0.0 s");
    expect(elapsedLabel(-5)).toBe("0.0 s");
  });
});

describe("durationLabel", () => {
  it("keeps milliseconds under a second and tenths of seconds above", () => {
    expect(durationLabel(77)).toBe("77 ms");
    expect(durationLabel(999)).toBe("999 ms");
    expect(durationLabel(23881)).toBe("23.9 s");
  });
});
