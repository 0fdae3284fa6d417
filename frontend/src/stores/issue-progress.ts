import { create } from "zustand";

/**
 * The last `percent` that `task_progress` reported per issue. The REST issue has no such
 * field, and side states (paused, budget_blocked, needs_attention) keep the percent of the
 * step they stopped at, which is how the pipeline stepper knows where that was.
 */
interface IssueProgressState {
  percentByIssue: Record<string, number>;
  setPercent: (projectId: number, number: number, percent: number) => void;
  reset: () => void;
}

export const issueProgressKey = (projectId: number, number: number) => `${projectId}/${number}`;

export const useIssueProgressStore = create<IssueProgressState>()((set) => ({
  percentByIssue: {},
  setPercent: (projectId, number, percent) =>
    set((state) => {
      const key = issueProgressKey(projectId, number);
      if (state.percentByIssue[key] === percent) return state;
      return { percentByIssue: { ...state.percentByIssue, [key]: percent } };
    }),
  reset: () => set({ percentByIssue: {} }),
}));
