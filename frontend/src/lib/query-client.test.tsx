import { QueryClient, useQuery } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { QueryState } from "@/components/query-state";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { api, unwrap } from "./api-client";
import { queryDefaults } from "./query-client";

function ProjectNames() {
  const projects = useQuery({ queryKey: ["projects"], queryFn: () => unwrap(api.GET("/api/projects")) });
  return (
    <QueryState query={projects} loading="Loading projects…">
      {(list) => <p>{list.map((project) => project.name).join(", ")}</p>}
    </QueryState>
  );
}

describe("the app's query defaults", () => {
  it("retry a rate-limited query after its Retry-After and end with the data", async () => {
    let asked = 0;
    server.use(
      http.get(`${API}/api/projects`, () => {
        asked += 1;
        if (asked === 1) {
          const body = { error: { code: "rate_limited", message: "too many requests; slow down" } };
          return HttpResponse.json(body, { status: 429, headers: { "Retry-After": "1" } });
        }
        return HttpResponse.json([{ id: 1, name: "Demo" }]);
      }),
    );

    renderSignedIn(<ProjectNames />, new QueryClient({ defaultOptions: queryDefaults }));

    expect(await screen.findByText(/trying again in 1 s/)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(await screen.findByText("Demo", {}, { timeout: 3000 })).toBeTruthy();
    expect(asked).toBe(2);
  });

  it("never repeat a mutation by themselves", () => {
    expect(new QueryClient({ defaultOptions: queryDefaults }).getDefaultOptions().mutations?.retry).toBe(false);
  });
});
