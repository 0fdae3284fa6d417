import { useEffect, useId, useRef, useState, type ComponentProps } from "react";

import { Button } from "@/components/ui/button";
import { SteerButton } from "@/components/steer-button";

/**
 * A destructive SteerButton that asks first: the click shows the question with "confirm" and
 * "keep" buttons in place (focus on "keep", so Enter does not destroy); only "confirm" acts.
 */
export function ConfirmButton({
  question,
  confirmLabel,
  keepLabel,
  onClick,
  ...button
}: ComponentProps<typeof SteerButton> & { question: string; confirmLabel: string; keepLabel: string }) {
  const [asking, setAsking] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  const questionId = useId();

  useEffect(() => {
    if (asking) keep.current?.focus();
  }, [asking]);

  if (!asking) return <SteerButton {...button} onClick={() => setAsking(true)} />;
  return (
    <div
      role="group"
      aria-labelledby={questionId}
      className="flex flex-wrap items-center gap-2 rounded-md border border-red-500/40 bg-red-500/10 px-3 py-2"
      onKeyDown={(event) => {
        if (event.key === "Escape") setAsking(false);
      }}
    >
      <p id={questionId} className="text-sm">
        {question}
      </p>
      <Button
        size="sm"
        variant="destructive"
        onClick={() => {
          setAsking(false);
          onClick();
        }}
      >
        {confirmLabel}
      </Button>
      <Button ref={keep} size="sm" variant="secondary" onClick={() => setAsking(false)}>
        {keepLabel}
      </Button>
    </div>
  );
}
