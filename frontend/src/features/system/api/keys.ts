export const systemKeys = {
  state: () => ["system", "state"] as const,
};
