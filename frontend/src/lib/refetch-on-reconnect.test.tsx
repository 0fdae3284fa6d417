import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { act, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { useConnectionStore } from "@/stores/connection";
import { useRefetchFailedOnReconnect } from "./refetch-on-reconnect";

function PauseState({ fetchState }: { fetchState: () => Promise<string> }) {
  useRefetchFailedOnReconnect();
  const state = useQuery({ queryKey: ["system", "state"], queryFn: fetchState, staleTime: Infinity });
  return <p>{state.isError ? state.error.message : (state.data ?? "…")}</p>;
}

describe("after the socket reconnects", () => {
  it("fetches again a query that failed while the server was down", async () => {
    useConnectionStore.getState().setStatus("connecting");
    let serverUp = false;
    const fetchState = () => (serverUp ? Promise.resolve("running") : Promise.reject(new Error("unreachable")));
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <PauseState fetchState={fetchState} />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("unreachable")).toBeTruthy();

    serverUp = true;
    act(() => useConnectionStore.getState().setStatus("connected"));

    expect(await screen.findByText("running")).toBeTruthy();
  });
});
