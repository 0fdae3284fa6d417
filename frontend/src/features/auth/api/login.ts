import { useMutation } from "@tanstack/react-query";

import { api, type ApiError } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import type { LoginIn, TokenOut } from "../types";

export const login = (input: LoginIn) => api.post<TokenOut>("/api/auth/login", input, { auth: "none" });

/** 401 `totp_required` asks for the second factor; `invalid_credentials` / `invalid_totp` are wrong input. */
export const useLogin = () =>
  useMutation<TokenOut, ApiError, LoginIn>({
    mutationFn: login,
    onSuccess: (token) => useAuthStore.getState().setSession(token),
    gcTime: 0,
  });
