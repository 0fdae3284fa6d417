import { useId } from "react";
import { Search } from "lucide-react";

import { Input } from "@/components/ui/input";
import { cn } from "@/lib/cn";
import {
  PHASE_GROUPS,
  showAll,
  showsAll,
  STATE_FILTERS,
  toggleGroup,
  toggleState,
  type IssueFilter,
} from "../issue-filter";

const GROUP_CLASSES = "inline-flex flex-wrap rounded-md border p-0.5";

/** A toggle button of the bar: pressed or not, the state said by `aria-pressed`. */
function Chip({ pressed, onClick, children }: { pressed: boolean; onClick: () => void; children: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={cn(
        "rounded px-2 py-0.5 text-xs transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
        pressed ? "bg-secondary text-foreground" : "text-muted-foreground hover:text-foreground",
      )}
    >
      {children}
    </button>
  );
}

/**
 * The issue list's search and chips: "All", then Open / Closed (one at most), then the phase
 * groups (any number, added up). The rules are the filter's (`../issue-filter`).
 */
export function IssueFilterBar({ filter, onChange }: { filter: IssueFilter; onChange: (filter: IssueFilter) => void }) {
  const searchId = useId();
  return (
    <div className="flex flex-wrap items-center gap-2 pb-3">
      <div className="relative min-w-[10rem] flex-1">
        <label htmlFor={searchId} className="sr-only">
          Search issues by title or number
        </label>
        <Search
          className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-muted-foreground"
          aria-hidden="true"
        />
        <Input
          id={searchId}
          type="search"
          value={filter.query}
          onChange={(event) => onChange({ ...filter, query: event.target.value })}
          placeholder="Search title or #number"
          className="h-9 pl-8"
        />
      </div>
      <div role="group" aria-label="Filter issues" className="flex flex-wrap items-center gap-2">
        <div className={GROUP_CLASSES}>
          <Chip pressed={showsAll(filter)} onClick={() => onChange(showAll(filter))}>
            All
          </Chip>
        </div>
        <div role="group" aria-label="Open or closed" className={GROUP_CLASSES}>
          {STATE_FILTERS.map(({ value, label }) => (
            <Chip key={value} pressed={filter.state === value} onClick={() => onChange(toggleState(filter, value))}>
              {label}
            </Chip>
          ))}
        </div>
        <div role="group" aria-label="Phase" className={GROUP_CLASSES}>
          {PHASE_GROUPS.map(({ value, label }) => (
            <Chip
              key={value}
              pressed={filter.groups.includes(value)}
              onClick={() => onChange(toggleGroup(filter, value))}
            >
              {label}
            </Chip>
          ))}
        </div>
      </div>
    </div>
  );
}
