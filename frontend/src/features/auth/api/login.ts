import { useMutation } from "@tanstack/react-query";

import { type ApiError, publicApi, unwrap } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import type { LoginIn, TokenOut } from "../types";

export const login = (input: LoginIn) => unwrap(publicApi.POST("/api/auth/login", { body: input }));

/** 401 `totp_required` asks for the second factor; `invalid_credentials` / `invalid_totp` are wrong input. */
export const useLogin = () =>
  useMutation<TokenOut, ApiError, LoginIn>({
    mutationFn: login,
    onSuccess: (token) => useAuthStore.getState().setSession(token),
    gcTime: 0,
  });
