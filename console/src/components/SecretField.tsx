/** A secret shown in a read-only field labelled **Secret**, with a **Copy** button. */
import { useState } from 'preact/hooks';

export function SecretField(props: { secret: string; once: boolean }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopied('Copied to the clipboard.');
    } catch {
      // Clipboard access can be refused (permissions, insecure context): select it for a manual copy.
      const input = document.getElementById('secret-value') as HTMLInputElement | null;
      input?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div class="secret">
      {props.once && (
        <p class="warning" role="alert">
          This project keeps secrets in <strong>once</strong> mode: this secret is shown now and never again. Copy it before you leave this page.
        </p>
      )}
      <label for="secret-value">Secret</label>
      <div class="inline">
        <input id="secret-value" class="mono" readOnly value={props.secret} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p class="hint" aria-live="polite">
        {copied ?? ''}
      </p>
    </div>
  );
}
