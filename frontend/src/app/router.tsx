import { createBrowserRouter } from "react-router-dom";

import { AppShell } from "./app-shell";
import { AuthRoot } from "./auth-root";
import { RequireAuth } from "./require-auth";
import { AgentRoute } from "./routes/agent";
import { ConversationRoute } from "./routes/conversation";
import { IssueRoute } from "./routes/issue";
import { LoginRoute } from "./routes/login";
import { NotFoundRoute, RouteError } from "./routes/not-found";
import { ProjectOverviewRoute, ProjectRoute } from "./routes/project";
import { ProjectsRoute } from "./routes/projects";
import { SecurityRoute } from "./routes/security";
import { SetupRoute } from "./routes/setup";

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
          { index: true, element: <ProjectsRoute /> },
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
          { path: "settings/security", element: <SecurityRoute /> },
          { path: "*", element: <NotFoundRoute /> },
        ],
      },
    ],
  },
]);
