import { ZLoginBody } from '@keyledger/contract';
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { getRouteApi, Link } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { tsr } from '../../../api/tsr';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useSignedIn } from '../hooks/useSignIn';
import { AuthLayout } from './AuthLayout';

const route = getRouteApi('/login');

export function LoginPage() {
  const { redirect } = route.useSearch();
  const signedIn = useSignedIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const login = tsr.auth.login.useMutation({
    onSuccess: (res) => signedIn(res.body, redirect),
    onError: (error) => setFieldErrors(apiFieldErrors(error)),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = ZLoginBody.safeParse({ email, password });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error));
      return;
    }
    setFieldErrors({});
    login.mutate({ body: parsed.data });
  };

  const fieldShown = 'email' in fieldErrors || 'password' in fieldErrors;
  const formError = login.isError && !fieldShown ? apiErrorMessage(login.error) : null;

  return (
    <AuthLayout title="Sign in" subtitle="to your vendor account">
      <form onSubmit={submit} noValidate aria-label="Sign in">
        <Stack>
          {formError && (
            <Alert color="red" role="alert">
              {formError}
            </Alert>
          )}
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldErrors.email}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={fieldErrors.password}
          />
          <Button type="submit" loading={login.isPending} fullWidth>
            Sign in
          </Button>
          <Text size="sm" ta="center">
            New to Keyledger?{' '}
            <Anchor component={Link} to="/signup">
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
