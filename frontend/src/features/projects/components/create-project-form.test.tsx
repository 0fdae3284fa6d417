import { fireEvent, screen, waitFor } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { MemoryRouter } from "react-router-dom";
import { describe, expect, it } from "vitest";

import { renderSignedIn } from "@/testing/render";
import { API, server } from "@/testing/server";
import { CreateProjectForm } from "./create-project-form";

const REFUSED = "repo_path /nope is not a git repository";

describe("the register-a-project form", () => {
  it("drops the server's refusal once the person edits the form again", async () => {
    server.use(
      http.post(`${API}/api/projects`, () =>
        HttpResponse.json({ error: { code: "validation_error", message: REFUSED } }, { status: 422 }),
      ),
    );
    renderSignedIn(
      <MemoryRouter>
        <CreateProjectForm />
      </MemoryRouter>,
    );
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "Demo" } });
    fireEvent.change(screen.getByLabelText("Repository path"), { target: { value: "/nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Register project" }));
    expect(await screen.findByText(REFUSED)).toBeTruthy();

    fireEvent.change(screen.getByLabelText("Repository path"), { target: { value: "/work/demo" } });
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "x".repeat(500) } });
    fireEvent.click(screen.getByRole("button", { name: "Register project" }));
    await waitFor(() => expect(screen.getByText("Keep the name under 100 characters.")).toBeTruthy());
    expect(screen.queryByText(REFUSED)).toBeNull();
  });
});
