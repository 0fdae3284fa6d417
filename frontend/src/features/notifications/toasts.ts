import { create } from "zustand";

import type { AppNotification } from "./types";

/** Toasts shown at once; older ones drop off. */
const MAX_TOASTS = 3;

interface ToastState {
  toasts: AppNotification[];
  show: (notification: AppNotification) => void;
  dismiss: (id: number) => void;
  reset: () => void;
}

/** Urgent notifications that arrived while the page was open (client state). */
export const useNotificationToasts = create<ToastState>()((set) => ({
  toasts: [],
  show: (notification) =>
    set((state) => ({
      toasts: [...state.toasts.filter((t) => t.id !== notification.id), notification].slice(-MAX_TOASTS),
    })),
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
  reset: () => set({ toasts: [] }),
}));
