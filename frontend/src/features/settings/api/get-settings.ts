import { useQuery } from "@tanstack/react-query";

import { api } from "@/lib/api-client";
import type { SettingsOverview } from "../types";
import { settingsKeys } from "./keys";

export const getSettings = () => api.get<SettingsOverview>("/api/settings");

export const useSettings = () => useQuery({ queryKey: settingsKeys.overview(), queryFn: getSettings });
