export { projectKeys } from "@/lib/query-keys";
