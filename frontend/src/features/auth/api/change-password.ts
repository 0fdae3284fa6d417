import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError } from "@/lib/api-client";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PASSWORD_TOO_LONG, type PasswordChangeIn } from "../types";

export const changePassword = async (input: PasswordChangeIn) => {
  await api.POST("/api/auth/password", { body: input }); // 204: a refusal throws ApiError
};

/** The server's own rules (`check_strength`), checked here too so a person sees them as they type. */
export const passwordChangeSchema = z
  .object({
    current: z.string().min(1, { message: "Enter the password you have now." }).max(MAX_PASSWORD_LENGTH, {
      message: PASSWORD_TOO_LONG,
    }),
    next: z
      .string()
      // In characters, as the server counts (an emoji is one, not two UTF-16 units).
      .refine((next) => [...next].length >= MIN_PASSWORD_LENGTH, {
        message: `The new password must have at least ${MIN_PASSWORD_LENGTH} characters.`,
      })
      .refine((next) => [...next].length <= MAX_PASSWORD_LENGTH, {
        message: `The new password can have at most ${MAX_PASSWORD_LENGTH} characters.`,
      }),
    again: z.string(),
  })
  .refine((values) => values.again === values.next, {
    message: "The two new passwords differ.",
    path: ["again"],
  })
  .refine((values) => values.next !== values.current, {
    message: "The new password is the one you have; choose another.",
    path: ["next"],
  });

export type PasswordChangeValues = z.infer<typeof passwordChangeSchema>;

/** Change the password: this session stays, every other one of the account ends. */
export const useChangePassword = () =>
  useMutation<void, ApiError, PasswordChangeIn>({ mutationFn: changePassword, gcTime: 0 });
