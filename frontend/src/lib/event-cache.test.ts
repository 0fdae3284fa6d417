import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";

import { updateFromEvent } from "./event-cache";

type Run = { id: number; status: string };

/** A list query whose fetches answer what the server had when each one started. */
function setUp() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const server: Run[] = [{ id: 1, status: "live" }];
  const answers: (() => void)[] = [];
  const queryFn = () => {
    const snapshot = server.map((run) => ({ ...run }));
    return new Promise<Run[]>((resolve) => answers.push(() => resolve(snapshot)));
  };
  return { queryClient, server, answers, queryFn };
}

const finish = (list: Run[] | undefined) => list?.map((run) => ({ ...run, status: "finished" }));

describe("updateFromEvent", () => {
  it("fetches again when an event lands during a fetch that started before it", async () => {
    const { queryClient, server, answers, queryFn } = setUp();
    queryClient.setQueryData<Run[]>(["runs"], [{ id: 1, status: "live" }]);
    void queryClient.fetchQuery({ queryKey: ["runs"], queryFn, staleTime: 0 }).catch(() => undefined); // e.g. after a resync
    server[0] = { id: 1, status: "finished" }; // the run ends; its event arrives
    updateFromEvent<Run[]>(queryClient, ["runs"], finish);
    expect(queryClient.getQueryData<Run[]>(["runs"])?.[0]?.status).toBe("finished");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(answers).toHaveLength(2); // asked again, after the event

    for (const answer of answers) answer(); // the first answer saw the run live
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(queryClient.getQueryData<Run[]>(["runs"])?.[0]?.status).toBe("finished");
  });

  it("asks nothing when no fetch is under way, or when the event changes nothing", () => {
    const { queryClient, answers, queryFn } = setUp();
    queryClient.setQueryData<Run[]>(["runs"], [{ id: 1, status: "live" }]);
    updateFromEvent<Run[]>(queryClient, ["runs"], finish);
    expect(answers).toHaveLength(0);

    void queryClient.fetchQuery({ queryKey: ["runs"], queryFn, staleTime: 0 });
    updateFromEvent<Run[]>(queryClient, ["runs"], (list) => list); // nothing new
    expect(answers).toHaveLength(1);
  });
});
