import { useMutation } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { LlmTest } from "../types";

/** One free call to the provider (its model list, with the agents' key). */
export const useTestLlm = () =>
  useMutation<LlmTest, ApiError, void>({ mutationFn: () => unwrap(api.POST("/api/settings/llm/test")) });
