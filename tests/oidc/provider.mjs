// A real OpenID Connect provider for the tests (panva's oidc-provider), on 127.0.0.1.
//
// Env: OIDC_TEST_CLIENT = {client_id, client_secret, redirect_uris}, OIDC_TEST_USERS = {sub: claims}.
// Prints "READY <issuer>" once listening. No consent screen and no login form: the interaction signs in
// the user chosen by the test (GET /_test/config?user=SUB), as a ProConnect agent would after their login.
// The same endpoint lets a test make the provider misbehave: tamper=1 alters the ID token after signing
// (so its signature no longer holds), clock=-7200 shifts the provider's clock (tokens already expired).
import http from 'node:http';

import Provider from 'oidc-provider';

const realNow = Date.now;
const state = { user: null, tamper: false, offset: 0 };
Date.now = () => realNow() + state.offset * 1000;

const client = JSON.parse(process.env.OIDC_TEST_CLIENT);
const users = JSON.parse(process.env.OIDC_TEST_USERS);

async function loadExistingGrant(ctx) {
  // First-party client: consent is implied, as for an agent signing in to their own administration's tool.
  const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (existing) return ctx.oidc.provider.Grant.find(existing);
  const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

function start(port) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'usual_name', 'family_name', 'name'] },
    conformIdTokenClaims: false, // the ID token carries the claims, as ProConnect's does
    findAccount: async (ctx, sub) => (users[sub] ? { accountId: sub, claims: async () => ({ sub, ...users[sub] }) } : undefined),
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant,
    cookies: { keys: ['fabrique-tests-only'] },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 60, Session: 3600, Interaction: 600, Grant: 3600 },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path === '/_test/config') {
      const q = ctx.query;
      if (q.user !== undefined) state.user = q.user;
      if (q.tamper !== undefined) state.tamper = q.tamper === '1';
      if (q.clock !== undefined) state.offset = Number(q.clock);
      ctx.body = { ...state };
      return;
    }
    const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (match) {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const result = details.prompt.name === 'login' ? { login: { accountId: state.user } } : { consent: {} };
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
      return;
    }
    await next();
    if (state.tamper && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      const [header, payload, signature] = ctx.body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.email = 'intrus@example.org';
      ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
    }
  });
  return provider;
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  server.on('request', start(port).callback());
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
