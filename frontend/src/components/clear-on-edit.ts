import { useEffect, useRef } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";

/**
 * Calls `clear` when the person edits the form again (a keystroke, a choice), so a server
 * error or a success message about the last attempt never sits beside the next one.
 */
export function useClearOnEdit<Values extends FieldValues>(form: UseFormReturn<Values>, clear: () => void): void {
  // Held in a ref: callers pass inline functions, and resubscribing on each render would miss nothing but churn.
  const latestClear = useRef(clear);
  latestClear.current = clear;
  useEffect(() => {
    // Only the person's input: the form's own reset() after a success must keep that success shown.
    const subscription = form.watch((_values, { type }) => {
      if (type === "change") latestClear.current();
    });
    return () => subscription.unsubscribe();
  }, [form]);
}
