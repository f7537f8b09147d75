import { describe, expect, it } from "vitest";
import { relativeTime } from "./format";

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
