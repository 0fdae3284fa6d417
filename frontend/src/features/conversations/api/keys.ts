export const conversationKeys = {
  list: (projectId: number) => ["conversations", projectId] as const,
  details: () => ["conversation"] as const,
  detail: (conversationId: number) => ["conversation", conversationId] as const,
};

export const messageKeys = {
  all: () => ["messages"] as const,
  list: (conversationId: number) => ["messages", conversationId] as const,
};
