import type { ReactNode } from "react";

import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";

interface AuthPageProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
}

/** The frame of the pages outside the app shell: first run and login. */
export function AuthPage({ title, description, children }: AuthPageProps) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-background p-4">
      <div className="grid w-full max-w-sm gap-6">
        <div className="flex items-center justify-center gap-2">
          <img src="/favicon.svg" alt="" className="h-9 w-9" />
          <div className="leading-tight">
            <div className="font-semibold">Mission Control</div>
            <div className="text-xs text-muted-foreground">issues → merged pull requests</div>
          </div>
        </div>
        <Card>
          <CardHeader>
            <h1 className="text-xl font-semibold leading-none tracking-tight">{title}</h1>
            {description && <CardDescription>{description}</CardDescription>}
          </CardHeader>
          <CardContent>{children}</CardContent>
        </Card>
      </div>
    </main>
  );
}
