import { ApiError } from "@/lib/api-client";

/** A page's subject does not exist (thrown by a route whose id names nothing). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

/**
 * Whether an error means "nothing at this address": the API's 404 or a NotFoundError. A route
 * that sees it for its subject (project, issue, agent, conversation) shows the one "not found"
 * page instead of an error box in every panel that asked.
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError || (error instanceof ApiError && error.status === 404);
}
