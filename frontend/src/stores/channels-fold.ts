import { create } from "zustand";
import { persist } from "zustand/middleware";

interface ChannelsFoldState {
  open: boolean;
  setOpen: (open: boolean) => void;
}

/**
 * Whether the folded channel list (below lg) is open. It is the person's choice of how a phone shows
 * a project, not a page's state, so the browser keeps it (localStorage) for every project page and
 * every reload instead of folding the list again on each navigation.
 */
export const useChannelsFoldStore = create<ChannelsFoldState>()(
  persist(
    (set) => ({
      open: false,
      setOpen: (open) => set({ open }),
    }),
    { name: "mcc.channels-fold", partialize: ({ open }) => ({ open }) },
  ),
);
