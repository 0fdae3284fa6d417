"""The SDK's workflow sandbox, checking each workflow class once per process."""

from __future__ import annotations

from typing import ClassVar

from temporalio import workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner


class SandboxValidatedOnce(SandboxedWorkflowRunner):
    """Building a Worker validates each of its workflows by importing the workflow's
    module into a fresh sandbox (~15 ms a workflow here, 136 ms for MCC's three): a
    process of three workers did it three times over at start, and the test suite, which
    starts MCC hundreds of times in one process, spent minutes on it. The verdict cannot
    change for a class already imported in this process, so it is reached once; every run
    still gets its own sandbox."""

    _validated: ClassVar[set[type]] = set()

    def prepare_workflow(self, defn: workflow._Definition) -> None:
        if defn.cls in self._validated:
            return
        super().prepare_workflow(defn)
        self._validated.add(defn.cls)
