import { BudgetPage } from "../budget/budget-page";

/** `/budget` (loaded on demand: the charts library is the biggest part of it). */
export function BudgetRoute() {
  return <BudgetPage />;
}

export default BudgetRoute;
