import type { ReactNode } from "react";
import type { UseQueryResult } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";

import { FormError } from "@/components/form-error";
import { cn } from "@/lib/cn";

interface QueryStateProps<T> {
  query: UseQueryResult<T, Error>;
  loading: string;
  children: (data: T) => ReactNode;
  /** Classes for the loading and error states (e.g. padding inside a bare Card). */
  className?: string;
}

/** Loading and error states of a query, then its data. */
export function QueryState<T>({ query, loading, children, className }: QueryStateProps<T>) {
  if (query.isPending) {
    return (
      <p className={cn("flex items-center gap-2 py-6 text-sm text-muted-foreground", className)} aria-busy="true">
        <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
        {loading}
      </p>
    );
  }
  if (query.isError) {
    return (
      <div className={className}>
        <FormError message={query.error.message} />
      </div>
    );
  }
  return <>{children(query.data)}</>;
}
