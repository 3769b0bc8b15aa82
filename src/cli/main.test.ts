import { AppError } from '../errors';
import { startFailure } from './main';

describe('start-up failures', () => {
  it('prints configuration problems as they are, one line each, no stack', () => {
    const e = new AppError(
      'CONFIG_INVALID',
      'invalid configuration:\n  - PORT: bad\n  - SLACK_SIGNING_SECRET: missing',
    );
    const text = startFailure(e, 'info');
    expect(text).toBe('mogo: invalid configuration:\n  - PORT: bad\n  - SLACK_SIGNING_SECRET: missing');
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('prints any other failure as one line with its code', () => {
    const e = Object.assign(new Error('listen EADDRINUSE: address already in use :::3000'), {
      code: 'EADDRINUSE',
    });
    const text = startFailure(e, 'info');
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(/^mogo: could not start: EADDRINUSE: listen EADDRINUSE/);
    expect(startFailure(new AppError('STORE_UNAVAILABLE', 'database unreachable'), undefined)).toContain(
      'STORE_UNAVAILABLE: database unreachable',
    );
  });

  it('shows the stack at LOG_LEVEL=debug', () => {
    expect(startFailure(new Error('boom'), 'debug')).toMatch(/\n\s+at /);
  });
});
