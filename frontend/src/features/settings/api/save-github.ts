import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { GitHubSettings, GitHubSettingsInput, SettingsOverview } from "../types";
import { settingsKeys } from "./keys";

const PEM = /^-----BEGIN ([A-Z ]+ )?PRIVATE KEY-----[\s\S]+-----END ([A-Z ]+ )?PRIVATE KEY-----\s*$/;

/**
 * The GitHub form. Secrets start empty: an empty secret field means "keep the one that is
 * set" (they are never sent back to the browser), so only what the person typed is sent.
 */
export const githubSchema = z.object({
  appId: z
    .string()
    .trim()
    .refine((value) => value === "" || (/^\d+$/.test(value) && Number(value) > 0 && Number(value) < 2 ** 31), {
      message: "The App id is a whole number, as shown on the App's page on GitHub.",
    }),
  privateKey: z
    .string()
    .trim()
    .refine((value) => value === "" || PEM.test(value), {
      message: "Paste the whole .pem file GitHub gave you, from the BEGIN line to the END line.",
    }),
  webhookSecret: z
    .string()
    .trim()
    .refine((value) => value === "" || (value.length >= 8 && value.length <= 500), {
      message: "The webhook secret must be between 8 and 500 characters long.",
    }),
  apiUrl: z
    .string()
    .trim()
    .refine((value) => value === "" || /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(value), {
      message: "The API URL must be an http(s) address such as https://api.github.com.",
    }),
});

export type GitHubFormValues = z.infer<typeof githubSchema>;

/** The form's fields for what the server has: the App id and API URL in effect, secrets empty. */
export function githubValues(github: GitHubSettings): GitHubFormValues {
  return {
    appId: github.app_id === null ? "" : String(github.app_id),
    privateKey: "",
    webhookSecret: "",
    apiUrl: github.api_url,
  };
}

/** What to send for the form's values: only the fields that change something. */
export function githubChanges(values: GitHubFormValues, current: GitHubSettings): GitHubSettingsInput {
  const changes: GitHubSettingsInput = {};
  const appId = values.appId === "" ? null : Number(values.appId);
  if (appId !== current.app_id && !(appId === null && current.app_id_source !== "settings")) changes.app_id = appId;
  if (values.privateKey) changes.private_key = values.privateKey;
  if (values.webhookSecret) changes.webhook_secret = values.webhookSecret;
  const apiUrl = values.apiUrl.replace(/\/+$/, "");
  if (apiUrl !== current.api_url && !(apiUrl === "" && current.api_url_source !== "settings")) {
    changes.api_url = apiUrl === "" ? null : apiUrl;
  }
  return changes;
}

export const useSaveGitHub = () => {
  const queryClient = useQueryClient();
  return useMutation<GitHubSettings, ApiError, GitHubSettingsInput>({
    mutationFn: (input) => unwrap(api.PUT("/api/settings/github", { body: input })),
    onSuccess: (github) =>
      queryClient.setQueryData<SettingsOverview>(settingsKeys.overview(), (overview) =>
        overview ? { ...overview, github } : overview,
      ),
  });
};
