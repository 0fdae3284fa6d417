import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { ruleKeys } from "@/lib/query-keys";
import type { RuleFileEdit, RuleFileName, RuleFileSaved, RuleFiles, RulesFilesProposed } from "../types";

export const getRuleFiles = (projectId: number) =>
  unwrap(api.GET("/api/projects/{project_id}/rules", { params: { path: { project_id: projectId } } }));

export const useRuleFiles = (projectId: number) =>
  useQuery({ queryKey: ruleKeys.project(projectId), queryFn: () => getRuleFiles(projectId) });

export interface SaveRuleFile extends RuleFileEdit {
  name: RuleFileName;
}

export const saveRuleFile = (projectId: number, { name, ...edit }: SaveRuleFile) =>
  unwrap(
    api.PUT("/api/projects/{project_id}/rules/{name}", {
      params: { path: { project_id: projectId, name } },
      body: edit,
    }),
  );

/** Commit a rule file onto the default branch; a file changed since `base_sha` is a 409. */
export const useSaveRuleFile = (projectId: number) => {
  const queryClient = useQueryClient();
  return useMutation<RuleFileSaved, ApiError, SaveRuleFile>({
    mutationFn: (input) => saveRuleFile(projectId, input),
    onSuccess: (saved) =>
      queryClient.setQueryData<RuleFiles>(ruleKeys.project(projectId), (rules) =>
        rules
          ? {
              ...rules,
              commit: saved.commit,
              files: rules.files.map((file) => (file.name === saved.file.name ? saved.file : file)),
            }
          : rules,
      ),
  });
};

export const createRulesFiles = (projectId: number) =>
  unwrap(api.POST("/api/projects/{project_id}/rules-files", { params: { path: { project_id: projectId } } }));

/**
 * Propose the missing rule file templates on a branch for review. The default branch (what
 * the editor shows) is not changed, so no cache is touched.
 */
export const useCreateRulesFiles = (projectId: number) =>
  useMutation<RulesFilesProposed, ApiError, void>({ mutationFn: () => createRulesFiles(projectId) });
