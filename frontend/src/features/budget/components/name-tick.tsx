import type { YAxisTickContentProps } from "recharts";

import { nameLabel } from "../axis-ticks";

// 11 px text is about 6.5 px a character: 18 fit the names axis' 128 px beside the tick margin.
export const NAME_AXIS_WIDTH = 128;
const NAME_CHARACTERS = 18;

/** A names axis' label, cut with an ellipsis to the axis' width; the whole name shows on hover. */
export function NameTick({ x, y, payload, textAnchor, className }: YAxisTickContentProps) {
  const name = String(payload.value);
  return (
    <g>
      <title>{name}</title>
      <text
        x={x}
        y={y}
        dy="0.355em"
        textAnchor={textAnchor}
        fill="hsl(var(--muted-foreground))"
        fontSize={11}
        className={className}
      >
        {nameLabel(name, NAME_CHARACTERS)}
      </text>
    </g>
  );
}
