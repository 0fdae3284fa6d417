import { FormError } from "@/components/form-error";
import { QueryState } from "@/components/query-state";
import { useConversationRoom } from "@/features/conversations/api/conversation-room";
import { useConversation } from "@/features/conversations/api/get-conversation";
import { useOrchestrator } from "@/features/orchestrator/api/get-orchestrator";
import { Chat } from "../conversation/conversation-view";

function OrchestratorChat({ conversationId }: { conversationId: number }) {
  // Not in any project's list: -1 is a list that never exists, so it is fetched by id.
  const conversation = useConversation(-1, conversationId);
  useConversationRoom(conversationId);
  return (
    <QueryState query={conversation} loading="Loading the orchestrator…">
      {(data) => <Chat conversation={data} />}
    </QueryState>
  );
}

/** `/orchestrator`: the person's assistant across all projects; its answers stream in live. */
export function OrchestratorRoute() {
  const orchestrator = useOrchestrator();
  if (orchestrator.isError)
    return <FormError message={`The orchestrator is unavailable: ${orchestrator.error.message}`} />;
  return (
    <section aria-label="Orchestrator" className="mx-auto flex max-w-4xl flex-col gap-3 lg:h-full">
      <QueryState query={orchestrator} loading="Loading the orchestrator…">
        {(data) => <OrchestratorChat conversationId={data.conversation_id} />}
      </QueryState>
    </section>
  );
}
