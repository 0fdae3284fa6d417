export { issueKeys } from "@/lib/query-keys";
