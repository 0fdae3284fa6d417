import { fireEvent, screen } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import type { LlmSettings } from "../types";
import { LlmSection } from "./llm-section";
import { renderSignedIn } from "@/testing/render";

const REMOTE_WITHOUT_KEY: LlmSettings = {
  base_url: "https://openrouter.ai/api/v1",
  local: false,
  default_model: "anthropic/claude-sonnet-4",
  orchestrator_model: "anthropic/claude-sonnet-4",
  fallback_after_failures: 3,
  key_configured: false,
  key_variable: "MCC_LLM_API_KEY (or OPENROUTER_API_KEY)",
  state: "not_configured",
  detail:
    "No LLM API key for https://openrouter.ai/api/v1: set MCC_LLM_API_KEY (or OPENROUTER_API_KEY) in the environment of the MCC server and worker.",
};

describe("the LLM section", () => {
  it("names the variable to set when no key is configured", () => {
    renderSignedIn(<LlmSection llm={REMOTE_WITHOUT_KEY} />);
    expect(
      screen.getByText(
        "Set MCC_LLM_API_KEY (or OPENROUTER_API_KEY) in the environment of the MCC server and worker, then restart.",
      ),
    ).toBeTruthy();
    expect(screen.getByText("not set")).toBeTruthy();
  });

  it("shows the provider's answer to Test connection in a sentence", async () => {
    server.use(
      http.post(`${API}/api/settings/llm/test`, () =>
        HttpResponse.json({
          ok: false,
          message: "LLM provider https://openrouter.ai/api/v1 refused the API key (401): User not found.",
          code: "llm_auth_failed",
          models: null,
          default_model_listed: null,
        }),
      ),
    );
    renderSignedIn(<LlmSection llm={{ ...REMOTE_WITHOUT_KEY, key_configured: true, state: "configured" }} />);
    fireEvent.click(screen.getByRole("button", { name: "Test connection" }));
    expect(
      await screen.findByText("LLM provider https://openrouter.ai/api/v1 refused the API key (401): User not found."),
    ).toBeTruthy();
  });
});
