import { Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";

/** The ids of a field in a settings form: the input, its error and its hint (for aria-describedby). */
export const fieldIds = (formId: string, name: string) => ({
  id: `${formId}-${name}`,
  errorId: `${formId}-${name}-error`,
  hintId: `${formId}-${name}-hint`,
});

/** A settings form's submit button, and "Saved." next to it once the save is done. */
export function SaveRow({ label, pending, saved }: { label: string; pending: boolean; saved: boolean }) {
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button type="submit" aria-busy={pending}>
        {pending && <Loader2 className="animate-spin" aria-hidden="true" />}
        {label}
      </Button>
      <p role="status" className="text-xs text-emerald-300">
        {saved && !pending ? "Saved." : ""}
      </p>
    </div>
  );
}
