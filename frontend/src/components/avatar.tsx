import type { ReactNode } from "react";

import { cn } from "@/lib/cn";

const PALETTE = [
  "bg-sky-600",
  "bg-violet-600",
  "bg-emerald-600",
  "bg-amber-600",
  "bg-rose-600",
  "bg-teal-600",
  "bg-fuchsia-600",
  "bg-indigo-600",
];

/** A stable colour for a name (the same agent always looks the same). */
export function colorOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return PALETTE[Math.abs(hash) % PALETTE.length] ?? "bg-secondary";
}

export function initialsOf(name: string): string {
  const words = name
    .trim()
    .split(/[\s_.-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? (words[0]?.[0] ?? "") + (words[1]?.[0] ?? "") : name.trim().slice(0, 2);
  return letters.toUpperCase() || "?";
}

interface AvatarProps {
  name: string;
  /** An icon instead of the initials. */
  icon?: ReactNode;
  /** Background class; by default a colour derived from the name. */
  color?: string;
  size?: "sm" | "md";
  /** A presence dot in the corner (e.g. an agent's status). */
  badge?: ReactNode;
  className?: string;
}

/** Discord-style round avatar; decorative (the name is always written next to it). */
export function Avatar({ name, icon, color, size = "md", badge, className }: AvatarProps) {
  return (
    <span aria-hidden="true" className={cn("relative inline-flex shrink-0", className)}>
      <span
        className={cn(
          "flex items-center justify-center rounded-full font-semibold text-white [&_svg]:shrink-0",
          size === "md" ? "h-9 w-9 text-xs [&_svg]:size-4" : "h-6 w-6 text-[10px] [&_svg]:size-3.5",
          color ?? colorOf(name),
        )}
      >
        {icon ?? initialsOf(name)}
      </span>
      {/* On the rim, clear of the initials: the small avatar takes a smaller dot with a thinner ring. */}
      {badge && (
        <span className={cn("absolute -bottom-1 -right-1", size === "sm" && "[&>*]:h-2 [&>*]:w-2 [&>*]:ring-2")}>
          {badge}
        </span>
      )}
    </span>
  );
}
