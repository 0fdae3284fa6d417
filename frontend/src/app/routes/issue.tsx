import { useEffect, useRef } from "react";
import { useParams } from "react-router-dom";

import { IssueConversations } from "@/features/conversations/components/issue-conversations";
import { IssueDetail, type ConversationsSlot, type PullRequestSlot } from "@/features/issues/components/issue-detail";
import { PullDiff } from "@/features/pulls/components/pull-diff";
import { PullRequestSummary } from "@/features/pulls/components/pull-request-summary";
import { useEmergencyPause } from "@/features/system/api/get-system-state";
import { NotFoundRoute } from "./not-found";
import { positiveInt } from "./params";

// Matches the `2xl:` breakpoint where the detail sits beside the issues table (the channel list takes the room below it).
const SIDE_BY_SIDE = "(min-width: 1536px)";

export function IssueRoute() {
  const params = useParams();
  const projectId = positiveInt(params.projectId);
  const pullRequest: PullRequestSlot = (pull) => (
    <>
      <PullRequestSummary pull={pull} />
      {projectId !== null && <PullDiff projectId={projectId} number={pull.number} headSha={pull.head_sha} />}
    </>
  );
  const number = positiveInt(params.issueNumber);
  const ref = useRef<HTMLElement>(null);
  const emergencyPause = useEmergencyPause();
  const conversations: ConversationsSlot = (issue) =>
    projectId !== null && (
      <IssueConversations projectId={projectId} runId={issue.workflow_id} emergencyPause={emergencyPause} />
    );

  useEffect(() => {
    // Stacked layout: the detail sits above the table, so bring it into view when an issue is picked.
    if (!window.matchMedia(SIDE_BY_SIDE).matches) ref.current?.scrollIntoView({ block: "start" });
  }, [number]);

  if (projectId === null || number === null) return <NotFoundRoute />;
  return (
    <section ref={ref} aria-label={`Issue #${number}`} className="scroll-mt-4">
      {/* Keyed so the approve / reject state of one issue never leaks into the next. */}
      <IssueDetail
        key={`${projectId}/${number}`}
        projectId={projectId}
        number={number}
        pullRequest={pullRequest}
        conversations={conversations}
        emergencyPause={emergencyPause}
      />
    </section>
  );
}
