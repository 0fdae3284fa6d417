import { describe, expect, it } from "vitest";

import { shownStatus } from "./shown-status";

describe("an agent's shown status", () => {
  it("is paused while it works on a run the person paused", () => {
    expect(shownStatus({ status: "working", paused: true }, false)).toBe("paused");
  });

  it("is paused for every working agent while the emergency pause is on", () => {
    expect(shownStatus({ status: "working", paused: false }, true)).toBe("paused");
  });

  it("is the server's status otherwise", () => {
    expect(shownStatus({ status: "working", paused: false }, false)).toBe("working");
    expect(shownStatus({ status: "idle", paused: false }, true)).toBe("idle");
    expect(shownStatus({ status: "error", paused: false }, true)).toBe("error");
  });
});
