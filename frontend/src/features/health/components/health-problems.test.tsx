import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import { HealthProblems } from "./health-problems";

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <HealthProblems />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const healthy = {
  status: "ok",
  db: "ok",
  temporal: "ok",
  worker: "ok",
  redis: "not_used",
  sandbox: "ready",
  llm: "configured",
  problems: [],
};

describe("the problems banner", () => {
  it("says no LLM is configured, with the server's sentence, before any run fails", async () => {
    const problem = "LLM not configured: No LLM API key for https://openrouter.ai/api/v1: set MCC_LLM_API_KEY";
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ ...healthy, llm: "not_configured", problems: [problem] }),
      ),
    );
    show();
    const banner = await screen.findByRole("region", { name: "Agents cannot work" });
    expect(banner.textContent).toContain("No LLM is configured: a run would stop at its first step.");
    expect(banner.textContent).toContain(problem);
  });

  it("says no worker is running, with the server's sentence, while issues would wait", async () => {
    const problem =
      "No worker polls Temporal's task queue 'mcc': runs wait until a worker is started (`mcc worker`, or `mcc up`, which runs one).";
    server.use(
      http.get(`${API}/api/health`, () => HttpResponse.json({ ...healthy, worker: "none", problems: [problem] })),
    );
    show();
    const banner = await screen.findByRole("region", { name: "Agents cannot work" });
    expect(banner.textContent).toContain("No worker is running: a run would wait in the queue.");
    expect(banner.textContent).toContain(problem);
  });

  it("stays away while agents can work", async () => {
    server.use(http.get(`${API}/api/health`, () => HttpResponse.json(healthy)));
    const { container } = show();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(container.textContent).toBe("");
  });
});
