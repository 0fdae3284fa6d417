"""send_message: agents talk to each other within the design's communication rules."""

from __future__ import annotations

from pydantic import Field
from sqlalchemy import select

from mcc.agents.inbox import wake_artifact
from mcc.agents.roles import Role, may_message
from mcc.agents.tools.base import Tool, ToolContext, ToolOutcome, ToolParams
from mcc.conversations import NewMessage, inbox_of, post_message
from mcc.models.agent import Agent
from mcc.models.conversation import Conversation


class MessageParams(ToolParams):
    to: str = Field(description="The recipient agent's name, e.g. 'coder_1' or 'reviewer'.")
    content: str = Field(min_length=1, max_length=20_000)


class SendMessage(Tool[MessageParams]):
    name = "send_message"
    description = (
        "Send a message to another agent of the project. It reaches them at their next step."
    )
    params = MessageParams

    async def run(self, ctx: ToolContext, args: MessageParams) -> ToolOutcome:
        async with ctx.db.sessions() as session:
            recipient = await session.scalar(
                select(Agent).where(Agent.project_id == ctx.project_id, Agent.name == args.to)
            )
            if recipient is None:
                return ToolOutcome(f"there is no agent named {args.to!r}", error=True)
            if not may_message(ctx.role, Role(recipient.role)):
                return ToolOutcome(
                    f"a {ctx.role.value} may not message a {recipient.role} ({args.to}); "
                    "the company's rules route this through someone else",
                    error=True,
                )
            # The recipient's open task conversation if it is working, else its inbox.
            target = await session.scalar(
                select(Conversation)
                .where(
                    Conversation.agent_id == recipient.id,
                    Conversation.kind == "task",
                    Conversation.status == "open",
                )
                .order_by(Conversation.id.desc())
            )
            woken = target is None
            if target is None:
                target = await inbox_of(session, ctx.project_id, recipient.id, recipient.name)
            # Keyed by the sender's step, so a retried tool call delivers once.
            await post_message(
                session,
                ctx.events,
                NewMessage(
                    conversation_id=target.id,
                    author=f"agent:{ctx.agent_name}",
                    role="user",
                    content=f"Message from {ctx.agent_name}: {args.content}",
                    idempotency_key=f"{ctx.call_key}/deliver",
                ),
            )
        if woken:
            # Not working: a short run lets the recipient read this and answer.
            return ToolOutcome(
                f"delivered to {args.to}'s inbox; they will answer shortly",
                artifact=wake_artifact(recipient.id, ctx.agent_name, args.content, ctx.call_key),
            )
        return ToolOutcome(f"delivered to {args.to}")
