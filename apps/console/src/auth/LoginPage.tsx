import Button from '@mui/material/Button';
import CardContent from '@mui/material/CardContent';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { Form, Login, PasswordInput, TextInput, required, useAuthProvider, useLogin, useNotify } from 'react-admin';
import type { ConsoleAuthProvider } from './auth-provider.js';

interface Credentials {
  email: string;
  password: string;
}

/** Email + password sign-in through the API's `login` mutation (react-admin's stock form asks for a "username"). */
export function LoginPage() {
  const login = useLogin();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const authProvider = useAuthProvider() as Partial<ConsoleAuthProvider> | undefined;

  // Why the console signed out (e.g. "Your session has expired"), when a refused request did it.
  useEffect(() => {
    const notice = authProvider?.takeSignOutNotice?.();
    if (notice) notify(notice, { type: 'error' });
  }, [authProvider, notify]);

  const submit = async (values: Partial<Credentials>) => {
    setBusy(true);
    try {
      await login({ email: values.email ?? '', password: values.password ?? '' });
    } catch (e) {
      notify((e as Error).message || 'Sign-in failed', { type: 'error' });
      setBusy(false);
    }
  };

  return (
    <Login>
      <Form onSubmit={submit} noValidate>
        <CardContent sx={{ minWidth: 300 }}>
          <Typography variant="h6" align="center" gutterBottom>
            Matchlab console
          </Typography>
          <TextInput source="email" label="Email" type="email" autoComplete="username" autoFocus validate={required()} fullWidth />
          <PasswordInput source="password" label="Password" autoComplete="current-password" validate={required()} fullWidth />
          <Button type="submit" variant="contained" color="primary" fullWidth disabled={busy} sx={{ mt: 2 }}>
            {busy ? <CircularProgress size={19} thickness={3} color="inherit" /> : 'Sign in'}
          </Button>
        </CardContent>
      </Form>
    </Login>
  );
}
