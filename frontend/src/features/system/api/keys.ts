export { systemKeys } from "@/lib/query-keys";
