export function LoginForm() {
  return (
    <form method="post" action="/login">
      <input type="email" name="email" autoComplete="username" />
      <input type="password" name="password" placeholder="Password" autoComplete="current-password" />
      <input type="hidden" name="csrf_token" value="{{ csrf_token }}" />
      <a href="/forgot-password">Forgot password?</a>
    </form>
  );
}
