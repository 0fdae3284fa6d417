import { useMutation } from "@tanstack/react-query";

import { type ApiError, publicApi, unwrap } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import type { SetupIn, TokenOut } from "../types";

export const createFirstAccount = (input: SetupIn) => unwrap(publicApi.POST("/api/auth/setup", { body: input }));

/** First run only: the server answers 409 `setup_done` once a user exists. */
export const useCreateFirstAccount = () =>
  useMutation<TokenOut, ApiError, SetupIn>({
    mutationFn: createFirstAccount,
    onSuccess: (token) => useAuthStore.getState().setSession(token),
    gcTime: 0,
  });
