/** Where `mcc up` puts the Temporal UI by default, for when no link from the server tells otherwise. */
export const DEFAULT_TEMPORAL_NAMESPACE_URL = "http://127.0.0.1:8233/namespaces/default";

/** `https://host/namespaces/ns` from a workflow link the server gave (`…/workflows/<id>`). */
export function temporalNamespaceUrl(workflowUrl: string): string | null {
  const index = workflowUrl.indexOf("/workflows/");
  return index > 0 ? workflowUrl.slice(0, index) : null;
}

/** The Temporal UI page of a workflow (run ids contain slashes, hence the encoding). */
export function temporalWorkflowUrl(workflowId: string, namespaceUrl: string | null): string {
  return `${namespaceUrl ?? DEFAULT_TEMPORAL_NAMESPACE_URL}/workflows/${encodeURIComponent(workflowId)}`;
}
