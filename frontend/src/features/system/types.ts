import type { components } from "@/lib/api-schema";

export type SystemState = components["schemas"]["SystemStateOut"];
export type PauseIn = components["schemas"]["PauseIn"];
