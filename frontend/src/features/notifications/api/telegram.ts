import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, type ApiError, unwrap } from "@/lib/api-client";
import type { LinkCode, TelegramState } from "../types";
import { telegramKeys } from "./keys";

export const getTelegramState = () => unwrap(api.GET("/api/notifications/telegram"));

/** Polled while a code is shown, so the link appears as soon as the bot has read `/start`. */
export const useTelegramState = (waitingForLink: boolean) =>
  useQuery({
    queryKey: telegramKeys.state(),
    queryFn: getTelegramState,
    refetchInterval: waitingForLink ? 3_000 : false,
  });

export const useLinkCode = () =>
  useMutation<LinkCode, ApiError, void>({
    mutationFn: () => unwrap(api.POST("/api/notifications/telegram/link-code")),
  });

export const useSetBotToken = () => {
  const queryClient = useQueryClient();
  return useMutation<TelegramState, ApiError, string>({
    mutationFn: (token) => unwrap(api.POST("/api/notifications/telegram/token", { body: { token } })),
    onSuccess: (state) => queryClient.setQueryData(telegramKeys.state(), state),
  });
};
