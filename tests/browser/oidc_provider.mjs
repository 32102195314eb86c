// A real OpenID provider on 127.0.0.1 for the sign-in tests and the demo
// (npm oidc-provider, a certified OpenID Connect implementation): the
// authorization code flow with PKCE, client_secret_basic, RS256 and ES256 ID
// tokens, NSIS levels of assurance (acr) and RP-initiated logout.
//
//   node tests/browser/oidc_provider.mjs --port P --clients FILE.json [--keys FILE.json] [--rotate]
//   (or OIDC_PORT, OIDC_CLIENTS, OIDC_KEYS in the environment)
//
// --clients: a JSON array of client metadata (client_id, client_secret,
//   redirect_uris, post_logout_redirect_uris, id_token_signed_response_alg).
// --keys: the provider's private signing keys (a JWKS); made when the file is
//   missing. --rotate puts a new RSA and a new EC key first (the provider signs
//   with the first key of an algorithm; the old ones stay published), writes
//   the file and goes on serving: restart the provider with --rotate to rotate.
// Prints "issuer http://127.0.0.1:PORT" once it serves.
//
// Sign-in: the login page asks for an account id (no password): the test
// identities below. FOR TESTS AND DEMOS ONLY: anyone can be anyone.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const CPR_CLAIM = 'https://data.gov.dk/model/core/eid/cprNumber';
const LOA = 'https://data.gov.dk/concept/core/nsis/loa/';

// Test identities: citizens of the example municipality's demo data (CPR
// numbers that Cpr::parse accepts) and staff on
// examples/municipalities/eksempel-kommune.yaml's staff list, plus one who is not.
const ACCOUNTS = {
  jens: { name: 'Jens Jensen', cpr: '0104909989', acr: LOA + 'Substantial' },
  lowjens: { name: 'Jens Lavsikring', cpr: '0104909989', acr: LOA + 'Low' },
  frida: { name: 'Frida Hansen', staff: true, groups: ['sf-frontdesk'] },
  bo: { name: 'Bo Larsen', staff: true, groups: ['sf-frontdesk', 'sf-caseworkers', 'sf-admins', 'sf-unrelated'] },
  carl: { name: 'Carl Nielsen', staff: true, groups: ['sf-caseworkers'] },
  anna: { name: 'Anna Berg', staff: true, groups: ['sf-admins'] },
  mallory: { name: 'Mallory Udefra', staff: true, groups: ['sf-caseworkers', 'sf-admins'] },
};

function option(name, env) {
  const i = process.argv.indexOf(name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[env];
}

function newKeys() {
  const stamp = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [{ ...rsa, kid: `rsa-${stamp}`, alg: 'RS256', use: 'sig' }, { ...ec, kid: `ec-${stamp}`, alg: 'ES256', use: 'sig' }];
}

function loadKeys(file, rotate) {
  let keys = [];
  if (file && existsSync(file)) keys = JSON.parse(readFileSync(file, 'utf8')).keys;
  if (keys.length === 0 || rotate) keys = [...newKeys(), ...keys].slice(0, 6);
  if (file) writeFileSync(file, JSON.stringify({ keys }), { mode: 0o600 });
  return { keys };
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10000) break;
  }
  return new URLSearchParams(body);
}

const clientsFile = option('--clients', 'OIDC_CLIENTS');
if (!clientsFile) {
  console.error('usage: oidc_provider.mjs --port P --clients FILE.json [--keys FILE.json] [--rotate]');
  process.exit(2);
}
const clients = JSON.parse(readFileSync(clientsFile, 'utf8'));
const jwks = loadKeys(option('--keys', 'OIDC_KEYS'), process.argv.includes('--rotate'));

let provider = null;
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://127.0.0.1');
    const m = url.pathname.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
    if (!m) return provider.callback()(req, res);
    const details = await provider.interactionDetails(req, res);
    const uid = details.uid;
    if (m[2] && req.method === 'POST') {
      const form = await readForm(req);
      const id = (form.get('login') || '').trim();
      const account = ACCOUNTS[id];
      if (!account) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(page('Ukendt bruger', `<p>Ingen testbruger hedder ${escape(id)}.</p><p><a href="/interaction/${uid}">Prøv igen</a></p>`));
      }
      return provider.interactionFinished(req, res, { login: { accountId: id, acr: account.acr || LOA + 'Substantial' } },
        { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === 'login') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page('Testlogin', `<p>Testudbyder: skriv en testbrugers id (fx jens, bo, anna).</p>
<form method="post" action="/interaction/${uid}/login" id="login-form">
<label>Bruger <input name="login" autocomplete="off" autofocus required></label>
<button type="submit">Log ind</button></form>`));
    }
    // Consent: granted at once for the scopes and claims asked (a test provider).
    const { prompt: { details: missing }, params, session } = details;
    let grant = details.grantId ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    if (missing.missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (e) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`the test provider refused this: ${e.message}\n`);
  }
});

server.listen(Number(option('--port', 'OIDC_PORT') || 0), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients,
    jwks,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: async (ctx, id) => {
      const a = ACCOUNTS[id];
      if (!a) return undefined;
      return {
        accountId: id,
        claims: async () => (a.staff
          ? { sub: `staff-${id}`, name: a.name, preferred_username: id, groups: a.groups }
          : { sub: `citizen-${id}`, name: a.name, [CPR_CLAIM]: a.cpr }),
      };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups', CPR_CLAIM] },
    conformIdTokenClaims: false, // the claims go into the ID token (the relying party reads no userinfo)
    acrValues: [LOA + 'Low', LOA + 'Substantial', LOA + 'High'],
    pkce: { required: () => true },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Log ud', `${form}<p>Vil du logge ud hos testudbyderen?</p>
<button type="submit" form="op.logoutForm" name="logout" value="yes">Ja, log ud</button>`);
        },
        postLogoutSuccessSource: async (ctx) => { ctx.body = page('Du er logget ud', '<p>Du er logget ud hos testudbyderen.</p>'); },
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Fejl hos testudbyderen', `<p>${escape(out.error)}: ${escape(out.error_description || '')}</p>`);
    },
  });
  provider.proxy = false;
  console.log(`issuer ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
