import type { QueryClient, QueryKey, Updater } from "@tanstack/react-query";

/**
 * Change one cached query from a socket event. A fetch of that query already under way may
 * have been answered before the event happened, and its answer would undo the change when it
 * lands (e.g. the refetch after a resync, racing a run that ends): such a fetch is started
 * again, now after the event, so its answer includes it.
 */
export function updateFromEvent<T>(
  queryClient: QueryClient,
  queryKey: QueryKey,
  update: Updater<T | undefined, T | undefined>,
): void {
  const before = queryClient.getQueryData<T>(queryKey);
  const after = queryClient.setQueryData<T>(queryKey, update);
  if (after !== before && queryClient.isFetching({ queryKey, exact: true }) > 0) {
    void queryClient.refetchQueries({ queryKey, exact: true }); // cancels the stale fetch
  }
}
