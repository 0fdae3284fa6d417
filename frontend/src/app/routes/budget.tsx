import { BudgetPage } from "@/features/budget/components/budget-page";

/** `/budget` (loaded on demand: the charts library is the biggest part of it). */
export function BudgetRoute() {
  return <BudgetPage />;
}

export default BudgetRoute;
