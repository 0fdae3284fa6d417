import { CreateProjectForm } from "@/features/projects/components/create-project-form";
import { ProjectList } from "@/features/projects/components/project-list";

export function ProjectsRoute() {
  return (
    <div className="mx-auto grid max-w-6xl grid-cols-1 gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Projects</h1>
        <p className="text-sm text-muted-foreground">
          Register a repository, file issues, and approve the pull requests the agents open.
        </p>
      </div>
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <ProjectList />
        <CreateProjectForm />
      </div>
    </div>
  );
}

export default ProjectsRoute;
