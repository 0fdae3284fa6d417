import { Badge } from "@/components/ui/badge";
import type { SandboxSettings } from "../types";

const STATE: Record<SandboxSettings["state"], { label: string; className: string }> = {
  ready: { label: "ready", className: "bg-emerald-600 hover:bg-emerald-600" },
  off: { label: "off", className: "bg-amber-600 hover:bg-amber-600" },
  missing: { label: "missing", className: "bg-red-600 hover:bg-red-600" },
  broken: { label: "not working", className: "bg-red-600 hover:bg-red-600" },
  unknown: { label: "unknown", className: "bg-secondary text-secondary-foreground hover:bg-secondary" },
};

/** Whether agents' commands can run confined (bubblewrap), why not, and what to install. */
export function SandboxSection({ sandbox }: { sandbox: SandboxSettings }) {
  const state = STATE[sandbox.state];
  return (
    <div className="grid gap-2 text-sm">
      <p className="flex flex-wrap items-center gap-2">
        The sandbox is <Badge className={state.className}>{state.label}</Badge>
      </p>
      <p className="break-words text-muted-foreground">{sandbox.detail}</p>
      {sandbox.install_hint && (
        <p
          role={sandbox.state === "ready" ? undefined : "alert"}
          className="rounded-md border border-amber-500/30 bg-amber-500/10 px-3 py-2 text-amber-200"
        >
          {sandbox.install_hint}
        </p>
      )}
    </div>
  );
}
