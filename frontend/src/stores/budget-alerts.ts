import { create } from "zustand";

import type { BudgetAlertEvent } from "@/lib/socket";

export interface BudgetAlert extends BudgetAlertEvent {
  /** Local id, for the list and for dismissing. */
  id: number;
  receivedAt: number;
}

/** Alerts shown at once; older ones drop off. */
const MAX_ALERTS = 4;

interface BudgetAlertState {
  alerts: BudgetAlert[];
  add: (event: BudgetAlertEvent) => void;
  dismiss: (id: number) => void;
  reset: () => void;
}

let nextId = 1;

/** `budget_alert` socket events waiting to be dismissed (client state: not in the query cache). */
export const useBudgetAlertStore = create<BudgetAlertState>()((set) => ({
  alerts: [],
  add: (event) =>
    set((state) => ({
      alerts: [...state.alerts, { ...event, id: nextId++, receivedAt: Date.now() }].slice(-MAX_ALERTS),
    })),
  dismiss: (id) => set((state) => ({ alerts: state.alerts.filter((alert) => alert.id !== id) })),
  reset: () => set({ alerts: [] }),
}));
