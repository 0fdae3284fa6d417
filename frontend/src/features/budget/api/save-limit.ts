import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { Limit, LimitCreate, LimitUpdate } from "../types";
import { budgetKeys } from "./keys";

export const createLimit = (input: LimitCreate) => unwrap(api.POST("/api/budget/limits", { body: input }));
export const updateLimit = (id: number, input: LimitUpdate) =>
  unwrap(api.PATCH("/api/budget/limits/{limit_id}", { params: { path: { limit_id: id } }, body: input }));
export const deleteLimit = async (id: number) => {
  await api.DELETE("/api/budget/limits/{limit_id}", { params: { path: { limit_id: id } } });
};

/** What a form saves: a new limit for a level, a change of an existing one, or its removal. */
export type SaveLimit =
  | { kind: "create"; input: LimitCreate }
  | { kind: "update"; id: number; input: LimitUpdate }
  | { kind: "delete"; id: number };

const save = (change: SaveLimit): Promise<Limit | undefined> => {
  switch (change.kind) {
    case "create":
      return createLimit(change.input);
    case "update":
      return updateLimit(change.id, change.input);
    case "delete":
      return deleteLimit(change.id).then(() => undefined);
  }
};

/**
 * Create, change or remove a limit. A change moves the effective limits of the levels below
 * (shares of shares), so the whole list and today's levels are fetched again. 422 (e.g. the
 * shares of a level's children would pass 100%) and 409 carry the server's message.
 */
export const useSaveLimit = () => {
  const queryClient = useQueryClient();
  return useMutation<Limit | undefined, ApiError, SaveLimit>({
    mutationFn: save,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: budgetKeys.limits() });
      void queryClient.invalidateQueries({ queryKey: budgetKeys.summaries() });
    },
  });
};
