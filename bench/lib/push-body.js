'use strict';
const crypto = require('node:crypto');
const { githubPushPayload, githubHeaders } = require('../../dist/lib/demo/github-push');

const FILES = [
  'src/server/routes/orders.ts',
  'src/server/routes/invoices.ts',
  'src/lib/pricing/discounts.ts',
  'src/lib/pricing/tax-rules.ts',
  'test/pricing/discounts.test.ts',
  'docs/operations/deploy.md',
  'package.json',
  'package-lock.json',
  'config/production.yaml',
  'public/css/site.css',
];

const MESSAGES = [
  'Fix rounding of percentage discounts on multi-currency orders\n\nThe discount was applied after conversion, so EUR orders were off by a cent.',
  'Invoices: show the VAT number of the buyer when it is known',
  'Bump the pricing cache TTL to 10 minutes after the load test',
  'Tax rules: add the reduced rate for books in the new regions\n\nSee ticket OPS-4471 for the legal text.',
  'Deploy notes: document the rollback procedure and the health check',
  'Orders API: validate the quantity range and return 422 with the field name',
  'Styles: tighten the table layout on the invoice page for print',
];

function fakeSha(seed) {
  return crypto.createHash('sha1').update(String(seed)).digest('hex');
}

/**
 * A GitHub push body of about `targetBytes` (default ~7 KB, a typical push of several
 * commits): real shape from lib/demo/github-push, padded with commits carrying messages and
 * added/modified file lists like GitHub sends. The same bytes are sent every time; only the
 * X-GitHub-Delivery header changes, so one signature serves every request.
 */
function pushBody({ cloneUrl, branch, targetBytes = 7 * 1024, seed = 'bench' }) {
  const commits = [];
  let body = '';
  for (let i = 0; i < 64; i++) {
    commits.push({
      id: fakeSha(`${seed}-${i}`),
      message: MESSAGES[i % MESSAGES.length],
      authorName: i % 2 ? 'Alice Example' : 'Bob Sample',
      authorEmail: i % 2 ? 'alice@example.com' : 'bob@example.com',
      timestamp: new Date(Date.UTC(2024, 4, 1, 12, i)).toISOString(),
    });
    const raw = JSON.parse(
      githubPushPayload({ cloneUrl, ref: `refs/heads/${branch}`, before: fakeSha(`${seed}-before`), after: commits[commits.length - 1].id, commits }),
    );
    raw.commits.forEach((c, j) => {
      c.modified = FILES.filter((_, k) => (k + j) % 3 === 0);
      c.added = j % 4 === 0 ? [`src/lib/pricing/rule-${j}.ts`] : [];
    });
    raw.head_commit = raw.commits[raw.commits.length - 1];
    const next = JSON.stringify(raw);
    if (next.length > targetBytes && body) break;
    body = next;
  }
  return body;
}

/** Headers with a signature over `body` and the given delivery id. */
function signedHeaders(body, secret, deliveryId) {
  return githubHeaders(body, secret, 'push', deliveryId);
}

module.exports = { pushBody, signedHeaders, fakeSha };
