/**
 * Gogs.
 * Docs: https://gogs.io/advancing/webhooks (X-Gogs-Delivery, X-Gogs-Event, X-Gogs-Signature:
 * hex HMAC-SHA256 of the payload with the webhook secret)
 * Newer Gogs versions also send X-Github-Event/X-Github-Delivery, so Gogs is detected before GitHub.
 */
import { giteaFamilyProvider } from './gitea-family';

export const gogs = giteaFamilyProvider({
  name: 'gogs',
  label: 'Gogs',
  prefix: 'x-gogs',
  notIf: ['x-forgejo-event', 'x-gitea-event'],
});
