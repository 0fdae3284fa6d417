import { useCallback, useEffect, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useLocation } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TwoFactorSettings } from "@/features/auth/components/two-factor-settings";
import { PasswordSettings } from "@/features/auth/components/password-settings";
import { storeProject } from "@/features/projects/api/project-cache";
import { useProjects } from "@/features/projects/api/get-projects";
import { NotificationPreferences } from "@/features/settings/components/notification-preferences";
import { GitHubSettings, LlmSettings, SandboxSettings } from "@/features/settings/components/server-settings";
import { ProjectOptionsSection } from "@/features/settings/components/project-options-section";
import { TelegramSection } from "@/features/settings/components/telegram-section";
import { useAuthStore } from "@/stores/auth";

const SECTIONS = [
  { id: "llm", title: "LLM" },
  { id: "sandbox", title: "Sandbox" },
  { id: "github", title: "GitHub" },
  { id: "projects", title: "Projects" },
  { id: "telegram", title: "Telegram" },
  { id: "notifications", title: "Notifications" },
  { id: "account", title: "Account" },
] as const;

type SectionId = (typeof SECTIONS)[number]["id"];

function Section({
  id,
  title,
  description,
  children,
}: {
  id: SectionId;
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Card
      id={id}
      aria-labelledby={`${id}-title`}
      role="region"
      tabIndex={-1}
      className="scroll-mt-20 focus:outline-none"
    >
      <CardHeader>
        <CardTitle id={`${id}-title`}>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

/** The projects' options: the settings feature edits them, the projects feature keeps them. */
function ProjectOptions() {
  const projects = useProjects();
  const queryClient = useQueryClient();
  const onSaved = useCallback(
    (project: Parameters<typeof storeProject>[1]) => storeProject(queryClient, project),
    [queryClient],
  );
  return (
    <QueryState query={projects} loading="Loading projects…">
      {(list) => <ProjectOptionsSection projects={list} onSaved={onSaved} />}
    </QueryState>
  );
}

/** `/settings`: one page of anchored sections (`/settings#telegram` opens at Telegram). */
export function SettingsRoute() {
  const email = useAuthStore((state) => state.user?.email);
  const { hash } = useLocation();

  useEffect(() => {
    if (!hash) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    target?.scrollIntoView({ block: "start" });
    target?.focus({ preventScroll: true });
  }, [hash]);

  return (
    <div className="mx-auto grid max-w-3xl grid-cols-1 gap-6">
      <div className="grid gap-2">
        <h1 className="text-2xl font-bold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">
          What Mission Control runs with, how it reaches you, and your account.
        </p>
        <nav aria-label="Settings sections" className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
          {SECTIONS.map((section) => (
            <a key={section.id} href={`#${section.id}`} className="text-sky-300 hover:underline">
              {section.title}
            </a>
          ))}
        </nav>
      </div>
      <Section id="llm" title="LLM" description="The provider agents call, their models, and whether a key is set.">
        <LlmSettings />
      </Section>
      <Section
        id="sandbox"
        title="Sandbox"
        description="Agents' commands run confined in bubblewrap: no network, no keys."
      >
        <SandboxSettings />
      </Section>
      <Section
        id="github"
        title="GitHub"
        description="The GitHub App MCC works through. Values set here override MCC_GITHUB_* in the environment."
      >
        <GitHubSettings />
      </Section>
      <Section
        id="projects"
        title="Projects"
        description="How MCC works on each project: its test command, the GitHub label that hands it issues, and what waits for you."
      >
        <ProjectOptions />
      </Section>
      <Section id="telegram" title="Telegram" description="Notifications and Approve / Reject buttons on your phone.">
        <TelegramSection />
      </Section>
      <Section
        id="notifications"
        title="Notifications"
        description="Which kinds reach you, in the app and on Telegram."
      >
        <NotificationPreferences />
      </Section>
      <Section id="account" title="Account" description="You are signed in as">
        <div className="grid gap-6">
          <p className="break-all font-mono text-sm">{email}</p>
          <PasswordSettings />
        </div>
      </Section>
      <TwoFactorSettings />
    </div>
  );
}

export default SettingsRoute;
