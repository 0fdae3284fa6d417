import { z } from "zod";

/** A project's name as typed: what the server accepts (1 to 100 characters), said as a sentence. */
export const projectNameField = z
  .string()
  .trim()
  .min(1, "Give the project a name.")
  .max(100, "Keep the name under 100 characters.");

export const localProjectSchema = z.object({
  name: projectNameField,
  repoPath: z
    .string()
    .trim()
    .min(1, "Enter the repository's path on this machine, for example /home/me/code/my-app.")
    .refine((path) => path.startsWith("/"), "Enter the full path, starting with /."),
  init: z.boolean(),
});

// GitHub's own rules: owner up to 39 characters (letters, digits, hyphens), repository names
// of letters, digits, '.', '-' and '_'.
const GITHUB_REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const githubProjectSchema = z.object({
  name: projectNameField,
  repo: z
    .string()
    .trim()
    .min(1, "Enter the repository as owner/name, for example octo-org/my-app.")
    .refine((repo) => GITHUB_REPO.test(repo), "Write the repository as owner/name, for example octo-org/my-app."),
  token: z.string().trim().max(4096, "That token is too long to be a GitHub token."),
  triggerLabel: z
    .string()
    .trim()
    .max(50, "Keep the label under 50 characters.")
    .refine((label) => !/\s{2,}/.test(label), "Use a label as GitHub shows it, without repeated spaces."),
});

export const renameSchema = z.object({ name: projectNameField });

export type LocalProjectValues = z.infer<typeof localProjectSchema>;
export type GithubProjectValues = z.infer<typeof githubProjectSchema>;
export type RenameValues = z.infer<typeof renameSchema>;

/** The body of POST /api/projects for a GitHub repository (empty token and label: the server's defaults). */
export function githubProjectBody(values: GithubProjectValues) {
  return {
    name: values.name.trim(),
    github: {
      repo: values.repo.trim(),
      ...(values.token.trim() ? { token: values.token.trim() } : {}),
      ...(values.triggerLabel.trim() ? { trigger_label: values.triggerLabel.trim() } : {}),
    },
  };
}

/** Deleting asks the person to type the project's name: exactly, spaces around it forgiven. */
export function deletionConfirmed(typed: string, name: string): boolean {
  return typed.trim() === name.trim();
}
