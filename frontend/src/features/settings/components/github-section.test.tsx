import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { API, server } from "@/testing/server";
import type { GitHubSettings } from "../types";
import { GitHubSection } from "./github-section";
import { renderSignedIn } from "@/testing/render";

const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";

const NOTHING_SET: GitHubSettings = {
  app_id: null,
  app_id_source: null,
  private_key_configured: false,
  private_key_source: null,
  private_key_problem: null,
  webhook_secret_configured: false,
  webhook_secret_source: null,
  api_url: "https://api.github.com",
  api_url_source: null,
  webhook_url: "https://mcc.example.org/api/webhooks/github",
  editable: true,
};

let sent: unknown[];

beforeEach(() => {
  sent = [];
});

function show(github: GitHubSettings = NOTHING_SET) {
  renderSignedIn(<GitHubSection github={github} />);
  return {
    appId: screen.getByRole("textbox", { name: "App id" }),
    key: screen.getByRole("textbox", { name: /Private key/ }),
    secret: screen.getByLabelText(/Webhook secret/),
    apiUrl: screen.getByRole("textbox", { name: "API URL" }),
    save: screen.getByRole("button", { name: "Save GitHub settings" }),
  };
}

function accept(answer: GitHubSettings) {
  server.use(
    http.put(`${API}/api/settings/github`, async ({ request }) => {
      sent.push(await request.json());
      return HttpResponse.json(answer);
    }),
  );
}

describe("the GitHub App form", () => {
  it("says what is wrong next to each field, in sentences, without asking the server", async () => {
    accept(NOTHING_SET);
    const form = show();
    fireEvent.change(form.appId, { target: { value: "twelve" } });
    fireEvent.change(form.key, { target: { value: "ghp_a personal token" } });
    fireEvent.change(form.secret, { target: { value: "short" } });
    fireEvent.change(form.apiUrl, { target: { value: "ftp://github.example.org" } });
    fireEvent.click(form.save);

    const alerts = await screen.findAllByRole("alert");
    expect(alerts.map((alert) => alert.textContent)).toEqual([
      "The App id is a whole number, as shown on the App's page on GitHub.",
      "Paste the whole .pem file GitHub gave you, from the BEGIN line to the END line.",
      "The webhook secret must be between 8 and 500 characters long.",
      "The API URL must be an http(s) address such as https://api.github.com.",
    ]);
    expect(form.appId.getAttribute("aria-invalid")).toBe("true");
    expect(form.appId.getAttribute("aria-describedby")).toContain(alerts[0]?.id);
    expect(sent).toEqual([]);
  });

  it("sends only what changed, and empties the secret fields once saved", async () => {
    accept({
      ...NOTHING_SET,
      app_id: 77,
      app_id_source: "settings",
      private_key_configured: true,
      private_key_source: "settings",
    });
    const form = show();
    fireEvent.change(form.appId, { target: { value: "77" } });
    fireEvent.change(form.key, { target: { value: PEM } });
    fireEvent.click(form.save);

    await waitFor(() => expect(sent).toEqual([{ app_id: 77, private_key: PEM }]));
    expect(await screen.findByText("Saved.")).toBeTruthy();
    expect((form.key as HTMLTextAreaElement).value).toBe("");
  });

  it("shows the API URL in effect once a save has cleared the one set here", async () => {
    accept(NOTHING_SET);
    const form = show({ ...NOTHING_SET, api_url: "https://ghe.example.org/api/v3", api_url_source: "settings" });
    fireEvent.change(form.apiUrl, { target: { value: "" } });
    fireEvent.click(form.save);

    await waitFor(() => expect(sent).toEqual([{ api_url: null }]));
    expect(await screen.findByText("Saved.")).toBeTruthy();
    expect((form.apiUrl as HTMLInputElement).value).toBe("https://api.github.com");
  });

  it("shows the API URL as the server stored it", async () => {
    accept({ ...NOTHING_SET, api_url: "https://ghe.example.org/api/v3", api_url_source: "settings" });
    const form = show();
    fireEvent.change(form.apiUrl, { target: { value: "https://ghe.example.org/api/v3/" } });
    fireEvent.click(form.save);

    expect(await screen.findByText("Saved.")).toBeTruthy();
    expect((form.apiUrl as HTMLInputElement).value).toBe("https://ghe.example.org/api/v3");
  });

  it("shows the environment's API URL when the field is emptied with nothing set here", async () => {
    const form = show({ ...NOTHING_SET, api_url: "https://ghe.example.org/api/v3", api_url_source: "environment" });
    fireEvent.change(form.apiUrl, { target: { value: "" } });
    fireEvent.click(form.save);

    expect(await screen.findByText("Saved.")).toBeTruthy();
    expect(sent).toEqual([]);
    expect((form.apiUrl as HTMLInputElement).value).toBe("https://ghe.example.org/api/v3");
  });

  it("shows the server's refusal as a sentence under the form", async () => {
    server.use(
      http.put(`${API}/api/settings/github`, () =>
        HttpResponse.json(
          { error: { code: "forbidden", message: "the GitHub App was set up by another account" } },
          { status: 403 },
        ),
      ),
    );
    const form = show();
    fireEvent.change(form.appId, { target: { value: "77" } });
    fireEvent.click(form.save);
    expect((await screen.findByRole("alert")).textContent).toBe("the GitHub App was set up by another account");
  });

  it("says where each value comes from and never shows a secret, only that one is configured", () => {
    show({
      ...NOTHING_SET,
      app_id: 42,
      app_id_source: "environment",
      private_key_configured: true,
      private_key_source: "environment",
      webhook_secret_configured: true,
      webhook_secret_source: "settings",
    });
    const form = screen.getByRole("form", { name: "GitHub App" });
    expect(within(form).getByText("From MCC_GITHUB_APP_ID.")).toBeTruthy();
    expect(within(form).getAllByText("configured")).toHaveLength(2);
    expect((screen.getByRole("textbox", { name: /Private key/ }) as HTMLTextAreaElement).value).toBe("");
    expect(screen.getByText("https://mcc.example.org/api/webhooks/github")).toBeTruthy();
  });

  it("is read-only for an account that did not set the App up", () => {
    const form = show({ ...NOTHING_SET, app_id: 42, app_id_source: "settings", editable: false });
    expect(screen.getByText("Another account set the GitHub App up: only it can change these settings.")).toBeTruthy();
    expect((form.appId as HTMLInputElement).disabled || form.appId.closest("fieldset")?.disabled).toBe(true);
    expect(form.save.closest("fieldset")?.disabled).toBe(true);
  });
});
