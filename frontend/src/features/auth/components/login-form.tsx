import { useId, useRef, useState, type FormEvent } from "react";
import { Loader2 } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { useLogin } from "../api/login";

/**
 * Email and password; after a 401 `totp_required` also the "Authentication code" (a TOTP
 * or a recovery code), keeping what was typed. A success updates the auth store, and the
 * login route moves on.
 */
export function LoginForm() {
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);
  const codeInput = useRef<HTMLInputElement>(null);
  const ids = useId();

  const focusCode = () => requestAnimationFrame(() => codeInput.current?.focus());

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!email.trim() || !password) {
      setMissing("Enter your email and password.");
      return;
    }
    if (needsCode && !code.trim()) {
      setMissing("Enter the code from your authenticator app.");
      focusCode();
      return;
    }
    setMissing(null);
    login.mutate(
      { email: email.trim(), password, ...(needsCode ? { totp: code.trim() } : {}) },
      {
        onError: (error) => {
          if (error.code === "totp_required") {
            setNeedsCode(true);
            focusCode();
          } else if (error.code === "invalid_totp") {
            setCode("");
            focusCode();
          }
        },
      },
    );
  };

  // "totp_required" is the next step, not a mistake: the field and its hint say it.
  const error = missing ?? (login.error?.code === "totp_required" ? null : errorMessage(login.error));

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate aria-label="Log in">
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
          autoComplete="current-password"
          aria-required="true"
        />
      </div>
      {needsCode && (
        <div className="grid gap-2">
          <Label htmlFor={`${ids}-code`}>Authentication code</Label>
          <Input
            ref={codeInput}
            id={`${ids}-code`}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="one-time-code"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={32}
            className="font-mono"
            aria-required="true"
            aria-describedby={`${ids}-code-hint`}
          />
          <p id={`${ids}-code-hint`} className="text-xs text-muted-foreground">
            The 6-digit code from your authenticator app, or one of your recovery codes.
          </p>
        </div>
      )}
      <FormError message={error} />
      <Button type="submit" disabled={login.isPending} aria-busy={login.isPending}>
        {login.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
        Log in
      </Button>
    </form>
  );
}
