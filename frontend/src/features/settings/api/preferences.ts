import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Preference } from "../types";
import { settingsKeys } from "./keys";

export const usePreferences = () =>
  useQuery({
    queryKey: settingsKeys.preferences(),
    queryFn: () => unwrap(api.GET("/api/notifications/preferences")),
  });

/** Turn one kind on or off for one channel; the box changes at once and goes back on failure. */
export const useSetPreference = () => {
  const queryClient = useQueryClient();
  const key = settingsKeys.preferences();
  return useMutation<Preference[], ApiError, Preference, { before: Preference[] | undefined }>({
    mutationFn: (change) => unwrap(api.PUT("/api/notifications/preferences", { body: [change] })),
    onMutate: async (change) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<Preference[]>(key);
      queryClient.setQueryData<Preference[]>(key, (list) =>
        list?.map((p) => (p.kind === change.kind && p.channel === change.channel ? change : p)),
      );
      return { before };
    },
    onError: (_error, _change, context) => queryClient.setQueryData(key, context?.before),
    onSuccess: (list) => queryClient.setQueryData(key, list),
  });
};
