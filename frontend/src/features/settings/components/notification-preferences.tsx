import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { usePreferences, useSetPreference } from "../api/preferences";
import type { NotificationChannel, NotificationKind, Preference } from "../types";
import { Checkbox } from "./checkbox";

// Records over the generated enums: a new kind or channel on the server fails the type check here.
const KINDS: Record<NotificationKind, string> = {
  approval_needed: "Approval needed",
  needs_attention: "A run needs attention",
  budget_alert: "Budget at 80% or 100%",
  merged: "Merged",
  failed: "Failed",
  cancelled: "Cancelled",
  emergency_pause: "Emergency pause on or off",
  github_problem: "GitHub delivery or token problems",
  stalled: "A run made no progress",
};

const CHANNELS: Record<NotificationChannel, string> = {
  in_app: "In the app",
  telegram: "Telegram",
};

const KIND_ORDER = Object.keys(KINDS) as NotificationKind[];
const CHANNEL_ORDER = Object.keys(CHANNELS) as NotificationChannel[];

/** Which kinds reach you on which channel: a matrix of checkboxes, each saved when changed. */
export function NotificationPreferences() {
  const preferences = usePreferences();
  const setPreference = useSetPreference();

  if (preferences.isPending) return <p className="text-sm text-muted-foreground">Loading…</p>;
  if (preferences.isError) return <FormError message={errorMessage(preferences.error)} />;

  const enabled = new Map(preferences.data.map((p) => [`${p.kind}/${p.channel}`, p.enabled]));
  const toggle = (change: Preference) => setPreference.mutate(change);

  return (
    <div className="grid gap-2">
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <caption className="sr-only">Notification kinds by channel</caption>
          <thead>
            <tr className="border-b text-left text-muted-foreground">
              <th scope="col" className="py-2 pr-4 font-medium">
                Kind
              </th>
              {CHANNEL_ORDER.map((channel) => (
                <th key={channel} scope="col" className="px-3 py-2 text-center font-medium">
                  {CHANNELS[channel]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {KIND_ORDER.map((kind) => (
              <tr key={kind} className="border-b last:border-0">
                <th scope="row" className="py-2 pr-4 text-left font-normal">
                  {KINDS[kind]}
                </th>
                {CHANNEL_ORDER.map((channel) => {
                  const on = enabled.get(`${kind}/${channel}`) ?? true;
                  return (
                    <td key={channel} className="px-3 py-2 text-center">
                      <Checkbox
                        label={`${KINDS[kind]}: ${CHANNELS[channel]}`}
                        checked={on}
                        onChange={(checked) => toggle({ kind, channel, enabled: checked })}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-muted-foreground">
        Telegram messages reach you once your chat is linked above. Each box is saved as you change it.
      </p>
      <FormError message={errorMessage(setPreference.error)} />
    </div>
  );
}
