"""The person's orchestrator: speak to it, find its conversation, read and edit its memory."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, RuntimeDep, SessionDep, TemporalDep
from api.orchestrator_runs import tell_orchestrator
from api.schemas.error import ErrorOut
from api.schemas.text import FreeText
from mcc.conversations import MAX_USER_MESSAGE, post_user_message
from mcc.orchestrator.conversation import orchestrator_conversation, orchestrator_run_id
from mcc.orchestrator.memory import MAX_CONTENT, MAX_KEY, forget, memories, remember

router = APIRouter(prefix="/orchestrator", tags=["orchestrator"])

MemoryKey = Annotated[str, Path(min_length=1, max_length=MAX_KEY)]


class OrchestratorOut(BaseModel):
    conversation_id: int
    run_id: str


class OrchestratorMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: FreeText = Field(min_length=1, max_length=MAX_USER_MESSAGE)
    reply_to: int | None = None


class OrchestratorMessageOut(BaseModel):
    conversation_id: int
    message_id: int
    run_id: str


class MemoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: FreeText = Field(min_length=1, max_length=MAX_CONTENT)


class MemoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    key: str
    content: str
    updated_at: datetime


@router.get("", response_model=OrchestratorOut)
async def get_orchestrator(user: CurrentUser, session: SessionDep) -> OrchestratorOut:
    """The person's orchestrator conversation (created on first use; its messages are at
    /api/conversations/{id}/messages and stream in its room like any conversation's)."""
    conversation = await orchestrator_conversation(session, user.id)
    return OrchestratorOut(conversation_id=conversation.id, run_id=orchestrator_run_id(user.id))


@router.post(
    "/messages",
    response_model=OrchestratorMessageOut,
    status_code=status.HTTP_201_CREATED,
    responses={503: {"model": ErrorOut}},
)
async def speak(
    body: OrchestratorMessageIn,
    user: CurrentUser,
    session: SessionDep,
    runtime: RuntimeDep,
    temporal: TemporalDep,
) -> OrchestratorMessageOut:
    """The person speaks; the orchestrator's answer streams into its conversation."""
    client = temporal.client  # 503 before storing a message nobody would read
    conversation = await orchestrator_conversation(session, user.id)
    message = await post_user_message(
        session, runtime.events, conversation, user.id, body.content, body.reply_to
    )
    run_id = await tell_orchestrator(client, runtime.settings, user.id, message.id)
    return OrchestratorMessageOut(
        conversation_id=conversation.id, message_id=message.id, run_id=run_id
    )


@router.get("/memory", response_model=list[MemoryOut])
async def list_memory(user: CurrentUser, session: SessionDep) -> list[MemoryOut]:
    """What the orchestrator remembers of the person, across all projects."""
    return [MemoryOut.model_validate(row) for row in await memories(session, user.id)]


@router.put("/memory/{key}", response_model=MemoryOut, responses={422: {"model": ErrorOut}})
async def put_memory(
    key: MemoryKey, body: MemoryIn, user: CurrentUser, session: SessionDep
) -> MemoryOut:
    """Write or correct a memory; the orchestrator reads it at its next step."""
    return MemoryOut.model_validate(await remember(session, user.id, key, body.content))


@router.delete(
    "/memory/{key}", status_code=status.HTTP_204_NO_CONTENT, responses={404: {"model": ErrorOut}}
)
async def delete_memory(key: MemoryKey, user: CurrentUser, session: SessionDep) -> Response:
    await forget(session, user.id, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
