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
  readiness_of: "this_process",
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

  it("names the worker without a sandbox, as an API process's health reports it", async () => {
    const problem =
      "sandbox missing on worker 4242@worker-b: bubblewrap (bwrap) was not found, so agent commands are refused";
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ ...healthy, readiness_of: "workers", sandbox: "missing", problems: [problem] }),
      ),
    );
    show();
    const banner = await screen.findByRole("region", { name: "Agents cannot work" });
    expect(banner.textContent).toContain("Agents cannot work: a run would stop at its first step.");
    expect(banner.textContent).toContain(problem);
  });

  it("says the dashboard does not see runs move live when API and workers share no Redis", async () => {
    const problem =
      "MCC_REDIS_URL is not set: live updates of runs made by workers in other processes will not reach this API's dashboards; give every api and worker process the same MCC_REDIS_URL.";
    server.use(
      http.get(`${API}/api/health`, () =>
        HttpResponse.json({ ...healthy, readiness_of: "workers", problems: [problem] }),
      ),
    );
    show();
    const banner = await screen.findByRole("region", { name: "Agents cannot work" });
    expect(banner.textContent).toContain(
      "This dashboard does not see runs move live: the workers' updates cannot reach it.",
    );
    expect(banner.textContent).toContain(problem);
  });

  it("stays away while agents can work", async () => {
    server.use(http.get(`${API}/api/health`, () => HttpResponse.json(healthy)));
    const { container } = show();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(container.textContent).toBe("");
  });
});
