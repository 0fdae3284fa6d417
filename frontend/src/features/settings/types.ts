import type { components } from "@/lib/api-schema";

type Schemas = components["schemas"];

/** `GET /api/settings`: the LLM, the sandbox and the GitHub App (never a secret's value). */
export type SettingsOverview = Schemas["SettingsOut"];
export type LlmSettings = Schemas["LLMSettingsOut"];
export type SandboxSettings = Schemas["SandboxSettingsOut"];
export type GitHubSettings = Schemas["GitHubSettingsOut"];
/** `PUT /api/settings/github`: fields left out stay; null clears one back to MCC_GITHUB_*. */
export type GitHubSettingsInput = Schemas["GitHubSettingsIn"];
/** `POST /api/settings/llm/test`: ok, or the provider's answer in a sentence. */
export type LlmTest = Schemas["LLMTestOut"];

/** `GET /api/notifications/telegram`: the bot, and the person's chat (linked, blocked, or none). */
export type TelegramState = Schemas["TelegramStateOut"];
export type LinkCode = Schemas["LinkCodeOut"];

/** Which notification kinds go to which channel. */
export type Preference = Schemas["PreferenceOut"];
export type NotificationKind = Schemas["Kind"];
export type NotificationChannel = Schemas["Channel"];

/** A project as `/api/projects` returns it, and what `PATCH /api/projects/{id}` accepts (fields left out stay). */
export type ProjectSettings = Schemas["ProjectOut"];
export type ProjectOptionsInput = Schemas["ProjectUpdate"];
