import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";

import { systemKeys } from "@/lib/query-keys";
import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { useConnectionStore } from "@/stores/connection";
import { EmergencyPause } from "./emergency-pause";

const running = { paused: false, since: null, reason: null, budget_day: "2026-12-06", timezone: "UTC" };

describe("the emergency pause button", () => {
  it("keeps no false error after a short outage, and drops a failed click's error once the server is back", async () => {
    useConnectionStore.getState().setStatus("connected");
    server.use(http.get(`${API}/api/system/state`, () => HttpResponse.json(running)));
    const { client } = renderSignedIn(<EmergencyPause />);
    expect(await screen.findByRole("button", { name: "Emergency pause" })).toBeTruthy();

    // The server goes away: a refetch of the state fails, and so does a click.
    act(() => useConnectionStore.getState().setStatus("connecting"));
    server.use(
      http.get(`${API}/api/system/state`, () => HttpResponse.error()),
      http.post(`${API}/api/system/pause`, () => HttpResponse.error()),
    );
    await act(() => client.invalidateQueries({ queryKey: systemKeys.state() }));
    expect(screen.queryByRole("alert")).toBeNull(); // the state it had still holds

    fireEvent.click(screen.getByRole("button", { name: "Emergency pause" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Cannot reach the MCC server. Is it running?");

    // The server is back.
    act(() => useConnectionStore.getState().setStatus("connected"));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  });

  it("says why when the state could never be loaded", async () => {
    server.use(http.get(`${API}/api/system/state`, () => HttpResponse.error()));
    renderSignedIn(<EmergencyPause />);
    expect((await screen.findByRole("alert")).textContent).toBe("Cannot reach the MCC server. Is it running?");
  });
});
