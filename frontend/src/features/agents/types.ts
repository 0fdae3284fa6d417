import type { components } from "@/lib/api-schema";

export type Agent = components["schemas"]["AgentOut"];
export type AgentCreate = components["schemas"]["AgentCreate"];
export type AgentUpdate = components["schemas"]["AgentUpdate"];
export type AgentStatus = Agent["status"];
export type AgentRole = Agent["role"];
export type RunCreate = components["schemas"]["RunCreate"];
export type RunOut = components["schemas"]["RunOut"];

/** The server's bounds (AgentCreate / AgentUpdate); it answers 422 outside them. */
export const TEMPERATURE_RANGE = { min: 0, max: 2 } as const;
export const MAX_TOKENS_RANGE = { min: 16, max: 200_000 } as const;
export const MAX_RULES_LENGTH = 50_000;
export const MAX_TASK_LENGTH = 50_000;

export type RuleFiles = components["schemas"]["RuleFilesOut"];
export type RuleFile = components["schemas"]["RuleFileOut"];
export type RuleFileEdit = components["schemas"]["RuleFileEdit"];
export type RuleFileSaved = components["schemas"]["RuleFileSaved"];
/** The rule files the API reaches (`.mcc/<name>`), nothing else. */
export type RuleFileName = RuleFile["name"];
/** The answer of "create rules files": the templates proposed on a branch for review. */
export type RulesFilesProposed = components["schemas"]["RulesFilesOut"];
