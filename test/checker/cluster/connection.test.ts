/** Credentials and TLS passed through to the NATS client, and addresses refused before connecting. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions, redacted } from '../../../checker/cluster/connection';

describe('cluster connection options', () => {
  it('takes user and password from the URL and never prints the password', () => {
    const o = connectionOptions({ url: 'nats://ci:s%40cret@10.0.0.5:4333' }, 'w', {});
    expect([o.servers, o.user, o.pass, o.tls]).toEqual(['10.0.0.5:4333', 'ci', 's@cret', undefined]);
    expect(redacted('nats://ci:s%40cret@10.0.0.5:4333')).toBe('nats://ci:***@10.0.0.5:4333');
  });

  it('uses TLS for tls:// and the PEM files the environment names; a creds file becomes the authenticator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hmmcheck-tls-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'user.creds'), '-----BEGIN NATS USER JWT-----\neyJ0\n------END NATS USER JWT------\n');
    expect(connectionOptions({ url: 'tls://nats.example:4222' }, 'w', {}).tls).toEqual({});
    const o = connectionOptions({ url: 'nats://nats.example', creds: join(dir, 'user.creds') }, 'w', { HMMCHECK_NATS_CA: join(dir, 'ca.pem') });
    expect([o.servers, o.tls]).toEqual(['nats.example:4222', { ca: 'CA PEM' }]);
    expect(typeof o.authenticator).toBe('function');
  });

  it('refuses a URL of another scheme and an unreadable creds file as usage errors', () => {
    expect(() => connectionOptions({ url: 'http://example.org' }, 'w', {})).toThrow("--cluster/--nats expects a nats:// or tls:// URL, got 'http://example.org'");
    expect(() => connectionOptions({ url: 'nats://h', creds: '/nonexistent/x.creds' }, 'w', {})).toThrow('cannot read --creds file /nonexistent/x.creds: ENOENT');
  });
});
