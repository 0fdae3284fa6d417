/** Who wrote a message: `user:<id>`, `agent:<name>`, `system` or `tool:<tool name>`. */
export type Author =
  | { kind: "user"; userId: string }
  | { kind: "agent"; name: string }
  | { kind: "tool"; name: string }
  | { kind: "system" };

export function parseAuthor(author: string): Author {
  const colon = author.indexOf(":");
  const prefix = colon < 0 ? author : author.slice(0, colon);
  const rest = colon < 0 ? "" : author.slice(colon + 1);
  if (prefix === "user") return { kind: "user", userId: rest };
  if (prefix === "agent") return { kind: "agent", name: rest || "agent" };
  if (prefix === "tool") return { kind: "tool", name: rest || "tool" };
  return { kind: "system" };
}

/** The name shown for an author; `meId` is the logged-in user (their messages say "You"). */
export function authorName(author: Author, meId: number | null): string {
  switch (author.kind) {
    case "user":
      return meId !== null && String(meId) === author.userId ? "You" : `User ${author.userId}`;
    case "agent":
    case "tool":
      return author.name;
    case "system":
      return "MCC";
  }
}
