import { useMutation } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import type { SetupIn, TokenOut } from "../types";

export const createFirstAccount = (input: SetupIn) =>
  api.post<TokenOut>("/api/auth/setup", input, { auth: "none" });

/** First run only: the server answers 409 `setup_done` once a user exists. */
export const useCreateFirstAccount = () =>
  useMutation<TokenOut, ApiError, SetupIn>({
    mutationFn: createFirstAccount,
    onSuccess: (token) => useAuthStore.getState().setSession(token),
    gcTime: 0,
  });
