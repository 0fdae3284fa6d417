import type { components } from "@/lib/api-schema";

export type Project = components["schemas"]["ProjectOut"];
export type ProjectCreate = components["schemas"]["ProjectCreate"];
