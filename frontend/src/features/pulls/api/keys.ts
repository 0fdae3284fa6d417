export { pullKeys } from "@/lib/query-keys";
