/**
 * Certificates made with openssl for the TLS probe tests: a CA of our own
 * and leaves it signs for 127.0.0.1 with the lifetime a test needs, so
 * expiry is graded on a real certificate a real handshake presented.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  /** path of the CA's PEM, for tls.ca */
  certPath: string;
  keyPath: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function makeCa(dir: string): TestCa {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/O=Opsdeck Test/CN=R3'], dir);
  return { dir, certPath: join(dir, 'ca.pem'), keyPath: join(dir, 'ca.key') };
}

/** A server certificate for 127.0.0.1 and localhost, signed by `ca`, valid for `days`. */
export function issueLeaf(ca: TestCa, name: string, days: number): { key: string; cert: string } {
  const { dir } = ca;
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost'], dir);
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', `${name}.pem`, '-days', String(days), '-extfile', `${name}.ext`], dir);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
}
