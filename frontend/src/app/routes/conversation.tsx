import { useParams } from "react-router-dom";

import { ConversationView } from "../conversation/conversation-view";
import { NotFoundRoute } from "./not-found";
import { positiveInt } from "./params";

export function ConversationRoute() {
  const params = useParams();
  const projectId = positiveInt(params.projectId);
  const conversationId = positiveInt(params.conversationId);
  if (projectId === null || conversationId === null) return <NotFoundRoute />;
  // Keyed: scroll position, composer text and run-control state belong to one conversation.
  return <ConversationView key={conversationId} projectId={projectId} conversationId={conversationId} />;
}
