import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import {
  MAX_PASSWORD_LENGTH,
  PASSWORD_TOO_LONG,
  type RecoveryCodes,
  type TotpConfirmIn,
  type TotpDisableIn,
  type TotpSetup,
  type User,
} from "../types";
import { authKeys } from "./keys";

export const startTotpSetup = () => unwrap(api.POST("/api/auth/totp/setup"));
export const confirmTotp = (input: TotpConfirmIn) => unwrap(api.POST("/api/auth/totp/confirm", { body: input }));
export const disableTotp = async (input: TotpDisableIn) => {
  await api.POST("/api/auth/totp/disable", { body: input });
};

function storeTotpEnabled(queryClient: QueryClient, enabled: boolean): void {
  const user = queryClient.getQueryData<User>(authKeys.me()) ?? useAuthStore.getState().user;
  if (!user) return;
  const next = { ...user, totp_enabled: enabled };
  queryClient.setQueryData(authKeys.me(), next);
  useAuthStore.getState().setUser(next);
}

// gcTime 0: the secret and the recovery codes stay in the component only, not in the mutation cache.

/** A new TOTP secret with its QR code; 2FA is not on until it is confirmed with a code. */
export const useStartTotpSetup = () =>
  useMutation<TotpSetup, ApiError, void>({ mutationFn: startTotpSetup, gcTime: 0 });

const digitsOf = (code: string) => code.replace(/\s/g, "");

// Checked here: a mistyped code sent to the server counts as a failed check, and five a
// minute lock the account's logins for that minute.
export const totpConfirmSchema = z.object({
  password: z
    .string()
    .min(1, { message: "Enter your password: turning two-factor authentication on needs it." })
    .max(MAX_PASSWORD_LENGTH, { message: PASSWORD_TOO_LONG }),
  code: z.string().superRefine((code, ctx) => {
    const digits = digitsOf(code);
    if (!/^\d{6}$/.test(digits)) {
      ctx.addIssue({
        code: "custom",
        message: digits ? "The code is the 6 digits your app shows." : "Enter the 6-digit code your app shows.",
      });
    }
  }),
});

export type TotpConfirmValues = z.infer<typeof totpConfirmSchema>;

/** What the server takes: the code without the spaces apps show in it. */
export const totpConfirmBody = ({ password, code }: TotpConfirmValues): TotpConfirmIn => ({
  password,
  code: digitsOf(code),
});

/** Turn 2FA on (the current password and a code); the answer holds the recovery codes, shown this once. */
export const useConfirmTotp = () => {
  const queryClient = useQueryClient();
  return useMutation<RecoveryCodes, ApiError, TotpConfirmIn>({
    mutationFn: confirmTotp,
    onSuccess: () => storeTotpEnabled(queryClient, true),
    gcTime: 0,
  });
};

/** Turn 2FA off: needs the password and a current code (or a recovery code). */
export const useDisableTotp = () => {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, TotpDisableIn>({
    mutationFn: disableTotp,
    onSuccess: () => storeTotpEnabled(queryClient, false),
    gcTime: 0,
  });
};
