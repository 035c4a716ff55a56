import { type PlatformUser, ZCreatePlatformUserBody } from '@keyledger/contract';
import { PasswordInput, Select, Switch, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { usePermissions } from '../../auth/hooks/usePermissions';
import { useSession } from '../../auth/hooks/useSession';
import { usePermissionTemplates } from '../../permission-templates/hooks/usePermissionTemplates';
import { useSaveUser } from '../hooks/usePlatformUsers';

const FIELDS = ['email', 'name', 'password', 'isAdmin', 'permissionTemplateId'];

interface UserFormProps {
  user?: PlatformUser;
  onClose: () => void;
}

function UserForm({ user, onClose }: UserFormProps) {
  const session = useSession();
  const { can } = usePermissions();
  // Only an admin may make or unmake admins; nobody unmakes themself, nor sets their own password here.
  const callerIsAdmin = session?.user.isAdmin ?? false;
  const isSelf = user !== undefined && user.id === session?.user.id;
  const [email, setEmail] = useState(user?.email ?? '');
  const [name, setName] = useState(user?.name ?? '');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(user?.isAdmin ?? false);
  const [templateId, setTemplateId] = useState<string | null>(user?.permissionTemplateId ?? null);
  const templates = usePermissionTemplates();
  const { errors, validate, onError } = useFieldErrors();
  const { create, update } = useSaveUser(onClose);
  const mutation = user ? update : create;

  const submit = () => {
    // Editing: the password is only sent when a new one is typed.
    const schema = user ? ZCreatePlatformUserBody.partial() : ZCreatePlatformUserBody;
    const d = validate(schema, {
      email,
      name,
      isAdmin,
      // Admins can do everything: a template only applies to the others.
      permissionTemplateId: isAdmin ? null : templateId,
      ...(password || !user ? { password } : {}),
    });
    if (!d) return;
    if (!user) return create.mutate({ body: ZCreatePlatformUserBody.parse(d) }, { onError });
    const body = {
      ...(d.email !== user.email && { email: d.email }),
      ...(d.name !== user.name && { name: d.name }),
      ...(d.isAdmin !== user.isAdmin && { isAdmin: d.isAdmin }),
      ...((d.permissionTemplateId ?? null) !== user.permissionTemplateId && {
        permissionTemplateId: d.permissionTemplateId ?? null,
      }),
      ...(d.password && { password: d.password }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: user.id }, body }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={user ? 'Save' : 'Add user'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={FIELDS}
    >
      <TextInput
        label="Email"
        type="email"
        required
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        error={errors.email}
        data-autofocus
      />
      <TextInput
        label="Name"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={errors.name}
      />
      {isSelf ? (
        <Text size="sm" c="dimmed">
          To change your own password, use Change password next to your name: it asks for your
          current one.
        </Text>
      ) : (
        <PasswordInput
          label={user ? 'New password' : 'Password'}
          description={
            user
              ? 'Leave empty to keep the current password. A new one signs the user out everywhere.'
              : 'At least 10 characters, with a letter and a digit'
          }
          required={!user}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={errors.password}
        />
      )}
      <Switch
        label="Admin"
        description={
          !callerIsAdmin
            ? 'Only an admin can make a user an admin or take it away'
            : isSelf && user.isAdmin
              ? 'You cannot take away your own admin rights; another admin can'
              : 'Admins can do everything, including managing users'
        }
        disabled={!callerIsAdmin || (isSelf && user.isAdmin)}
        checked={isAdmin}
        onChange={(e) => setIsAdmin(e.currentTarget.checked)}
        error={errors.isAdmin}
      />
      {!isAdmin && (
        <Select
          label="Permission template"
          description={
            callerIsAdmin
              ? 'What this user may see and do'
              : 'What this user may see and do. You can give only templates within your own permissions.'
          }
          placeholder={templates.isPending ? 'Loading…' : 'No permissions'}
          clearable
          data={templates.templates.map((t) => ({
            value: t.id,
            label: t.name,
            // The API refuses a template granting what the caller does not hold.
            disabled: !t.permissions.every(can) && t.id !== user?.permissionTemplateId,
          }))}
          value={templateId}
          onChange={setTemplateId}
          error={errors.permissionTemplateId}
        />
      )}
    </ModalForm>
  );
}

export function UserFormModal({ opened, ...props }: UserFormProps & { opened: boolean }) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.user ? 'Edit user' : 'Add user'}
    >
      <UserForm {...props} />
    </FormModal>
  );
}
