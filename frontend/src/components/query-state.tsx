import type { ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";

import { FormError } from "@/components/form-error";
import { errorMessage } from "@/lib/api-client";
import { cn } from "@/lib/cn";
import { isRateLimited } from "@/lib/query-client";

interface QueryStateProps<T> {
  query: UseQueryResult<T, Error>;
  loading: string;
  children: (data: T) => ReactNode;
  /** Classes for the loading and error states (e.g. padding inside a bare Card). */
  className?: string;
}

/**
 * Loading and error states of a query, then its data. A failed refetch keeps the data it had
 * (a short outage must not hide a page the person is reading): a small note says it is not fresh.
 */
export function QueryState<T>({ query, loading, children, className }: QueryStateProps<T>) {
  if (query.isPending) {
    // Still pending after a 429: the query retries by itself once the server allows it.
    const waiting = isRateLimited(query.failureReason)
      ? `The server asked to slow down; trying again in ${query.failureReason.retryAfter ?? 10} s…`
      : loading;
    return (
      <p className={cn("flex items-center gap-2 py-6 text-sm text-muted-foreground", className)} aria-busy="true">
        <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
        {waiting}
      </p>
    );
  }
  if (query.isError && query.data !== undefined) {
    return (
      <>
        <p role="status" className={cn(className, "py-1 text-xs text-muted-foreground")}>
          Could not refresh: {errorMessage(query.error)}
        </p>
        {children(query.data)}
      </>
    );
  }
  if (query.isError) {
    return (
      <div className={className}>
        <FormError message={errorMessage(query.error)} />
      </div>
    );
  }
  return <>{children(query.data)}</>;
}
