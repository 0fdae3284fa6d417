import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Check, Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/form-error";
import { Field } from "@/components/form-field";
import { passwordChangeSchema, useChangePassword, type PasswordChangeValues } from "../api/change-password";
import { passwordError } from "../password-error";
import { MIN_PASSWORD_LENGTH } from "../types";

/** Change the password (the current one first). Other sessions of the account end; this one stays. */
export function PasswordSettings() {
  const change = useChangePassword();
  const [done, setDone] = useState(false);
  const form = useForm<PasswordChangeValues>({
    resolver: zodResolver(passwordChangeSchema),
    defaultValues: { current: "", next: "", again: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(({ current, next }) => {
    setDone(false);
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          form.reset();
          setDone(true);
        },
        onError: () => form.resetField("current"),
      },
    );
  });

  return (
    <form className="grid max-w-sm gap-4" onSubmit={onSubmit} noValidate aria-label="Change password">
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        aria-required="true"
        registration={form.register("current")}
        error={errors.current}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        aria-required="true"
        registration={form.register("next")}
        error={errors.next}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <Field
        label="New password again"
        type="password"
        autoComplete="new-password"
        aria-required="true"
        registration={form.register("again")}
        error={errors.again}
      />
      <FormError message={passwordError(change.error)} />
      {done && (
        <p role="status" className="flex items-center gap-2 text-sm text-emerald-600 dark:text-emerald-400">
          <Check className="size-4" aria-hidden="true" />
          Password changed. Every other session of your account has been logged out.
        </p>
      )}
      <div>
        <Button type="submit" disabled={change.isPending} aria-busy={change.isPending}>
          {change.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Change password
        </Button>
      </div>
    </form>
  );
}
