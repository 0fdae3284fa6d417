import { useParams } from "react-router-dom";

import { useAgents } from "@/features/agents/api/get-agents";
import { AgentPanel } from "@/features/agents/components/agent-panel";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import { NotFoundRoute } from "./not-found";
import { positiveInt } from "./params";

export function AgentRoute() {
  const params = useParams();
  const projectId = positiveInt(params.projectId);
  const agentId = positiveInt(params.agentId);
  if (projectId === null || agentId === null) return <NotFoundRoute />;
  return <KnownAgent projectId={projectId} agentId={agentId} />;
}

/** An id that is not one of the project's agents is the "not found" page, like any bad id. */
function KnownAgent({ projectId, agentId }: { projectId: number; agentId: number }) {
  const agents = useAgents(projectId);
  const emergencyPause = useEmergencyPause();
  if (agents.data && !agents.data.some((agent) => agent.id === agentId)) return <NotFoundRoute />;
  return <AgentPanel key={agentId} projectId={projectId} agentId={agentId} emergencyPause={emergencyPause} />;
}
