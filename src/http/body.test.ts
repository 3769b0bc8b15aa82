import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { readBody } from './body';

function request(body: Buffer, headers: Record<string, string>, chunk = 10_000): IncomingMessage {
  const req = Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
  setImmediate(() => {
    for (let i = 0; i < body.length; i += chunk) req.write(body.subarray(i, i + chunk));
    req.end();
  });
  return req;
}

describe('readBody', () => {
  const body = Buffer.from('é'.repeat(150_000));

  test('a large body of declared length, copied into place as it arrives', async () => {
    const req = request(body, { 'content-length': String(body.length) }, 7_777);
    expect((await readBody(req, 1_000_000)).equals(body)).toBe(true);
  });

  test('a body longer than declared is kept whole; one without a length too', async () => {
    expect((await readBody(request(body, { 'content-length': '100000' }), 1_000_000)).equals(body)).toBe(
      true,
    );
    expect((await readBody(request(body, {}), 1_000_000)).equals(body)).toBe(true);
  });

  test('a body past the limit is refused, whatever it declared', async () => {
    await expect(readBody(request(body, { 'content-length': '100000' }), 200_000)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(
      readBody(request(body, { 'content-length': String(body.length) }), 200_000),
    ).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });
});
