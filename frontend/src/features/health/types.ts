import type { components } from "@/lib/api-schema";

export type Health = components["schemas"]["HealthOut"];
