export { conversationKeys, messageKeys } from "@/lib/query-keys";
