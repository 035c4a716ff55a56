import { ZSignupBody } from '@keyledger/contract';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { type ChangeEvent, type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { tsr } from '../../../api/tsr';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useSignedIn } from '../hooks/useSignIn';
import { AuthLayout } from './AuthLayout';

const EMPTY = { accountName: '', name: '', email: '', password: '' };

export function SignupPage() {
  const signedIn = useSignedIn();
  const [values, setValues] = useState(EMPTY);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const signup = tsr.auth.signup.useMutation({
    onSuccess: (res) => signedIn(res.body),
    onError: (error) => setFieldErrors(apiFieldErrors(error)),
  });

  const field = (key: keyof typeof EMPTY) => ({
    value: values[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setValues((v) => ({ ...v, [key]: value }));
    },
    error: fieldErrors[key],
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ZSignupBody.safeParse(values);
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error));
      return;
    }
    setFieldErrors({});
    signup.mutate({ body: parsed.data });
  };

  const fieldShown = Object.keys(fieldErrors).some((k) => k in EMPTY);
  const formError = signup.isError && !fieldShown ? apiErrorMessage(signup.error) : null;

  return (
    <AuthLayout
      title="Create your account"
      subtitle="A vendor account, with you as its first admin"
    >
      <form onSubmit={submit} noValidate aria-label="Create your account">
        <Stack>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput
            label="Account name"
            description="Your company"
            required
            autoComplete="organization"
            {...field('accountName')}
          />
          <TextInput label="Your name" required autoComplete="name" {...field('name')} />
          <TextInput label="Email" type="email" required autoComplete="email" {...field('email')} />
          <PasswordInput
            label="Password"
            description="At least 10 characters, with a letter and a digit"
            required
            autoComplete="new-password"
            {...field('password')}
          />
          <Button type="submit" loading={signup.isPending} fullWidth>
            Create account
          </Button>
          <Text size="sm" ta="center">
            Already have an account?{' '}
            <Anchor component={Link} to="/login">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
