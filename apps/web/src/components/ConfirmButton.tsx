import { Button, type ButtonProps, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, useId } from 'react';
import { ConfirmModal } from './ConfirmModal';

interface ConfirmButtonProps extends Omit<ButtonProps, 'children' | 'loading' | 'onClick'> {
  label: string;
  'aria-label'?: string;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  loading?: boolean;
  /**
   * Why there is nothing to do (e.g. "The count is already 0"): the button stays visible and
   * focusable but does nothing, and says why in a tooltip and to screen readers.
   */
  disabledReason?: string | null;
  /** Runs the action; call `close` once it has settled. */
  onConfirm: (close: () => void) => void;
}

/** A button for a destructive action, asking first. */
export function ConfirmButton({
  label,
  title,
  confirmLabel,
  children,
  loading,
  onConfirm,
  disabledReason,
  ...buttonProps
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure(false);
  const reasonId = useId();
  if (disabledReason) {
    return (
      <Tooltip label={disabledReason} withArrow>
        <Button
          variant="default"
          {...buttonProps}
          data-disabled
          aria-disabled
          aria-describedby={reasonId}
          onClick={(e) => e.preventDefault()}
        >
          {label}
          <span id={reasonId} hidden>
            {disabledReason}
          </span>
        </Button>
      </Tooltip>
    );
  }
  return (
    <>
      <Button variant="default" {...buttonProps} onClick={open}>
        {label}
      </Button>
      <ConfirmModal
        opened={opened}
        onClose={close}
        title={title}
        confirmLabel={confirmLabel}
        loading={loading}
        onConfirm={() => onConfirm(close)}
      >
        {children}
      </ConfirmModal>
    </>
  );
}
