import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { AlertTriangle, Check, Copy, Download, Loader2, ShieldCheck, ShieldOff, Smartphone } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormError } from "@/components/form-error";
import { Field } from "@/components/form-field";
import { errorMessage } from "@/lib/api-client";
import { useAuthStore } from "@/stores/auth";
import { useMe } from "../api/get-me";
import { passwordError } from "../password-error";
import {
  totpConfirmBody,
  totpConfirmSchema,
  useConfirmTotp,
  useDisableTotp,
  useStartTotpSetup,
  type TotpConfirmValues,
} from "../api/two-factor";
import type { TotpSetup } from "../types";

type Step =
  | { kind: "idle" }
  | { kind: "enrolling"; setup: TotpSetup }
  | { kind: "codes"; codes: string[] }
  | { kind: "disabling" };

/** Moves the focus to a step's heading when the step appears, so screen readers start there. */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** Two-factor authentication: status, enrolment (QR, confirm, recovery codes) and turning it off. */
export function TwoFactorSettings() {
  const me = useMe();
  const storedUser = useAuthStore((state) => state.user);
  const user = me.data ?? storedUser;
  const enabled = user?.totp_enabled ?? false;
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const start = useStartTotpSetup();
  const toggle = useRef<HTMLButtonElement>(null);

  const backToIdle = () => {
    setStep({ kind: "idle" });
    requestAnimationFrame(() => toggle.current?.focus());
  };

  return (
    <Card>
      <CardHeader>
        <CardTitle>Two-factor authentication</CardTitle>
        <CardDescription>
          Asks for a code from an authenticator app (Aegis, Google Authenticator, 1Password…) after your password.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <p className="flex items-center gap-2 text-sm" data-totp-enabled={enabled}>
          {enabled ? (
            <ShieldCheck className="h-4 w-4 text-emerald-400" aria-hidden="true" />
          ) : (
            <ShieldOff className="h-4 w-4 text-muted-foreground" aria-hidden="true" />
          )}
          <span>
            Two-factor authentication is{" "}
            <Badge
              variant={enabled ? "default" : "secondary"}
              className={enabled ? "bg-emerald-600 hover:bg-emerald-600" : ""}
            >
              {enabled ? "on" : "off"}
            </Badge>
          </span>
        </p>

        {step.kind === "idle" && (
          <div className="grid gap-3">
            {enabled ? (
              <div>
                <Button ref={toggle} variant="outline" onClick={() => setStep({ kind: "disabling" })}>
                  Disable two-factor authentication
                </Button>
              </div>
            ) : (
              <div>
                <Button
                  ref={toggle}
                  onClick={() =>
                    start.mutate(undefined, { onSuccess: (setup) => setStep({ kind: "enrolling", setup }) })
                  }
                  disabled={start.isPending || user === null}
                  aria-busy={start.isPending}
                >
                  {start.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
                  Enable two-factor authentication
                </Button>
              </div>
            )}
            <FormError message={errorMessage(start.error)} />
          </div>
        )}

        {step.kind === "enrolling" && (
          <EnrolStep
            setup={step.setup}
            onConfirmed={(codes) => setStep({ kind: "codes", codes })}
            onCancel={() => {
              start.reset();
              backToIdle();
            }}
          />
        )}

        {step.kind === "codes" && (
          <RecoveryCodesStep
            codes={step.codes}
            onDone={() => {
              start.reset();
              backToIdle();
            }}
          />
        )}

        {step.kind === "disabling" && <DisableStep onDone={backToIdle} />}
      </CardContent>
    </Card>
  );
}

function EnrolStep({
  setup,
  onConfirmed,
  onCancel,
}: {
  setup: TotpSetup;
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const confirm = useConfirmTotp();
  const form = useForm<TotpConfirmValues>({
    resolver: zodResolver(totpConfirmSchema),
    defaultValues: { password: "", code: "" },
  });
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const ids = useId();
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    confirm.mutate(totpConfirmBody(values), {
      onSuccess: ({ recovery_codes }) => onConfirmed(recovery_codes),
      onError: (error) => {
        if (error.code === "invalid_credentials") {
          form.setValue("password", "");
          form.setFocus("password");
        } else if (error.code === "invalid_totp") {
          form.setValue("code", "");
          form.setFocus("code");
        }
      },
    }),
  );

  return (
    <div className="grid gap-4 rounded-md border bg-background/40 p-4">
      <h3 ref={heading} tabIndex={-1} className="font-semibold outline-none">
        Set up your authenticator app
      </h3>
      <div className="grid items-start gap-4 sm:grid-cols-[auto_minmax(0,1fr)]">
        <img
          src={setup.qr_svg}
          alt="QR code for your authenticator app"
          width={176}
          height={176}
          className="h-44 w-44 rounded-md bg-white p-2"
        />
        <div className="grid min-w-0 gap-2 text-sm">
          <p>1. Scan the QR code with your authenticator app.</p>
          <p className="text-muted-foreground">Cannot scan it? Enter this key in the app instead:</p>
          <div className="flex min-w-0 items-center gap-2">
            <code
              id={`${ids}-secret`}
              className="min-w-0 select-all break-all rounded bg-secondary px-2 py-1 font-mono text-xs"
            >
              {setup.secret}
            </code>
            <CopyButton text={setup.secret} label="Copy key" />
          </div>
          <a href={setup.otpauth_uri} className="inline-flex items-center gap-1 text-primary hover:underline">
            <Smartphone className="h-4 w-4" aria-hidden="true" />
            Open in an authenticator app on this device
          </a>
          <p>2. Enter your password and the code the app shows to confirm.</p>
        </div>
      </div>
      <form className="grid gap-3" onSubmit={onSubmit} noValidate aria-label="Confirm two-factor authentication">
        <div className="sm:max-w-sm">
          <Field
            label="Your password"
            type="password"
            autoComplete="current-password"
            aria-required="true"
            registration={form.register("password")}
            error={errors.password}
          />
        </div>
        <div className="max-w-[12rem]">
          <Field
            label="Code from your app"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={32}
            className="font-mono"
            aria-required="true"
            registration={form.register("code")}
            error={errors.code}
          />
        </div>
        <FormError message={passwordError(confirm.error)} />
        <div className="flex gap-2">
          <Button type="submit" disabled={confirm.isPending} aria-busy={confirm.isPending}>
            {confirm.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
            Confirm
          </Button>
          <Button type="button" variant="ghost" onClick={onCancel} disabled={confirm.isPending}>
            Cancel
          </Button>
        </div>
      </form>
    </div>
  );
}

function RecoveryCodesStep({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const ids = useId();

  const download = () => {
    const text = `Mission Control Center recovery codes (each works once)\n\n${codes.join("\n")}\n`;
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "mcc-recovery-codes.txt";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000); // Firefox reads it after click() returns
  };

  return (
    <div className="grid gap-4 rounded-md border bg-background/40 p-4">
      <h3 ref={heading} tabIndex={-1} className="font-semibold outline-none">
        Two-factor authentication is on. Save your recovery codes.
      </h3>
      <div
        id={`${ids}-warning`}
        className="flex items-start gap-2 rounded-md border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm text-amber-200"
      >
        <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
        <p>
          <strong>These codes are shown only this once.</strong> Store them somewhere safe, such as a password manager.
          If you lose your authenticator app, each code logs you in one time instead of a code from the app.
        </p>
      </div>
      <ul
        role="list"
        aria-label="Recovery codes"
        aria-describedby={`${ids}-warning`}
        className="grid grid-cols-2 gap-2 font-mono text-sm sm:max-w-md"
      >
        {codes.map((code) => (
          <li key={code} className="rounded bg-secondary px-2 py-1 text-center">
            {code}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <CopyButton text={codes.join("\n")} label="Copy codes" variant="secondary" />
        <Button type="button" variant="secondary" onClick={download}>
          <Download aria-hidden="true" />
          Download as text
        </Button>
        <Button type="button" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

function DisableStep({ onDone }: { onDone: () => void }) {
  const disable = useDisableTotp();
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [missing, setMissing] = useState<string | null>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const ids = useId();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!password || !code.trim()) {
      setMissing("Enter your password and a code from your app.");
      return;
    }
    setMissing(null);
    disable.mutate({ password, code: code.trim() }, { onSuccess: onDone, onError: () => setCode("") });
  };

  return (
    <form className="grid gap-4 rounded-md border bg-background/40 p-4" onSubmit={onSubmit} noValidate>
      <h3 ref={heading} tabIndex={-1} className="font-semibold outline-none">
        Turn off two-factor authentication
      </h3>
      <p className="text-sm text-muted-foreground">
        Confirm with your password and a code from your app (or a recovery code). Your recovery codes stop working.
      </p>
      <div className="grid gap-2">
        <Label htmlFor={`${ids}-password`}>Password</Label>
        <Input
          id={`${ids}-password`}
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          className="sm:max-w-sm"
          aria-required="true"
        />
      </div>
      <div className="grid gap-2">
        <Label htmlFor={`${ids}-code`}>Code from your app</Label>
        <Input
          id={`${ids}-code`}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={32}
          className="max-w-[12rem] font-mono"
          aria-required="true"
        />
      </div>
      <FormError message={missing ?? passwordError(disable.error)} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="destructive" disabled={disable.isPending} aria-busy={disable.isPending}>
          {disable.isPending && <Loader2 className="animate-spin" aria-hidden="true" />}
          Disable two-factor authentication
        </Button>
        <Button type="button" variant="ghost" onClick={onDone} disabled={disable.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function CopyButton({
  text,
  label,
  variant = "ghost",
}: {
  text: string;
  label: string;
  variant?: "ghost" | "secondary";
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);

  // navigator.clipboard exists on secure origins only (https, localhost).
  if (typeof navigator === "undefined" || !navigator.clipboard) return null;
  return (
    <Button
      type="button"
      variant={variant}
      size={variant === "ghost" ? "sm" : "default"}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => undefined,
        )
      }
    >
      {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
      {label}
      <span className="sr-only" aria-live="polite">
        {copied ? "Copied" : ""}
      </span>
    </Button>
  );
}
