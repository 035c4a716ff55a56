/** Mantine's Tooltip in a chunk of its own (see HoverTooltip). */
export { Tooltip as default } from '@mantine/core';
