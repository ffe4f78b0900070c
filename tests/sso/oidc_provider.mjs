// A real OpenID provider for the single sign-on tests: npm's oidc-provider (a certified
// OpenID Connect implementation) on 127.0.0.1, with its development login page (any login
// name, any password) and the accounts the tests pass in.
//
//   node tests/sso/oidc_provider.mjs PORT
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS and OIDC_POST_LOGOUT_URIS
//   (comma-separated), OIDC_ACCOUNTS: {"login": {"email": ..., "org": ...}, ...}
//
// Prints "ready <issuer>" once it listens. Test use only: never serve this to anyone.
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const list = (name) => (process.env[name] || '').split(',').filter(Boolean);

const claims = {
  openid: ['sub'],
  email: ['email', 'email_verified'],
  profile: ['name', 'given_name', 'family_name'],
  // Region-specific claims, as Inera's IdP or an Entra tenant would send them.
  atmp: ['org', 'title'],
};

const configuration = {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: list('OIDC_REDIRECT_URIS'),
    post_logout_redirect_uris: list('OIDC_POST_LOGOUT_URIS'),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims,
  // The scope's claims go into the ID token too, as Entra ID does.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  cookies: { keys: ['test-cookie-key-only-for-loopback-tests'] },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  async findAccount(ctx, id) {
    const known = accounts[id] || {};
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...known };
      },
    };
  },
  // A first-party client: no consent screen (the documented recipe).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile atmp');
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (ctx, err) => console.error('server_error', err));
const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
