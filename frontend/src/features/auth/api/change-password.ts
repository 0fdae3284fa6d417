import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError } from "@/lib/api-client";
import type { PasswordChangeIn } from "../types";

/** The server's own rule (`check_strength`): checked here too, so a person sees it as they type. */
const MIN_LENGTH = 10;
const MAX_LENGTH = 1024;

export const changePassword = async (input: PasswordChangeIn) => {
  await api.POST("/api/auth/password", { body: input }); // 204: a refusal throws ApiError
};

export const passwordChangeSchema = z
  .object({
    current: z
      .string()
      .min(1, { message: "Enter the password you have now." })
      .max(MAX_LENGTH, {
        message: `That is longer than any password MCC accepts (${MAX_LENGTH} characters).`,
      }),
    next: z
      .string()
      .min(MIN_LENGTH, { message: `The new password must have at least ${MIN_LENGTH} characters.` })
      .max(MAX_LENGTH, { message: `The new password can have at most ${MAX_LENGTH} characters.` }),
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
