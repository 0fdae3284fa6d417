import { Plus } from "lucide-react";
import { NavLink } from "react-router-dom";

import { QueryState } from "@/components/query-state";
import { cn } from "@/lib/cn";
import { useProjects } from "../api/get-projects";
import { visibleProjects } from "../api/project-cache";

function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s_-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? (words[0]?.[0] ?? "") + (words[1]?.[0] ?? "") : name.slice(0, 2);
  return letters.toUpperCase() || "?";
}

const itemClasses = ({ isActive }: { isActive: boolean }) =>
  cn(
    "group flex shrink-0 items-center gap-3 rounded-md px-2 py-1.5 text-sm transition-colors hover:bg-sidebar-accent hover:text-foreground",
    isActive ? "bg-sidebar-accent text-foreground" : "text-sidebar-foreground",
  );

/** The sidebar's project list (Discord's server list, with names); archived ones are on /projects only. */
export function ProjectNav() {
  const projects = useProjects();

  return (
    <div className="flex gap-1 md:flex-col">
      <p className="hidden px-2 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-muted-foreground md:block">
        Projects
      </p>
      <QueryState query={projects} loading="Loading projects…" className="px-2 py-1 text-xs">
        {(list) =>
          visibleProjects(list, false).map((project) => (
            <NavLink key={project.id} to={`/projects/${project.id}`} className={itemClasses} title={project.repo_path}>
              {({ isActive }) => (
                <>
                  <span
                    aria-hidden="true"
                    className={cn(
                      "flex h-8 w-8 shrink-0 items-center justify-center rounded-2xl text-xs font-semibold transition-all group-hover:rounded-xl",
                      isActive ? "rounded-xl bg-primary text-primary-foreground" : "bg-secondary text-foreground",
                    )}
                  >
                    {initials(project.name)}
                  </span>
                  <span className="truncate">{project.name}</span>
                </>
              )}
            </NavLink>
          ))
        }
      </QueryState>
      <NavLink to="/projects" end className={itemClasses}>
        <span
          aria-hidden="true"
          className="flex h-8 w-8 shrink-0 items-center justify-center rounded-2xl bg-secondary text-emerald-400 transition-all group-hover:rounded-xl"
        >
          <Plus className="h-4 w-4" />
        </span>
        <span className="truncate">Add project</span>
      </NavLink>
    </div>
  );
}
