/**
 * Gitea.
 * Docs: https://docs.gitea.com/usage/webhooks (event headers and push payload)
 * Source of the signature scheme: https://github.com/go-gitea/gitea/blob/main/services/webhook/deliver.go
 * A Gitea delivery also carries X-Gogs-* and X-GitHub-* headers; Forgejo deliveries carry
 * X-Gitea-* too, hence Forgejo is detected first and excluded here.
 */
import { giteaFamilyProvider } from './gitea-family';

export const gitea = giteaFamilyProvider({ name: 'gitea', label: 'Gitea', prefix: 'x-gitea', notIf: ['x-forgejo-event'] });
