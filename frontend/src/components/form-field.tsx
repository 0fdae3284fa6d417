import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";
import type { FieldError, UseFormRegisterReturn } from "react-hook-form";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  label: string;
  registration: UseFormRegisterReturn;
  error: FieldError | undefined;
  hint?: ReactNode;
}

/** A labelled input with its error, in a sentence, and its hint under it (both tied by aria-describedby). */
export function Field({ label, registration, error, hint, ...input }: FieldProps) {
  const id = useId();
  const describedBy = hint ? `${id}-error ${id}-hint` : `${id}-error`;
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
        {...registration}
      />
      <FieldMessage id={`${id}-error`} error={error} />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
    </div>
  );
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  label: string;
  registration: UseFormRegisterReturn;
  error: FieldError | undefined;
  children: ReactNode;
}

/** A labelled select (its options are the children) with its error under it, as Field for an input. */
export function SelectField({ label, registration, error, children, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <div className="grid content-start gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-error`}
        {...select}
        {...registration}
      >
        {children}
      </Select>
      <FieldMessage id={`${id}-error`} error={error} />
    </div>
  );
}

/** A field's error in a sentence, under the field (its id is the input's aria-describedby). */
export function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  return (
    <p id={id} role={error ? "alert" : undefined} className="text-xs text-red-300">
      {error?.message ?? ""}
    </p>
  );
}
