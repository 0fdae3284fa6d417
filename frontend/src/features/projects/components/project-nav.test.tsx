import { QueryClient } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import { http } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { queryDefaults } from "@/lib/query-client";
import { rateLimitedOnce } from "@/testing/rate-limited";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { ProjectNav } from "./project-nav";

describe("the sidebar's project list", () => {
  it("says it tries again after a rate limit, then lists the projects", async () => {
    const project = { id: 3, name: "Demo", repo_path: "/src/demo", archived: false };
    server.use(http.get(`${API}/api/projects`, rateLimitedOnce([project])));
    renderSignedIn(
      <MemoryRouter>
        <ProjectNav />
      </MemoryRouter>,
      new QueryClient({ defaultOptions: queryDefaults }),
    );

    expect(await screen.findByText(/trying again in 1 s/)).toBeTruthy();
    expect(await screen.findByRole("link", { name: /Demo/ }, { timeout: 3000 })).toBeTruthy();
  });
});
