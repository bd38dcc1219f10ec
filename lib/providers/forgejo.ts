/**
 * Forgejo (and Codeberg).
 * Docs: https://forgejo.org/docs/latest/user/webhooks/ (event headers and push payload)
 * Forgejo sends X-Forgejo-* plus the Gitea, Gogs and GitHub headers of the same delivery;
 * detection is on X-Forgejo-Event, the most specific of them.
 */
import { giteaFamilyProvider } from './gitea-family';

export const forgejo = giteaFamilyProvider({ name: 'forgejo', label: 'Forgejo', prefix: 'x-forgejo' });
