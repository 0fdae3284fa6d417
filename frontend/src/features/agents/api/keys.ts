export { agentKeys, runKeys } from "@/lib/query-keys";
