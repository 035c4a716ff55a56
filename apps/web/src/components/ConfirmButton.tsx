import { Button, type ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { ConfirmModal } from './ConfirmModal';

interface ConfirmButtonProps extends Omit<ButtonProps, 'children' | 'loading' | 'onClick'> {
  label: string;
  'aria-label'?: string;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  loading?: boolean;
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
  ...buttonProps
}: ConfirmButtonProps) {
  const [opened, { open, close }] = useDisclosure(false);
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
