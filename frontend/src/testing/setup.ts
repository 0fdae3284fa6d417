import { cleanup } from "@testing-library/react";
import { afterAll, afterEach, beforeAll } from "vitest";

import { server } from "./server";

// The app calls same-origin paths ("/api/…"); Node's fetch needs absolute URLs.
const origin = "http://mcc.test";

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  const intercepted = globalThis.fetch; // MSW's, installed by listen()
  globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    intercepted(typeof input === "string" ? new URL(input, origin) : input, init);
});
afterEach(() => {
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());
