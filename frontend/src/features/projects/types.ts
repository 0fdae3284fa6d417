import type { components } from "@/lib/api-schema";

export type Project = components["schemas"]["ProjectOut"];
export type ProjectCreate = components["schemas"]["ProjectCreate"];
export type ProjectUpdate = components["schemas"]["ProjectUpdate"];
export type GithubProjectCreate = { name: string; github: components["schemas"]["GitHubRepoIn"] };
