import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "@/lib/api-client";
import { settingsKeys } from "./keys";

export const getSettings = () => unwrap(api.GET("/api/settings"));

export const useSettings = () => useQuery({ queryKey: settingsKeys.overview(), queryFn: getSettings });
