import { useParams } from "react-router-dom";

import { AgentPanel } from "@/features/agents/components/agent-panel";
import { NotFoundRoute } from "./not-found";
import { positiveInt } from "./params";

export function AgentRoute() {
  const params = useParams();
  const projectId = positiveInt(params.projectId);
  const agentId = positiveInt(params.agentId);
  if (projectId === null || agentId === null) return <NotFoundRoute />;
  return <AgentPanel key={agentId} projectId={projectId} agentId={agentId} />;
}
