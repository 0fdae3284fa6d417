import { ApiError } from "@/lib/api-client";

/** A page's subject does not exist (a route throws it when an id names nothing). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

/** Whether an error means "nothing at this address": the API's 404 or a route's NotFoundError. */
export function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ApiError && error.status === 404);
}

/**
 * `throwOnError` for the query of a page's subject (a project, an issue, a conversation): a 404
 * goes up to the route's error boundary, which shows the one "not found" page instead of an
 * error box in every panel that asked.
 */
export const throwOnNotFound = (error: Error): boolean => isNotFound(error);
