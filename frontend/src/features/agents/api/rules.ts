import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import { ruleKeys } from "@/lib/query-keys";
import type { RuleFileEdit, RuleFileSaved, RuleFiles } from "../types";

export const getRuleFiles = (projectId: number) => api.get<RuleFiles>(`/api/projects/${projectId}/rules`);

export const useRuleFiles = (projectId: number) =>
  useQuery({ queryKey: ruleKeys.project(projectId), queryFn: () => getRuleFiles(projectId) });

export interface SaveRuleFile extends RuleFileEdit {
  name: string;
}

export const saveRuleFile = (projectId: number, { name, ...edit }: SaveRuleFile) =>
  api.put<RuleFileSaved>(`/api/projects/${projectId}/rules/${encodeURIComponent(name)}`, edit);

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
