/** The console's sign-in operations (checked against apps/api/schema.gql by data/queries.spec.ts). */
export const LOGIN = `mutation ConsoleLogin($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt refreshToken refreshExpiresAt role }
}`;
export const REFRESH_SESSION = `mutation ConsoleRefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { token expiresAt refreshToken refreshExpiresAt role }
}`;
export const LOGOUT = 'mutation ConsoleLogout($refreshToken: String!) { logout(refreshToken: $refreshToken) }';
export const ME = 'query ConsoleMe { me { id kind label role } }';
