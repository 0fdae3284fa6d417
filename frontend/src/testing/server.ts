import { setupServer } from "msw/node";

/** The fake MCC API of the unit tests: each test installs the handlers it needs (`server.use`). */
export const server = setupServer();

export const API = "http://mcc.test";
