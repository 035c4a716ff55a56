import type { TooltipProps } from '@mantine/core';
import {
  cloneElement,
  lazy,
  type ReactElement,
  Suspense,
  useEffect,
  useRef,
  useState,
} from 'react';

/** Mantine's Tooltip (and its floating-tooltip code), loaded with the first hover or focus. */
const Tooltip = lazy(() => import('./TooltipLoaded'));

type HoverTooltipProps = Omit<TooltipProps, 'children' | 'opened' | 'openDelay'> & {
  children: ReactElement;
  /** How long the pointer rests before the tooltip shows (ms). */
  openDelay?: number;
};

/**
 * A tooltip that costs nothing until someone points at (or tabs to) its element: a table shows one
 * per action badge, and fifty of Mantine's Tooltip (with their floating-ui hooks) slowed the first
 * render of the audit page. The first hover loads Tooltip, which then opens and closes with the
 * pointer and focus.
 */
export function HoverTooltip({ children, openDelay = 0, ...props }: HoverTooltipProps) {
  const [shown, setShown] = useState<boolean | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const show = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setShown(true), openDelay);
  };
  const hide = () => {
    clearTimeout(timer.current);
    if (shown !== null) setShown(false);
  };
  const target = cloneElement(children, {
    onMouseEnter: show,
    onMouseLeave: hide,
    onFocus: show,
    onBlur: hide,
  });
  if (shown === null) return target;
  return (
    <Suspense fallback={target}>
      <Tooltip {...props} opened={shown}>
        {target}
      </Tooltip>
    </Suspense>
  );
}
