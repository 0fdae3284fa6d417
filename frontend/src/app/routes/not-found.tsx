import { isRouteErrorResponse, Link, useRouteError } from "react-router-dom";

import { Button } from "@/components/ui/button";
import { isNotFound } from "@/lib/not-found";

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

/**
 * Inside the app's frame: the "not found" page when a page's subject does not exist (one page,
 * whichever of its queries heard the 404 first), else the crash message.
 */
export function PageError() {
  const error = useRouteError();
  if (isNotFound(error) || (isRouteErrorResponse(error) && error.status === 404)) return <NotFoundRoute />;
  return <Message title="This page crashed" detail={error instanceof Error ? error.message : "Something went wrong."} />;
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
