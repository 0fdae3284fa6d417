import type { components } from "@/lib/api-schema";

export type PullRequest = components["schemas"]["PullRequestOut"];
export type Diff = components["schemas"]["DiffOut"];
