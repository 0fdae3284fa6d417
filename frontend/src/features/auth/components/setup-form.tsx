import { useId, useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { errorMessage, type ApiError } from "@/lib/api-client";
import { useCreateFirstAccount } from "../api/setup";
import { MIN_PASSWORD_LENGTH } from "../types";

interface SetupFormProps {
  /** 409 `setup_done`: somebody else created the first account meanwhile. */
  onSetupDone: (error: ApiError) => void;
}

/** The first account. A success updates the auth store, and the setup route moves on. */
export function SetupForm({ onSetupDone }: SetupFormProps) {
  const setup = useCreateFirstAccount();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  const ids = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setMissing("Enter an email and a password.");
      return;
    }
    // Code points, as the server counts them (an emoji is one character, not two).
    if ([...password].length < MIN_PASSWORD_LENGTH) {
      setMissing(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
      return;
    }
    setMissing(null);
    setup.mutate(
      { email: email.trim(), password },
      { onError: (error) => error.code === "setup_done" && onSetupDone(error) },
    );
  };

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label="Create the first account">
      <div className="grid gap-2">
        <Label htmlFor={`${ids}-email`}>Email</Label>
        <Input
          id={`${ids}-email`}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          aria-required="true"
          autoFocus
        />
      </div>
      <div className="grid gap-2">
        <Label htmlFor={`${ids}-password`}>Password</Label>
        <Input
          id={`${ids}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          aria-required="true"
          aria-describedby={`${ids}-password-hint`}
        />
        <p id={`${ids}-password-hint`} className="text-xs text-muted-foreground">
          At least {MIN_PASSWORD_LENGTH} characters. A passphrase of a few words works well.
        </p>
      </div>
      <FormError message={missing ?? errorMessage(setup.error)} />
      <Button type="submit" disabled={setup.isPending} aria-busy={setup.isPending}>
        {setup.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
        Create account
      </Button>
    </form>
  );
}
