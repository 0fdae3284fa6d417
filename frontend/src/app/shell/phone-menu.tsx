import { forwardRef, type KeyboardEvent, type MouseEvent } from "react";
import { Menu, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { UserMenu } from "@/features/auth/components/user-menu";
import { ProjectNav } from "@/features/projects/components/project-nav";
import { PageLinks } from "./page-links";

interface MenuButtonProps {
  open: boolean;
  menuId: string;
  onToggle: () => void;
}

/** The header's menu button on phones: it opens the pages, projects and account (PhoneMenu). */
export const MenuButton = forwardRef<HTMLButtonElement, MenuButtonProps>(({ open, menuId, onToggle }, ref) => (
  <Button
    ref={ref}
    variant="ghost"
    size="icon"
    className="h-8 w-8 md:hidden"
    aria-label="Menu"
    aria-expanded={open}
    aria-controls={menuId}
    onClick={onToggle}
  >
    {open ? <X aria-hidden="true" /> : <Menu aria-hidden="true" />}
  </Button>
));
MenuButton.displayName = "MenuButton";

/**
 * Below md, what the sidebar and the header's links hold on wider screens, folded away under
 * the menu button so that the header is one short row and a page starts near a phone's top.
 * Following a link closes it; so does Escape, which gives the focus back to the button.
 */
export function PhoneMenu({ id, onClose, onEscape }: { id: string; onClose: () => void; onEscape: () => void }) {
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    if (event.target instanceof Element && event.target.closest("a")) onClose();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") onEscape();
  };

  return (
    <div id={id} className="grid gap-2 border-b bg-sidebar p-2 md:hidden" onClick={onClick} onKeyDown={onKeyDown}>
      <nav aria-label="Main" className="grid grid-cols-3 gap-1">
        <PageLinks />
      </nav>
      <nav aria-label="Projects" className="overflow-x-auto">
        <ProjectNav />
      </nav>
      <UserMenu />
    </div>
  );
}
