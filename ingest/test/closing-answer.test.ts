// A request that reaches the service while it closes is answered "not now", with Retry-After, so a
// client or balancer sends it again: fastify's own answer then was a bare 503, which the load
// generator (and any client that honours only 503 with Retry-After) counted as failed.
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { BROWSER_UA, beaconEvent, testApp } from './support/test-app.js';

function beaconRequest(body: string): string {
  return [
    'POST /v1/beacon HTTP/1.1',
    'host: 127.0.0.1',
    'content-type: text/plain',
    `user-agent: ${BROWSER_UA}`,
    'connection: keep-alive',
    `content-length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** Everything the socket receives until the server closes it. */
function received(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('utf8');
  });
  return new Promise((resolve) => socket.on('close', () => resolve(text)));
}

it('answers a request that comes while it closes with 503 FOOTFALL_CLOSING and Retry-After', async () => {
  const app = await testApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const answers = received(socket);

  // The first request has begun (so its connection is not idle and stays open through the close)
  // but its body is not complete; the second is sent behind it on the same connection once the
  // close has begun, so it reaches the router while the service closes.
  const first = beaconRequest(JSON.stringify({ site: 'portfolio', events: [beaconEvent({ session: 'closing-first' })] }));
  const split = first.length - 5;
  socket.write(first.slice(0, split));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.write(first.slice(split));
  socket.write(beaconRequest(JSON.stringify({ site: 'portfolio', events: [beaconEvent({ session: 'closing-second' })] })));
  await closed;
  socket.destroy();

  const text = await answers;
  const responses = text.split(/(?=HTTP\/1\.1 )/);
  expect(responses).toHaveLength(2);
  expect(responses[0]).toMatch(/^HTTP\/1\.1 202 /);
  expect(responses[1]).toMatch(/^HTTP\/1\.1 503 /);
  expect(responses[1]).toMatch(/\r\nretry-after: 5\r\n/i);
  expect(responses[1]).toContain('"code":"FOOTFALL_CLOSING"');
});
