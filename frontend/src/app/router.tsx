import { lazy, Suspense } from "react";
import { Loader2 } from "lucide-react";
import { createBrowserRouter, Navigate } from "react-router-dom";

import { AppShell } from "./app-shell";
import { AuthRoot } from "./auth-root";
import { RequireAuth } from "./require-auth";
import { AgentRoute } from "./routes/agent";
import { DashboardRoute } from "./routes/dashboard";
import { ConversationRoute } from "./routes/conversation";
import { IssueRoute } from "./routes/issue";
import { LoginRoute } from "./routes/login";
import { NotFoundRoute, RouteError } from "./routes/not-found";
import { OrchestratorRoute } from "./routes/orchestrator";
import { ProjectOverviewRoute, ProjectRoute } from "./routes/project";
import { SetupRoute } from "./routes/setup";

// The budget page brings the charts library: loaded when first opened.
const BudgetRoute = lazy(() => import("./routes/budget"));
// The projects page brings the form library (zod, react-hook-form) for its create, rename
// and delete forms: loaded when first opened too.
const ProjectsRoute = lazy(() => import("./routes/projects"));
// Settings are opened now and then: their forms stay out of the first load.
const SettingsRoute = lazy(() => import("./routes/settings"));
// The agents page brings the form library too (its create, edit and rules forms).
const AgentsRoute = lazy(() => import("./routes/agents"));

function PageLoading({ label }: { label: string }) {
  return (
    <p className="flex items-center gap-2 py-6 text-sm text-muted-foreground" aria-busy="true">
      <Loader2 className="h-4 w-4 animate-spin" aria-hidden="true" />
      {label}
    </p>
  );
}

export const router = createBrowserRouter([
  {
    element: <AuthRoot />,
    errorElement: <RouteError />,
    children: [
      { path: "/setup", element: <SetupRoute /> },
      { path: "/login", element: <LoginRoute /> },
      {
        path: "/",
        element: (
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        ),
        children: [
          { index: true, element: <DashboardRoute /> },
          { path: "orchestrator", element: <OrchestratorRoute /> },
          {
            path: "projects",
            element: (
              <Suspense fallback={<PageLoading label="Loading projects…" />}>
                <ProjectsRoute />
              </Suspense>
            ),
          },
          {
            path: "agents",
            element: (
              <Suspense fallback={<PageLoading label="Loading agents…" />}>
                <AgentsRoute />
              </Suspense>
            ),
          },
          {
            path: "settings",
            element: (
              <Suspense fallback={<PageLoading label="Loading settings…" />}>
                <SettingsRoute />
              </Suspense>
            ),
          },
          {
            path: "projects/:projectId",
            element: <ProjectRoute />,
            children: [
              {
                element: <ProjectOverviewRoute />,
                children: [
                  { index: true, element: null },
                  { path: "issues/:issueNumber", element: <IssueRoute /> },
                ],
              },
              { path: "conversations/:conversationId", element: <ConversationRoute /> },
              { path: "agents/:agentId", element: <AgentRoute /> },
            ],
          },
          {
            path: "budget",
            element: (
              <Suspense fallback={<PageLoading label="Loading budget…" />}>
                <BudgetRoute />
              </Suspense>
            ),
          },
          { path: "settings/security", element: <Navigate to="/settings#account" replace /> },
          { path: "*", element: <NotFoundRoute /> },
        ],
      },
    ],
  },
]);
