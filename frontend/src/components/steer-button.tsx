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

/**
 * The props a SteerButton for `action` takes from its steering mutation: the click, every
 * button disabled while any request is in flight, the spinner on the one that was clicked.
 */
export function steering<A>(steer: { isPending: boolean; variables?: A }, run: (action: A) => void) {
  return (action: A) => ({
    onClick: () => run(action),
    disabled: steer.isPending,
    busy: steer.isPending && steer.variables === action,
  });
}
