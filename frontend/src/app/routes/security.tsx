import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TwoFactorSettings } from "@/features/auth/components/two-factor-settings";
import { useAuthStore } from "@/stores/auth";

export function SecurityRoute() {
  const email = useAuthStore((state) => state.user?.email);

  return (
    <div className="mx-auto grid max-w-3xl grid-cols-1 gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">Your account and how you sign in to Mission Control.</p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Account</CardTitle>
          <CardDescription>You are signed in as</CardDescription>
        </CardHeader>
        <CardContent>
          <p className="break-all font-mono text-sm">{email}</p>
        </CardContent>
      </Card>
      <TwoFactorSettings />
    </div>
  );
}
