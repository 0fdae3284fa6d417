import { isRouteErrorResponse, Link, useRouteError } from "react-router-dom";

import { Button } from "@/components/ui/button";

function Message({ title, detail }: { title: string; detail: string }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 py-16 text-center">
      <h1 className="text-2xl font-bold">{title}</h1>
      <p className="text-sm text-muted-foreground">{detail}</p>
      <Button asChild variant="secondary">
        <Link to="/">Back to the dashboard</Link>
      </Button>
    </div>
  );
}

export function NotFoundRoute() {
  return <Message title="Not found" detail="There is nothing at this address." />;
}

/** Shown when a route throws while rendering. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "Something went wrong.";
  return (
    <div className="min-h-screen bg-background p-6">
      <Message title="This page crashed" detail={detail} />
    </div>
  );
}
