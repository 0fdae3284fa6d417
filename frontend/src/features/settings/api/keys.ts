export const settingsKeys = {
  overview: () => ["settings", "overview"] as const,
  telegram: () => ["settings", "telegram"] as const,
  preferences: () => ["settings", "notification-preferences"] as const,
};
