import { Alert, Button, Group, Modal, type ModalProps, Stack } from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { ZodType, ZodTypeDef } from 'zod';
import { apiErrorMessage, apiFieldErrors } from '../../api/errors';
import { zodFieldErrors } from '../../utils/zodFieldErrors';

export interface FormModalProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  size?: ModalProps['size'];
  /** False while what it shows must not be lost to a stray click (a secret shown once). */
  closeOnClickOutside?: boolean;
  /** The form, mounted each time the modal opens (so it starts from the item's current values). */
  children: ReactNode;
}

/** The one form modal: a centred modal whose form is mounted fresh on every opening. */
export function FormModal({
  opened,
  onClose,
  title,
  size,
  closeOnClickOutside = true,
  children,
}: FormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      size={size}
      centered
      closeOnClickOutside={closeOnClickOutside}
    >
      {opened && children}
    </Modal>
  );
}

/** Field errors: from the zod schema before sending, from the API's `details` after. */
export function useFieldErrors() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    errors,
    setErrors,
    /** The parsed body, or null with each field's error shown. */
    validate<O, I>(schema: ZodType<O, ZodTypeDef, I>, values: unknown): O | null {
      const parsed = schema.safeParse(values);
      if (!parsed.success) {
        setErrors(zodFieldErrors(parsed.error));
        return null;
      }
      setErrors({});
      return parsed.data;
    },
    /** Pass as a mutation's onError: the API's field errors beside their fields. */
    onError: (error: unknown) => setErrors(apiFieldErrors(error)),
  };
}

export interface ModalFormProps {
  onSubmit: () => void;
  onCancel: () => void;
  submitLabel: string;
  pending: boolean;
  /** The mutation's error: shown above the fields unless it is about one of them. */
  error: unknown;
  /** The fields' errors (useFieldErrors), and the fields this form shows. */
  errors: Record<string, string>;
  fields: readonly string[];
  children: ReactNode;
}

/** The form inside a FormModal: its error, its fields, Cancel and the submit button. */
export function ModalForm({
  onSubmit,
  onCancel,
  submitLabel,
  pending,
  error,
  errors,
  fields,
  children,
}: ModalFormProps) {
  const fieldShown = fields.some((f) => f in errors);
  return (
    <form
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <Stack>
        {error != null && !fieldShown && (
          <Alert color="red" role="alert">
            {apiErrorMessage(error)}
          </Alert>
        )}
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
