import type { FieldError } from "react-hook-form";

/** A field's error in a sentence, under the field (its id is the input's aria-describedby). */
export function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  return (
    <p id={id} role={error ? "alert" : undefined} className="text-xs text-red-300">
      {error?.message ?? ""}
    </p>
  );
}
