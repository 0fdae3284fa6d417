export { budgetKeys } from "@/lib/query-keys";
