import { useState } from 'preact/hooks';

export function SignIn(props: { onSignIn: (token: string) => Promise<void>; error: string | null }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin">
      <h1>Latchkey</h1>
      <p>Sign in with an API token that may use the management API (CMA). The console can then do exactly what that token may do.</p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          await props.onSignIn(token.trim());
          setBusy(false);
        }}
      >
        <label for="signin-token">API token</label>
        <input
          id="signin-token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={token}
          aria-describedby={props.error ? 'signin-error' : undefined}
          onInput={(event) => setToken(event.currentTarget.value)}
        />
        {props.error && (
          <p id="signin-error" class="field-error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="hint">The token is kept only for this browser tab and forgotten when you sign out.</p>
    </main>
  );
}
