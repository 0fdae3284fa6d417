import { queryOptions, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import { authKeys } from "./keys";

/** The current user; also refreshes the copy in the auth store (the header shows its email). */
export const getMe = async () => {
  const user = await unwrap(api.GET("/api/auth/me"));
  useAuthStore.getState().setUser(user);
  return user;
};

export const meQueryOptions = () => queryOptions({ queryKey: authKeys.me(), queryFn: getMe, staleTime: 0 });

export const useMe = () => useQuery(meQueryOptions());
