import { Loader2, type LucideIcon } from "lucide-react";

import { Button, type ButtonProps } from "@/components/ui/button";

/** A small run-steering button (pause, resume, retry, cancel) whose icon spins while its request is in flight. */
export function SteerButton({
  label,
  icon: Icon,
  busy,
  disabled,
  onClick,
  variant = "secondary",
}: {
  label: string;
  icon: LucideIcon;
  busy: boolean;
  disabled: boolean;
  onClick: () => void;
  variant?: ButtonProps["variant"];
}) {
  return (
    <Button variant={variant} size="sm" onClick={onClick} disabled={disabled} aria-busy={busy}>
      {busy ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Icon aria-hidden="true" />}
      {label}
    </Button>
  );
}
