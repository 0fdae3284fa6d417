import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { LinkCode, TelegramState } from "../types";
import { settingsKeys } from "./keys";

export const getTelegramState = () => unwrap(api.GET("/api/notifications/telegram"));

/** Polled while a code is shown, so the link appears as soon as the bot has read `/start`. */
export const useTelegramState = (waitingForLink: boolean) =>
  useQuery({
    queryKey: settingsKeys.telegram(),
    queryFn: getTelegramState,
    refetchInterval: waitingForLink ? 3_000 : false,
  });

export const useLinkCode = () =>
  useMutation<LinkCode, ApiError, void>({
    mutationFn: () => unwrap(api.POST("/api/notifications/telegram/link-code")),
  });

// BotFather's tokens look like 123456789:AA… (the bot's id, a colon, then 35 characters).
export const botTokenSchema = z.object({
  token: z
    .string()
    .trim()
    .min(1, { message: "Paste the token @BotFather gave you." })
    .max(200, { message: "A bot token is shorter than 200 characters." })
    .regex(/^\d+:[\w-]{20,}$/, { message: "That is not a bot token: it looks like 123456789:AAE… from @BotFather." }),
});

export type BotTokenValues = z.infer<typeof botTokenSchema>;

/** Set the bot token (null removes it): stored sealed, never sent back. */
export const useSetBotToken = () => {
  const queryClient = useQueryClient();
  return useMutation<TelegramState, ApiError, string | null>({
    mutationFn: (token) => unwrap(api.POST("/api/notifications/telegram/token", { body: { token } })),
    onSuccess: (state) => queryClient.setQueryData(settingsKeys.telegram(), state),
  });
};

export const useUnlinkTelegram = () => {
  const queryClient = useQueryClient();
  return useMutation<void, ApiError, void>({
    mutationFn: async () => {
      await api.DELETE("/api/notifications/telegram/link");
    },
    onSuccess: () =>
      queryClient.setQueryData<TelegramState>(settingsKeys.telegram(), (state) =>
        state ? { ...state, link: null } : state,
      ),
  });
};
