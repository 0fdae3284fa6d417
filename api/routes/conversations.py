from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, status

from api.agent_runs import notify_user_message, signal_run
from api.deps import ConversationDep, CurrentUser, ProjectDep, RuntimeDep, SessionDep, TemporalDep
from api.schemas.conversation import ConversationOut, MessageCreate, MessageOut
from api.schemas.error import error_responses
from mcc.conversations import messages_of, post_user_message, project_conversations
from mcc.errors import Conflict
from mcc.models.message import Message
from mcc.orchestrator.conversation import KIND as ORCHESTRATOR_KIND

router = APIRouter(tags=["conversations"])
ERRORS = error_responses(404, 409)


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        id=message.id,
        conversation_id=message.conversation_id,
        author=message.author,
        role=message.role,
        content=message.content,
        tool_calls=message.tool_calls,
        tool_call_id=message.tool_call_id,
        tokens=message.tokens_in + message.tokens_out,
        cost=float(message.cost_usd),
        timestamp=message.created_at,
        reply_to=message.reply_to,
    )


@router.get(
    "/projects/{project_id}/conversations",
    response_model=list[ConversationOut],
    responses=ERRORS,
)
async def list_for_project(project: ProjectDep, session: SessionDep) -> list[ConversationOut]:
    return [
        ConversationOut.model_validate(c) for c in await project_conversations(session, project.id)
    ]


@router.get("/conversations/{conversation_id}", response_model=ConversationOut, responses=ERRORS)
async def get_one(conversation: ConversationDep) -> ConversationOut:
    return ConversationOut.model_validate(conversation)


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=list[MessageOut],
    responses=ERRORS,
)
async def list_messages(
    conversation: ConversationDep,
    session: SessionDep,
    after_id: int = Query(default=0, ge=0, le=2_147_483_647),
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[MessageOut]:
    rows = await messages_of(session, conversation.id, after_id=after_id, limit=limit)
    return [message_out(m) for m in rows]


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=MessageOut,
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def post(
    body: MessageCreate,
    conversation: ConversationDep,
    session: SessionDep,
    user: CurrentUser,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> MessageOut:
    """The person steps in: the message joins the conversation at the agent's next step."""
    message = await post_user_message(
        session, runtime.events, conversation, user.id, body.content, body.reply_to
    )
    await notify_user_message(temporal.maybe_client, conversation, message.id, runtime.settings)
    return message_out(message)


@router.post(
    "/conversations/{conversation_id}/{action}",
    response_model=ConversationOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
)
async def steer(
    action: Literal["pause", "resume", "cancel"],
    conversation: ConversationDep,
    temporal: TemporalDep,
) -> ConversationOut:
    """Pause, resume or cancel the conversation's run.

    The answer shows the conversation as the signal leaves it (`paused` after a pause, not
    after a resume); the run records that on the conversation itself as it takes the signal.
    """
    if conversation.kind == ORCHESTRATOR_KIND:
        raise Conflict("the orchestrator only answers you; pause a run, or the whole company")
    if conversation.run_id is None or conversation.status != "open":
        raise Conflict("this conversation has no run in progress")
    await signal_run(temporal.client, conversation, action)
    accepted = ConversationOut.model_validate(conversation)
    if action == "cancel":
        return accepted
    return accepted.model_copy(update={"paused": action == "pause"})
