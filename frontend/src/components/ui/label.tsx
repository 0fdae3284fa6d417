import * as React from "react";
import { cva, type VariantProps } from "class-variance-authority";

import { cn } from "@/lib/cn";

// shadcn/ui wraps @radix-ui/react-label; a native <label> gives the same semantics without the dependency.
const labelVariants = cva("text-sm font-medium leading-none peer-disabled:cursor-not-allowed peer-disabled:opacity-70");

export const Label = React.forwardRef<
  HTMLLabelElement,
  React.LabelHTMLAttributes<HTMLLabelElement> & VariantProps<typeof labelVariants>
>(({ className, ...props }, ref) => <label ref={ref} className={cn(labelVariants(), className)} {...props} />);
Label.displayName = "Label";
