"""The SDK's workflow sandbox, checking each workflow class once per process."""

from __future__ import annotations

from typing import ClassVar

from temporalio import workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner


class SandboxValidatedOnce(SandboxedWorkflowRunner):
    """Building a Worker validates each of its workflows by importing the workflow's
    module into a fresh sandbox: a process of three workers does it three times over,
    and a test process that starts MCC hundreds of times does it at every start
    (figures in bench/README.md). The verdict cannot change for a class already imported
    in this process, so it is reached once; every run still gets its own sandbox."""

    _validated: ClassVar[set[type]] = set()

    def prepare_workflow(self, defn: workflow._Definition) -> None:
        if defn.cls in self._validated:
            return
        super().prepare_workflow(defn)
        self._validated.add(defn.cls)
