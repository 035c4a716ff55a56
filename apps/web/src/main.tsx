import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Providers } from './app/Providers';
import { createQueryClient } from './app/queryClient';
import { discardEarlyAnswer } from './early/takeEarlyAnswer';
import { createAppRouter } from './router';

const queryClient = createQueryClient(() => {
  // The session ended while the page was open: start over at sign-in, then come back here.
  queryClient.clear();
  const here = router.state.location.href;
  if (!router.state.location.pathname.startsWith('/login')) {
    void router.navigate({ to: '/login', search: { redirect: here } });
  }
});
const router = createAppRouter(queryClient);
// The code of the page being opened starts loading now, beside the session check, not after it
// (the router would otherwise ask for it once the signed-in check has answered).
for (const route of router.getMatchedRoutes(window.location.pathname)[0]) {
  void router.loadRouteChunk(route)?.catch(() => undefined);
}

// index.html's early request (the audit page's first rows) serves the first navigation only: once it
// has settled, an answer nobody took (signed out, no permission) is dropped, never served later.
const stopDiscarding = router.subscribe('onResolved', () => {
  discardEarlyAnswer();
  stopDiscarding();
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>
  </StrictMode>,
);
