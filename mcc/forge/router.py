"""One `Forge` for the whole process that hands each call to the project's own forge."""

from __future__ import annotations

from collections.abc import Mapping

from mcc.db.engine import Database
from mcc.forge.base import ChecksReport, Forge, Proposal, PullRef
from mcc.projects import get_project


class ForgeRouter:
    """Satisfies `Forge` by asking the project which kind it is (its `forge` column)."""

    def __init__(self, db: Database, forges: Mapping[str, Forge]) -> None:
        self.db = db
        self.forges = dict(forges)

    async def of_project(self, project_id: int) -> Forge:
        async with self.db.sessions() as session:
            kind = (await get_project(session, project_id)).forge
        return self.forges[kind]

    async def open_issue(
        self, project_id: int, title: str, body: str, origin_key: str | None = None
    ) -> int:
        forge = await self.of_project(project_id)
        return await forge.open_issue(project_id, title, body, origin_key)

    async def open_pull_request(self, project_id: int, number: int) -> PullRef:
        return await (await self.of_project(project_id)).open_pull_request(project_id, number)

    async def merge_pull_request(
        self, project_id: int, number: int, approved_head: str | None = None
    ) -> PullRef:
        forge = await self.of_project(project_id)
        return await forge.merge_pull_request(project_id, number, approved_head)

    async def close_pull_request(self, project_id: int, number: int) -> PullRef | None:
        return await (await self.of_project(project_id)).close_pull_request(project_id, number)

    async def publish_branch(self, project_id: int, branch: str) -> None:
        await (await self.of_project(project_id)).publish_branch(project_id, branch)

    async def propose_branch(self, project_id: int, branch: str, title: str, body: str) -> Proposal:
        forge = await self.of_project(project_id)
        return await forge.propose_branch(project_id, branch, title, body)

    async def show_phase(self, project_id: int, number: int, phase: str) -> None:
        await (await self.of_project(project_id)).show_phase(project_id, number, phase)

    async def comment(self, project_id: int, number: int, body: str) -> None:
        await (await self.of_project(project_id)).comment(project_id, number, body)

    async def diff(self, project_id: int, pull_number: int) -> str:
        return await (await self.of_project(project_id)).diff(project_id, pull_number)

    async def read_checks(self, project_id: int, number: int) -> ChecksReport:
        return await (await self.of_project(project_id)).read_checks(project_id, number)
