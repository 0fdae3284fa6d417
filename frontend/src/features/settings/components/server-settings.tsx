import { QueryState } from "@/components/query-state";
import { useSettings } from "../api/get-settings";
import { GitHubSection } from "./github-section";
import { LlmSection } from "./llm-section";
import { SandboxSection } from "./sandbox-section";

// Three cards of one query (`GET /api/settings`, fetched once and shared).

export function LlmSettings() {
  return (
    <QueryState query={useSettings()} loading="Loading the LLM settings…">
      {(settings) => <LlmSection llm={settings.llm} />}
    </QueryState>
  );
}

export function SandboxSettings() {
  return (
    <QueryState query={useSettings()} loading="Checking the sandbox…">
      {(settings) => <SandboxSection sandbox={settings.sandbox} />}
    </QueryState>
  );
}

export function GitHubSettings() {
  return (
    <QueryState query={useSettings()} loading="Loading the GitHub settings…">
      {(settings) => <GitHubSection github={settings.github} />}
    </QueryState>
  );
}
