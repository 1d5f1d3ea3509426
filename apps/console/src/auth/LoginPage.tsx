import Button from '@mui/material/Button';
import CardContent from '@mui/material/CardContent';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Form, Login, PasswordInput, TextInput, required, useLogin, useNotify } from 'react-admin';

interface Credentials {
  email: string;
  password: string;
}

/** Email + password sign-in through the API's `login` mutation (react-admin's stock form asks for a "username"). */
export function LoginPage() {
  const login = useLogin();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);

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
