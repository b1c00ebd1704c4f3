import './styles.css';
import { forgetKey, storedKey, storeKey, takeKeyFromUrl } from './api';
import { h } from './dom';
import { Router } from './router';
import { jobPage } from './pages/job';
import { jobsPage } from './pages/jobs';
import { modelPage } from './pages/model';
import { modelsPage } from './pages/models';
import { runPage, runsPage } from './pages/runs';
import { driftIndexPage, driftPage } from './pages/drift';
import { streamPage, streamsPage } from './pages/streams';
import { instancePage, instancesPage } from './pages/instances';

takeKeyFromUrl();

const view = document.getElementById('view')!;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;

/** The sign-in form: the key goes to sessionStorage, never into the URL. */
function showSignIn(message?: string): void {
  signOut.hidden = true;
  const input = h('input', {
    type: 'password',
    name: 'key',
    id: 'key',
    autocomplete: 'off',
    required: true,
    placeholder: 'function key',
  });
  const form = h(
    'form',
    {
      class: 'card sign-in',
      id: 'sign-in',
      onsubmit: (event: Event) => {
        event.preventDefault();
        storeKey(input.value.trim());
        signOut.hidden = false;
        void router.show();
      },
    },
    h('h2', {}, 'Sign in'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h(
      'p',
      {},
      'Paste a function key of this app (locally: ',
      h('code', {}, 'npx durable-scoring keys'),
      "; on Azure: the Function App's App keys). It stays in this tab only.",
    ),
    h('label', { for: 'key' }, 'Function key'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  view.replaceChildren(form);
  input.focus();
}

const router = new Router(view, showSignIn)
  .add(/^\/jobs\/?$/, jobsPage)
  .add(/^\/jobs\/([^/]+)$/, jobPage)
  .add(/^\/models\/?$/, modelsPage)
  .add(/^\/models\/([^/]+)$/, modelPage)
  .add(/^\/runs\/?$/, runsPage)
  .add(/^\/models\/([^/]+)\/runs\/([^/]+)$/, runPage)
  .add(/^\/drift\/?$/, driftIndexPage)
  .add(/^\/drift\/([^/]+)$/, driftPage)
  .add(/^\/streams\/?$/, streamsPage)
  .add(/^\/streams\/([^/]+)$/, streamPage)
  .add(/^\/instances\/?$/, instancesPage)
  .add(/^\/instances\/([^/]+)$/, instancePage);

signOut.addEventListener('click', () => {
  forgetKey();
  showSignIn();
});

if (storedKey()) {
  signOut.hidden = false;
  router.start();
} else {
  addEventListener('hashchange', () => void router.show());
  showSignIn();
}
