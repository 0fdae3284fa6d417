export const notificationKeys = {
  list: () => ["notifications", "list"] as const,
};

export const telegramKeys = {
  state: () => ["notifications", "telegram"] as const,
};
